package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The OpenAI Responses API on the fake server: validation, the Response object, tools, JSON,
 * reasoning, streaming, errors.
 */
public class OpenAiResponsesDialectTest {
  private static final String TOOLS =
      "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather now\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
  private static FakeProviderServer server;
  private static String url;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey("sk-test-123").start();
    url = server.baseUrl() + "/v1/responses";
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply respond(String body) throws Exception {
    return Http.post(url, body, "authorization", "Bearer sk-test-123");
  }

  @Test
  public void answersWithTheDocumentedResponseObject() throws Exception {
    Http.Reply r =
        respond(
            "{\"model\":\"gpt-4.1-mini\",\"instructions\":\"Be terse.\",\"input\":\"What is 2+2?\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertThat(j.get("id").asText(), startsWith("resp_"));
    assertEquals("response", j.get("object").asText());
    assertEquals("completed", j.get("status").asText());
    assertEquals("gpt-4.1-mini", j.get("model").asText());
    assertThat(j.get("created_at").asLong(), greaterThan(1_600_000_000L));
    assertTrue(j.get("error").isNull());
    assertTrue(j.get("incomplete_details").isNull());
    assertEquals("Be terse.", j.get("instructions").asText());
    assertEquals("auto", j.get("tool_choice").asText());
    assertEquals("text", j.at("/text/format/type").asText());
    assertFalse("output_text is an SDK helper, not part of the REST body", j.has("output_text"));

    JsonNode item = j.at("/output/0");
    assertEquals(1, j.get("output").size());
    assertEquals("message", item.get("type").asText());
    assertThat(item.get("id").asText(), startsWith("msg_"));
    assertEquals("assistant", item.get("role").asText());
    assertEquals("completed", item.get("status").asText());
    assertEquals("output_text", item.at("/content/0/type").asText());
    assertEquals("Echo: What is 2+2?", item.at("/content/0/text").asText());
    assertTrue(item.at("/content/0/annotations").isArray());
    assertEquals(0, item.at("/content/0/annotations").size());

    long expectedInput =
        TokenCounter.estimate(
            Conversation.of(Message.system("Be terse."), Message.user("What is 2+2?")),
            TokenCounter.ImageRule.OPENAI);
    JsonNode usage = j.get("usage");
    assertEquals(expectedInput, usage.get("input_tokens").asLong());
    assertEquals(0, usage.at("/input_tokens_details/cached_tokens").asLong());
    assertEquals(TokenCounter.count("Echo: What is 2+2?"), usage.get("output_tokens").asLong());
    assertEquals(0, usage.at("/output_tokens_details/reasoning_tokens").asLong());
    assertEquals(
        usage.get("input_tokens").asLong() + usage.get("output_tokens").asLong(),
        usage.get("total_tokens").asLong());
    assertThat(r.header("x-request-id"), startsWith("req_"));
  }

  @Test
  public void inputItemsWithDeveloperMessageAndImageAreCountedLikeTheClient() throws Exception {
    byte[] png = Files.readAllBytes(TestData.file("images/red-square.png"));
    String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    String input =
        "[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"type\":\"message\",\"role\":\"user\",\"content\":["
            + "{\"type\":\"input_text\",\"text\":\"What is this?\"},{\"type\":\"input_image\",\"image_url\":\""
            + dataUrl
            + "\",\"detail\":\"auto\"}]}]";
    Http.Reply r = respond("{\"model\":\"m\",\"input\":" + input + "}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: What is this?", r.json().at("/output/0/content/0/text").asText());
    Conversation expected =
        Conversation.of(
            Message.system("Be brief."),
            Message.user().addText("What is this?").addImage(Image.fromUrl(dataUrl)));
    assertEquals(
        TokenCounter.estimate(expected, TokenCounter.ImageRule.OPENAI),
        r.json().at("/usage/input_tokens").asLong());
    assertTrue("the image costs tokens", r.json().at("/usage/input_tokens").asLong() > 85);
  }

  @Test
  public void cutAtMaxOutputTokensIsIncomplete() throws Exception {
    Http.Reply r = respond("{\"model\":\"m\",\"max_output_tokens\":16,\"input\":\"#tokens=50\"}");
    JsonNode j = r.json();
    assertEquals("incomplete", j.get("status").asText());
    assertEquals("max_output_tokens", j.at("/incomplete_details/reason").asText());
    assertEquals("incomplete", j.at("/output/0/status").asText());
    assertEquals(16, j.at("/usage/output_tokens").asInt());
    assertEquals(16, j.get("max_output_tokens").asInt());

    Http.Reply tooSmall = respond("{\"model\":\"m\",\"max_output_tokens\":15,\"input\":\"hi\"}");
    assertEquals(400, tooSmall.status());
    assertEquals(
        "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead.",
        tooSmall.json().at("/error/message").asText());
    assertEquals("max_output_tokens", tooSmall.json().at("/error/param").asText());
  }

  @Test
  public void functionToolsAreCalledAndTheirOutputsEndTheLoop() throws Exception {
    Http.Reply call =
        respond("{\"model\":\"m\",\"tools\":" + TOOLS + ",\"input\":\"Use get_weather for Oslo\"}");
    assertEquals(call.body(), 200, call.status());
    JsonNode fc = call.json().at("/output/0");
    assertEquals(1, call.json().get("output").size());
    assertEquals("function_call", fc.get("type").asText());
    assertThat(fc.get("id").asText(), startsWith("fc_"));
    assertThat(fc.get("call_id").asText(), startsWith("call_"));
    assertEquals("get_weather", fc.get("name").asText());
    assertEquals("completed", fc.get("status").asText());
    assertTrue(Json.parse(fc.get("arguments").asText()).get("city").isTextual());
    JsonNode echoed = call.json().at("/tools/0");
    assertEquals("get_weather", echoed.get("name").asText());
    assertEquals("Weather now", echoed.get("description").asText());
    assertTrue(echoed.get("strict").asBoolean());

    // The client sends the call back as an input item, with its output.
    String input =
        "[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"},"
            + Json.write(fc)
            + ",{\"type\":\"function_call_output\",\"call_id\":\""
            + fc.get("call_id").asText()
            + "\",\"output\":\"4 C\"}]";
    Http.Reply done = respond("{\"model\":\"m\",\"tools\":" + TOOLS + ",\"input\":" + input + "}");
    assertEquals(done.body(), 200, done.status());
    assertEquals("Tool results: 4 C", done.json().at("/output/0/content/0/text").asText());

    Http.Reply nested =
        respond(
            "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],\"input\":\"x\"}");
    assertEquals(400, nested.status());
    assertEquals(
        "Missing required parameter: 'tools[0].name'.",
        nested.json().at("/error/message").asText());
    Http.Reply orphan =
        respond(
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"call_x\",\"output\":\"1\"}]}");
    assertEquals(400, orphan.status());
    assertEquals(
        "No tool call found for function call output with call_id call_x.",
        orphan.json().at("/error/message").asText());
  }

  @Test
  public void jsonObjectAndFlatJsonSchemaFormats() throws Exception {
    Http.Reply obj =
        respond(
            "{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_object\"}},\"input\":\"Answer in JSON: hi\"}");
    assertEquals(
        "Answer in JSON: hi",
        Json.parse(obj.json().at("/output/0/content/0/text").asText()).get("echo").asText());
    assertEquals("json_object", obj.json().at("/text/format/type").asText());
    Http.Reply noWord =
        respond(
            "{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_object\"}},\"input\":\"hi\"}");
    assertEquals(400, noWord.status());
    assertThat(
        noWord.json().at("/error/message").asText(),
        containsString("must contain the word 'json'"));

    String schema =
        "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\",\"minimum\":18},\"name\":{\"type\":\"string\"}},"
            + "\"required\":[\"age\",\"name\"],\"additionalProperties\":false}";
    Http.Reply s =
        respond(
            "{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"person\",\"strict\":true,\"schema\":"
                + schema
                + "}},\"input\":\"Describe someone\"}");
    assertEquals(s.body(), 200, s.status());
    JsonNode v = Json.parse(s.json().at("/output/0/content/0/text").asText());
    assertEquals(18, v.get("age").asInt());
    assertEquals(2, v.size());
    assertEquals("person", s.json().at("/text/format/name").asText());

    // Chat's nested shape is not the Responses shape: the name is missing where OpenAI looks for
    // it.
    Http.Reply chatShape =
        respond(
            "{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\",\"schema\":"
                + schema
                + "}}},\"input\":\"x\"}");
    assertEquals(400, chatShape.status());
    assertEquals("text.format.name", chatShape.json().at("/error/param").asText());
  }

  @Test
  public void reasoningSummaryAndLogprobsWhenAskedFor() throws Exception {
    Http.Reply r =
        respond(
            "{\"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},\"input\":\"Think about cats\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("reasoning", j.at("/output/0/type").asText());
    assertThat(j.at("/output/0/id").asText(), startsWith("rs_"));
    assertEquals("summary_text", j.at("/output/0/summary/0/type").asText());
    long reasoning = j.at("/usage/output_tokens_details/reasoning_tokens").asLong();
    assertEquals(TokenCounter.count(j.at("/output/0/summary/0/text").asText()), reasoning);
    assertEquals(
        reasoning + TokenCounter.count("Echo: Think about cats"),
        j.at("/usage/output_tokens").asLong());
    assertEquals("low", j.at("/reasoning/effort").asText());
    assertEquals("Echo: Think about cats", j.at("/output/1/content/0/text").asText());
    Http.Reply badEffort =
        respond("{\"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"extreme\"},\"input\":\"x\"}");
    assertEquals("reasoning.effort", badEffort.json().at("/error/param").asText());

    Http.Reply lp =
        respond(
            "{\"model\":\"m\",\"include\":[\"message.output_text.logprobs\"],\"top_logprobs\":2,\"input\":\"hello there\"}");
    JsonNode logprobs = lp.json().at("/output/0/content/0/logprobs");
    assertEquals(TokenCounter.count("Echo: hello there"), logprobs.size());
    StringBuilder text = new StringBuilder();
    for (JsonNode t : logprobs) {
      text.append(t.get("token").asText());
      assertEquals(2, t.get("top_logprobs").size());
    }
    assertEquals("Echo: hello there", text.toString());
  }

  @Test
  public void streamsTypedEventsInSequenceEndingWithTheCompletedResponse() throws Exception {
    Http.Reply r =
        respond(
            "{\"model\":\"m\",\"stream\":true,\"input\":\"stream this please, it is long enough\"}");
    assertEquals(200, r.status());
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    List<JsonNode> events = events(r.body());
    assertEquals("response.created", events.get(0).get("type").asText());
    assertEquals("in_progress", events.get(0).at("/response/status").asText());
    assertEquals("response.in_progress", events.get(1).get("type").asText());
    StringBuilder deltas = new StringBuilder();
    List<String> types = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      assertEquals("sequence numbers count up from 0", i, e.get("sequence_number").asInt());
      types.add(e.get("type").asText());
      if (e.get("type").asText().equals("response.output_text.delta")) {
        deltas.append(e.get("delta").asText());
        assertThat(e.get("item_id").asText(), startsWith("msg_"));
      }
    }
    assertTrue(
        types.containsAll(
            List.of(
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done")));
    JsonNode last = events.get(events.size() - 1);
    assertEquals("response.completed", last.get("type").asText());
    assertEquals("Echo: stream this please, it is long enough", deltas.toString());
    assertEquals(deltas.toString(), last.at("/response/output/0/content/0/text").asText());
    assertNotNull(last.at("/response/usage/total_tokens").asText(null));
    assertFalse("no [DONE] line in the Responses stream", r.body().contains("[DONE]"));

    Http.Reply tool =
        respond(
            "{\"model\":\"m\",\"stream\":true,\"tools\":"
                + TOOLS
                + ",\"input\":\"Use get_weather for Oslo\"}");
    JsonNode argsDone =
        events(tool.body()).stream()
            .filter(e -> e.get("type").asText().equals("response.function_call_arguments.done"))
            .findFirst()
            .orElseThrow();
    assertEquals("get_weather", argsDone.get("name").asText());
    assertTrue(Json.parse(argsDone.get("arguments").asText()).has("city"));
  }

  /** The events of a stream, checking each {@code event:} line names the type in its data. */
  private static List<JsonNode> events(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String[] lines = block.split("\n");
      assertEquals(2, lines.length);
      assertThat(lines[0], startsWith("event: "));
      assertThat(lines[1], startsWith("data: "));
      JsonNode data = Json.parse(lines[1].substring(6));
      assertEquals(lines[0].substring(7), data.get("type").asText());
      out.add(data);
    }
    return out;
  }

  @Test
  public void validationErrorsUseOpenAisShape() throws Exception {
    Http.Reply noModel = respond("{\"input\":\"x\"}");
    assertEquals(400, noModel.status());
    assertEquals("invalid_request_error", noModel.json().at("/error/type").asText());
    assertEquals(
        "Missing required parameter: 'model'.", noModel.json().at("/error/message").asText());
    assertEquals("model", noModel.json().at("/error/param").asText());
    assertEquals("input", respond("{\"model\":\"m\"}").json().at("/error/param").asText());
    assertEquals(
        "input", respond("{\"model\":\"m\",\"input\":[]}").json().at("/error/param").asText());
    assertEquals(
        "input[0].role",
        respond("{\"model\":\"m\",\"input\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(
        "input[0].content[0].type",
        respond(
                "{\"model\":\"m\",\"input\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"input_text\",\"text\":\"x\"}]}]}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(
        "temperature",
        respond("{\"model\":\"m\",\"temperature\":3,\"input\":\"x\"}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(
        "previous_response_id",
        respond("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"x\"}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(
        "tools[0].type",
        respond("{\"model\":\"m\",\"tools\":[{\"type\":\"file_search\"}],\"input\":\"x\"}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(400, respond("not json").status());
    assertEquals(
        "an unreadable image is a 400, not a dropped connection",
        400,
        respond(
                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\"}]}]}")
            .status());
  }

  @Test
  public void aTooLongRequestGetsTheResponsesContextError() throws Exception {
    try (FakeProviderServer small = FakeProviderServer.builder().contextWindow(1000).start()) {
      Http.Reply r =
          Http.post(
              small.baseUrl() + "/v1/responses",
              "{\"model\":\"m\",\"max_output_tokens\":2000,\"input\":\"x\"}");
      assertEquals(400, r.status());
      assertEquals("context_length_exceeded", r.json().at("/error/code").asText());
      assertEquals("input", r.json().at("/error/param").asText());
      assertThat(
          r.json().at("/error/message").asText(),
          startsWith("Your input exceeds the context window"));
    }
  }

  @Test
  public void encryptedReasoningIsReturnedWhenIncludedAndAcceptedBack() throws Exception {
    Http.Reply r =
        respond(
            "{\"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"low\"},\"store\":false,"
                + "\"include\":[\"reasoning.encrypted_content\"],\"input\":\"Think\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode item = r.json().at("/output/0");
    assertEquals("reasoning", item.get("type").asText());
    assertEquals(0, item.get("summary").size());
    assertFalse(item.get("encrypted_content").asText().isEmpty());
    assertEquals("message", r.json().at("/output/1/type").asText());
    Http.Reply plain =
        respond("{\"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"low\"},\"input\":\"Think\"}");
    assertEquals(
        "no reasoning item unless asked for",
        "message",
        plain.json().at("/output/0/type").asText());

    ObjectNode next = Json.object().put("model", "o4-mini");
    next.putArray("input")
        .add(Json.object().put("role", "user").put("content", "Think"))
        .add(item)
        .add(r.json().at("/output/1"))
        .add(Json.object().put("role", "user").put("content", "Again"));
    assertEquals("reasoning followed by its message item", 200, respond(Json.write(next)).status());
  }

  @Test
  public void aReasoningItemMustComeRightBeforeItsFollowingItemWithThatItemsId() throws Exception {
    Http.Reply call =
        respond(
            "{\"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"low\"},\"store\":false,"
                + "\"include\":[\"reasoning.encrypted_content\"],\"tools\":"
                + TOOLS
                + ",\"input\":\"Use get_weather for Oslo\"}");
    assertEquals(call.body(), 200, call.status());
    JsonNode reasoning = call.json().at("/output/0");
    JsonNode fc = call.json().at("/output/1");
    assertEquals("function_call", fc.get("type").asText());
    assertThat(fc.get("id").asText(), startsWith("fc_"));
    ObjectNode output =
        Json.object()
            .put("type", "function_call_output")
            .put("call_id", fc.get("call_id").asText());
    output.put("output", "4 C");

    ObjectNode intact = Json.object().put("model", "o4-mini");
    intact
        .putArray("input")
        .add(Json.object().put("role", "user").put("content", "Use get_weather for Oslo"))
        .add(reasoning)
        .add(fc)
        .add(output);
    assertEquals(200, respond(Json.write(intact)).status());

    ObjectNode withoutId = intact.deepCopy();
    ((ObjectNode) withoutId.get("input").get(2)).remove("id");
    Http.Reply refused = respond(Json.write(withoutId));
    assertEquals(400, refused.status());
    assertEquals(
        "Item '"
            + reasoning.get("id").asText()
            + "' of type 'reasoning' was provided without its required following item.",
        refused.json().at("/error/message").asText());
    assertEquals("invalid_request_error", refused.json().at("/error/type").asText());
    assertEquals("input", refused.json().at("/error/param").asText());
    assertTrue(refused.json().at("/error/code").isNull());

    ObjectNode last = Json.object().put("model", "o4-mini");
    last.putArray("input")
        .add(Json.object().put("role", "user").put("content", "Think"))
        .add(reasoning);
    assertEquals("nothing follows the reasoning", 400, respond(Json.write(last)).status());
  }

  @Test
  public void backgroundResponsesAreQueuedPolledAndCancelled() throws Exception {
    try (FakeProviderServer slow =
        FakeProviderServer.builder()
            .apiKey("sk-bg")
            .latency(FakeLatency.fixed(Duration.ofMillis(400)))
            .start()) {
      String base = slow.baseUrl() + "/v1/responses";
      String[] auth = {"authorization", "Bearer sk-bg"};
      long t0 = System.nanoTime();
      Http.Reply started =
          Http.post(base, "{\"model\":\"m\",\"background\":true,\"input\":\"later\"}", auth);
      assertTrue("acknowledged at once", System.nanoTime() - t0 < 300_000_000L);
      assertEquals(started.body(), 200, started.status());
      assertEquals("queued", started.json().get("status").asText());
      assertTrue(started.json().get("background").asBoolean());
      String id = started.json().get("id").asText();
      Http.Reply again =
          Http.post(base, "{\"model\":\"m\",\"background\":true,\"input\":\"later\"}", auth);
      assertFalse(
          "identical requests are separate jobs", id.equals(again.json().get("id").asText()));

      assertEquals("in_progress", Http.get(base + "/" + id, auth).json().get("status").asText());
      assertEquals(401, Http.get(base + "/" + id).status());
      Thread.sleep(500);
      Http.Reply done = Http.get(base + "/" + id, auth);
      assertEquals("completed", done.json().get("status").asText());
      assertEquals("Echo: later", done.json().at("/output/0/content/0/text").asText());
      assertEquals(
          "cancelling a finished response changes nothing",
          "completed",
          Http.post(base + "/" + id + "/cancel", "", auth).json().get("status").asText());

      String other =
          Http.post(base, "{\"model\":\"m\",\"background\":true,\"input\":\"never\"}", auth)
              .json()
              .get("id")
              .asText();
      assertEquals(
          "cancelled",
          Http.post(base + "/" + other + "/cancel", "", auth).json().get("status").asText());
      Thread.sleep(500);
      assertEquals("cancelled", Http.get(base + "/" + other, auth).json().get("status").asText());

      Http.Reply unknown = Http.get(base + "/resp_nope", auth);
      assertEquals(404, unknown.status());
      assertEquals(
          "Response with id 'resp_nope' not found.", unknown.json().at("/error/message").asText());
      assertEquals("side endpoints are not model requests", 3, slow.stats().received());
      assertTrue(slow.endpoints().stream().anyMatch(e -> e.contains("/v1/responses/{id}/cancel")));
      Http.Reply streamed =
          Http.post(
              base, "{\"model\":\"m\",\"background\":true,\"stream\":true,\"input\":\"x\"}", auth);
      assertEquals("stream", streamed.json().at("/error/param").asText());
    }
  }

  @Test
  public void aMissingOrWrongKeyGetsOpenAis401() throws Exception {
    Http.Reply none = Http.post(url, "{\"model\":\"m\",\"input\":\"x\"}");
    assertEquals(401, none.status());
    assertThat(
        none.json().at("/error/message").asText(), containsString("You didn't provide an API key"));
    Http.Reply wrong =
        Http.post(url, "{\"model\":\"m\",\"input\":\"x\"}", "authorization", "Bearer sk-wrong");
    assertEquals(401, wrong.status());
    assertEquals("invalid_api_key", wrong.json().at("/error/code").asText());
  }

  @Test
  public void everyRequestTheLibraryRendersIsAccepted() throws Exception {
    Map<String, ObjectNode> golden = GoldenRequests.of("openai-responses");
    assertTrue(golden.size() >= 10);
    for (Map.Entry<String, ObjectNode> g : golden.entrySet()) {
      ObjectNode body = g.getValue().deepCopy().put("model", "gpt-4.1-mini");
      Http.Reply r = respond(Json.write(body));
      assertEquals(g.getKey() + ": " + r.body(), 200, r.status());
      assertEquals(g.getKey(), "completed", r.json().get("status").asText());
    }
  }

  @Test
  public void anEffortTheModelDoesNotTakeIsRefusedNamingReasoningEffort() throws Exception {
    Http.Reply r =
        respond("{\"model\":\"gpt-5-pro\",\"reasoning\":{\"effort\":\"low\"},\"input\":\"x\"}");
    assertEquals(r.body(), 400, r.status());
    assertEquals(
        Json.parse(
            "{\"error\":{\"message\":\"Unsupported value: 'low' is not supported with the"
                + " 'gpt-5-pro' model. Supported values are: 'high'.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"reasoning.effort\","
                + "\"code\":\"unsupported_value\"}}"),
        r.json());
    Http.Reply taken =
        respond("{\"model\":\"gpt-5-pro\",\"reasoning\":{\"effort\":\"high\"},\"input\":\"x\"}");
    assertEquals(taken.body(), 200, taken.status());
  }
}

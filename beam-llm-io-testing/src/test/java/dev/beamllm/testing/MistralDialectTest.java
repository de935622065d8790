package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Mistral chat completions on the fake server: Mistral's own rules, answers, tool ids, JSON,
 * streaming, errors and headers.
 */
public class MistralDialectTest {
  private static final String TOOLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
  private static FakeProviderServer server;
  private static String url;

  @BeforeClass
  public static void start() {
    server =
        FakeProviderServer.builder()
            .apiKey("mistral-key")
            .requestsPerMinute(10_000)
            .tokensPerMinute(10_000_000)
            .start();
    url = server.baseUrl() + "/mistral/v1/chat/completions";
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply chat(String body) throws Exception {
    return Http.post(url, body, "authorization", "Bearer mistral-key");
  }

  private static String user(String text) {
    return "{\"role\":\"user\",\"content\":\"" + text + "\"}";
  }

  @Test
  public void answersWithMistralsCompletionAndHeaders() throws Exception {
    String messages =
        "[{\"role\":\"system\",\"content\":\"Be terse.\"}," + user("What is 2+2?") + "]";
    Http.Reply r =
        chat(
            "{\"model\":\"mistral-small-latest\",\"random_seed\":7,\"safe_prompt\":false,\"max_tokens\":100,\"messages\":"
                + messages
                + "}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("chat.completion", j.get("object").asText());
    assertThat(j.get("id").asText(), matchesPattern("[0-9a-f]{32}"));
    assertEquals("mistral-small-latest", j.get("model").asText());
    assertEquals("Echo: What is 2+2?", j.at("/choices/0/message/content").asText());
    assertTrue(j.at("/choices/0/message/tool_calls").isNull());
    assertEquals("stop", j.at("/choices/0/finish_reason").asText());
    JsonNode usage = j.get("usage");
    assertEquals(
        Set.of("prompt_tokens", "completion_tokens", "total_tokens"),
        Set.copyOf(Json.toMap(usage).keySet()));
    assertEquals(
        TokenCounter.estimate(WireFormats.fromOpenAi(messages), TokenCounter.ImageRule.OPENAI),
        usage.get("prompt_tokens").asLong());
    assertEquals(TokenCounter.count("Echo: What is 2+2?"), usage.get("completion_tokens").asLong());
    assertEquals("10000", r.header("x-ratelimit-limit-req-minute"));
    assertNotNull(r.header("x-ratelimit-remaining-req-minute"));
    assertEquals("10000000", r.header("x-ratelimit-limit-tokens-minute"));
    assertNotNull(r.header("mistral-correlation-id"));
    assertFalse(
        "OpenAI's headers are not Mistral's",
        r.response().headers().firstValue("x-ratelimit-limit-requests").isPresent());
  }

  @Test
  public void toolCallsGetNineCharacterIdsAndResultsEndTheLoop() throws Exception {
    Http.Reply call =
        chat(
            "{\"model\":\"m\",\"tools\":"
                + TOOLS
                + ",\"tool_choice\":\"any\",\"messages\":["
                + user("Use get_weather for Oslo")
                + "]}");
    assertEquals(call.body(), 200, call.status());
    assertEquals("tool_calls", call.json().at("/choices/0/finish_reason").asText());
    JsonNode tc = call.json().at("/choices/0/message/tool_calls/0");
    String id = tc.get("id").asText();
    assertThat(id, matchesPattern("[a-zA-Z0-9]{9}"));
    assertEquals("function", tc.get("type").asText());
    assertEquals("get_weather", tc.at("/function/name").asText());
    assertTrue(Json.parse(tc.at("/function/arguments").asText()).get("city").isTextual());

    Http.Reply done =
        chat(
            "{\"model\":\"m\",\"tools\":"
                + TOOLS
                + ",\"messages\":["
                + user("Use get_weather for Oslo")
                + ","
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + Json.write(tc)
                + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\""
                + id
                + "\",\"name\":\"get_weather\",\"content\":\"4 C\"}]}");
    assertEquals(done.body(), 200, done.status());
    assertEquals("Tool results: 4 C", done.json().at("/choices/0/message/content").asText());
  }

  @Test
  public void mistralsOwnMessageRulesAre400s() throws Exception {
    String call =
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_abc123\",\"type\":\"function\","
            + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
    Http.Reply badId =
        chat(
            "{\"model\":\"m\",\"messages\":["
                + user("hi")
                + ","
                + call
                + ",{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"content\":\"1\"}]}");
    assertEquals(400, badId.status());
    assertEquals("error", badId.json().get("object").asText());
    assertEquals(
        "Tool call id was call_abc123 but must be a-z, A-Z, 0-9, with a length of 9.",
        badId.json().get("message").asText());
    assertEquals("invalid_function_call", badId.json().get("type").asText());
    assertEquals("3280", badId.json().get("code").asText());
    assertTrue(badId.json().get("param").isNull());

    String okCall = call.replace("call_abc123", "abcDEF123");
    Http.Reply userAfterTool =
        chat(
            "{\"model\":\"m\",\"messages\":["
                + user("hi")
                + ","
                + okCall
                + ",{\"role\":\"tool\",\"tool_call_id\":\"abcDEF123\",\"content\":\"1\"},"
                + user("and now?")
                + "]}");
    assertEquals(400, userAfterTool.status());
    assertEquals(
        "Unexpected role 'user' after role 'tool'", userAfterTool.json().get("message").asText());
    assertEquals("invalid_request_message_order", userAfterTool.json().get("type").asText());

    Http.Reply lastAssistant =
        chat(
            "{\"model\":\"m\",\"messages\":["
                + user("hi")
                + ",{\"role\":\"assistant\",\"content\":\"Hel\"}]}");
    assertEquals(400, lastAssistant.status());
    assertThat(
        lastAssistant.json().get("message").asText(),
        startsWith("Expected last role User or Tool"));
    Http.Reply prefix =
        chat(
            "{\"model\":\"m\",\"messages\":["
                + user("hi")
                + ",{\"role\":\"assistant\",\"content\":\"Hel\",\"prefix\":true}]}");
    assertEquals(prefix.body(), 200, prefix.status());
  }

  @Test
  public void imageUrlStringsAndDocumentUrlsAreRead() throws Exception {
    String png =
        "data:image/png;base64,"
            + Base64.getEncoder()
                .encodeToString(Files.readAllBytes(TestData.file("images/red-square.png")));
    String pdf =
        "data:application/pdf;base64,"
            + Base64.getEncoder()
                .encodeToString(Files.readAllBytes(TestData.file("docs/sample.pdf")));
    String content =
        "[{\"type\":\"text\",\"text\":\"Read these\"},{\"type\":\"image_url\",\"image_url\":\""
            + png
            + "\"},"
            + "{\"type\":\"document_url\",\"document_url\":\""
            + pdf
            + "\",\"document_name\":\"sample.pdf\"},"
            + "{\"type\":\"document_url\",\"document_url\":\"https://example.com/q1.pdf\"}]";
    Http.Reply r =
        chat(
            "{\"model\":\"mistral-medium-latest\",\"messages\":[{\"role\":\"user\",\"content\":"
                + content
                + "}]}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: Read these", r.json().at("/choices/0/message/content").asText());
    Conversation expected =
        Conversation.of(
            Message.user()
                .addText("Read these")
                .addImage(Image.fromUrl(png))
                .addFile(File.fromUrl(pdf))
                .addFile(File.fromUrl("https://example.com/q1.pdf")));
    assertEquals(
        "the PDF's pages and text, the image and the fetched document are all counted",
        TokenCounter.estimate(expected, TokenCounter.ImageRule.OPENAI),
        r.json().at("/usage/prompt_tokens").asLong());

    Http.Reply badDoc =
        chat(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document_url\",\"document_url\":\"ftp://x\"}]}]}");
    assertEquals(400, badDoc.status());
  }

  @Test
  public void jsonModes() throws Exception {
    Http.Reply obj =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":["
                + user("hi")
                + "]}");
    assertEquals(
        "hi",
        Json.parse(obj.json().at("/choices/0/message/content").asText()).get("echo").asText());
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":3}},\"required\":[\"n\"]}";
    Http.Reply s =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"c\",\"strict\":true,\"schema\":"
                + schema
                + "}},\"messages\":["
                + user("count")
                + "]}");
    assertEquals(
        3, Json.parse(s.json().at("/choices/0/message/content").asText()).get("n").asInt());
  }

  @Test
  public void schemaErrorsAre422WithPydanticDetail() throws Exception {
    Http.Reply extra =
        chat("{\"model\":\"m\",\"max_completion_tokens\":10,\"messages\":[" + user("hi") + "]}");
    assertEquals(422, extra.status());
    JsonNode detail = extra.json().at("/message/detail/0");
    assertEquals("extra_forbidden", detail.get("type").asText());
    assertEquals("[\"body\",\"max_completion_tokens\"]", Json.write(detail.get("loc")));
    assertEquals("Extra inputs are not permitted", detail.get("msg").asText());
    assertEquals("invalid_request_error", extra.json().get("type").asText());

    JsonNode hot =
        chat("{\"model\":\"m\",\"temperature\":1.6,\"messages\":[" + user("hi") + "]}")
            .json()
            .at("/message/detail/0");
    assertEquals("less_than_equal", hot.get("type").asText());
    assertEquals("Input should be less than or equal to 1.5", hot.get("msg").asText());
    Http.Reply noModel = chat("{\"messages\":[" + user("hi") + "]}");
    assertEquals(422, noModel.status());
    assertEquals("missing", noModel.json().at("/message/detail/0/type").asText());
    JsonNode role =
        chat("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")
            .json()
            .at("/message/detail/0/loc");
    assertEquals("[\"body\",\"messages\",0]", Json.write(role));
    assertEquals(422, chat("not json").status());
  }

  @Test
  public void streamsChunksWithUsageOnTheLastAndDone() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"stream\":true,\"messages\":["
                + user("stream this please, it is long enough")
                + "]}");
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    String[] events = r.body().split("\n\n");
    assertEquals("data: [DONE]", events[events.length - 1]);
    StringBuilder text = new StringBuilder();
    JsonNode first = Json.parse(events[0].substring(6));
    assertEquals("assistant", first.at("/choices/0/delta/role").asText());
    for (int i = 0; i < events.length - 1; i++) {
      JsonNode chunk = Json.parse(events[i].substring(6));
      assertEquals("chat.completion.chunk", chunk.get("object").asText());
      text.append(chunk.at("/choices/0/delta/content").asText(""));
    }
    JsonNode last = Json.parse(events[events.length - 2].substring(6));
    assertEquals("stop", last.at("/choices/0/finish_reason").asText());
    assertEquals(
        TokenCounter.count("Echo: stream this please, it is long enough"),
        last.at("/usage/completion_tokens").asInt());
    assertEquals("Echo: stream this please, it is long enough", text.toString());
  }

  @Test
  public void aMissingOrWrongKeyGetsTheGatewaysShape() throws Exception {
    Http.Reply none = Http.post(url, "{\"model\":\"m\",\"messages\":[" + user("x") + "]}");
    assertEquals(401, none.status());
    assertEquals("No API key found in request", none.json().get("message").asText());
    Http.Reply wrong =
        Http.post(
            url,
            "{\"model\":\"m\",\"messages\":[" + user("x") + "]}",
            "authorization",
            "Bearer nope");
    assertEquals(401, wrong.status());
    assertEquals("Unauthorized", wrong.json().get("message").asText());
    assertThat(wrong.json().get("request_id").asText(), matchesPattern("[0-9a-f]{32}"));
  }

  @Test
  public void rateLimitsAndUnknownModelsInMistralsShape() throws Exception {
    try (FakeProviderServer limited =
        FakeProviderServer.builder()
            .requestsPerMinute(1)
            .models(Set.of("mistral-small-latest"))
            .start()) {
      String u = limited.baseUrl() + "/mistral/v1/chat/completions";
      Http.Reply unknown =
          Http.post(u, "{\"model\":\"mistral-huge\",\"messages\":[" + user("x") + "]}");
      assertEquals(400, unknown.status());
      assertEquals("Invalid model: mistral-huge", unknown.json().get("message").asText());
      assertEquals("invalid_model", unknown.json().get("type").asText());
      assertEquals(
          200,
          Http.post(u, "{\"model\":\"mistral-small-latest\",\"messages\":[" + user("x") + "]}")
              .status());
      Http.Reply limitedReply =
          Http.post(u, "{\"model\":\"mistral-small-latest\",\"messages\":[" + user("x") + "]}");
      assertEquals(429, limitedReply.status());
      assertEquals("rate_limited", limitedReply.json().get("type").asText());
      assertEquals("1300", limitedReply.json().get("code").asText());
      assertNotNull(limitedReply.header("retry-after"));
      assertEquals("0", limitedReply.header("x-ratelimit-remaining-req-minute"));
    }
  }

  @Test
  public void everyRequestTheLibraryRendersIsAccepted() throws Exception {
    Map<String, ObjectNode> golden = GoldenRequests.of("mistral");
    assertTrue(golden.size() >= 10);
    for (Map.Entry<String, ObjectNode> g : golden.entrySet()) {
      ObjectNode body = g.getValue().deepCopy().put("model", "mistral-small-latest");
      Http.Reply r = chat(Json.write(body));
      assertEquals(g.getKey() + ": " + r.body(), 200, r.status());
    }
  }
}

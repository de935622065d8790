package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Cohere v2 chat, embed and rerank (v1 and v2) on the fake server: shapes, tools, JSON, streaming,
 * errors.
 */
public class CohereDialectTest {
  private static final String KEY = "co-test-123";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply post(String path, String body) throws Exception {
    return Http.post(server.baseUrl() + path, body, "authorization", "Bearer " + KEY);
  }

  private static Http.Reply chat(String body) throws Exception {
    return post("/v2/chat", body);
  }

  @Test
  public void chatAnswersWithCohereShapeAndUsage() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"command-a-03-2025\",\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is 2+2?\"}]}]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertTrue(
        j.get("id")
            .asText()
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertEquals("COMPLETE", j.get("finish_reason").asText());
    assertEquals("assistant", j.at("/message/role").asText());
    assertEquals("text", j.at("/message/content/0/type").asText());
    assertEquals("Echo: What is 2+2?", j.at("/message/content/0/text").asText());
    assertTrue(j.at("/message/tool_calls").isMissingNode());
    assertEquals(
        TokenCounter.count("Echo: What is 2+2?"),
        j.at("/usage/billed_units/output_tokens").asLong());
    // Processed input includes the preamble Cohere adds of its own; billed input does not.
    assertEquals(
        j.at("/usage/billed_units/input_tokens").asLong()
            + CohereChatDialect.HIDDEN_PREAMBLE_TOKENS,
        j.at("/usage/tokens/input_tokens").asLong());
    assertTrue(j.at("/usage/tokens/input_tokens").asLong() > 0);

    Http.Reply cut =
        chat(
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"#tokens=50\"}]}");
    assertEquals("MAX_TOKENS", cut.json().get("finish_reason").asText());
    assertEquals(5, cut.json().at("/usage/billed_units/output_tokens").asInt());
  }

  @Test
  public void toolsAreCalledWithAPlanAndToolResultsEndTheLoop() throws Exception {
    String tools =
        "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}}]";
    String question = "{\"role\":\"user\",\"content\":\"Use get_weather for Toronto\"}";
    Http.Reply call =
        chat("{\"model\":\"m\",\"tools\":" + tools + ",\"messages\":[" + question + "]}");
    JsonNode j = call.json();
    assertEquals("TOOL_CALL", j.get("finish_reason").asText());
    assertEquals("I will use get_weather.", j.at("/message/tool_plan").asText());
    JsonNode tc = j.at("/message/tool_calls/0");
    assertEquals("function", tc.get("type").asText());
    assertEquals("get_weather", tc.at("/function/name").asText());
    assertTrue(Json.parse(tc.at("/function/arguments").asText()).get("location").isTextual());

    String assistant =
        "{\"role\":\"assistant\",\"tool_plan\":"
            + j.at("/message/tool_plan")
            + ",\"tool_calls\":["
            + Json.write(tc)
            + "]}";
    String result =
        "{\"role\":\"tool\",\"tool_call_id\":\""
            + tc.get("id").asText()
            + "\",\"content\":[{\"type\":\"document\",\"document\":{\"data\":\"{\\\"temperature\\\":\\\"20C\\\"}\"}}]}";
    Http.Reply done =
        chat(
            "{\"model\":\"m\",\"tools\":"
                + tools
                + ",\"messages\":["
                + question
                + ","
                + assistant
                + ","
                + result
                + "]}");
    assertEquals(done.body(), 200, done.status());
    assertEquals("COMPLETE", done.json().get("finish_reason").asText());
    assertEquals(
        "Tool results: {\"temperature\":\"20C\"}",
        done.json().at("/message/content/0/text").asText());

    Http.Reply orphan =
        chat(
            "{\"model\":\"m\",\"messages\":["
                + question
                + ",{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"x\"}]}");
    assertEquals(400, orphan.status());
  }

  @Test
  public void jsonObjectWithOrWithoutASchema() throws Exception {
    Http.Reply plain =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(
        "hi", Json.parse(plain.json().at("/message/content/0/text").asText()).get("echo").asText());
    Http.Reply schema =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\",\"json_schema\":{\"type\":\"object\","
                + "\"properties\":{\"title\":{\"type\":\"string\"},\"year\":{\"type\":\"integer\",\"minimum\":1900}},\"required\":[\"title\",\"year\"]}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"A book\"}]}");
    JsonNode v = Json.parse(schema.json().at("/message/content/0/text").asText());
    assertEquals(1900, v.get("year").asInt());
    assertEquals("A book", v.get("title").asText());
    assertEquals(
        400,
        chat("{\"model\":\"m\",\"response_format\":{\"type\":\"yaml\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
            .status());
  }

  @Test
  public void logprobsCoverEveryToken() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
    JsonNode lp = r.json().get("logprobs");
    assertEquals(TokenCounter.count("Echo: hello there"), lp.size());
    StringBuilder text = new StringBuilder();
    for (JsonNode item : lp) {
      text.append(item.get("text").asText());
      assertEquals(1, item.get("token_ids").size());
      assertTrue(item.at("/logprobs/0").asDouble() < 0);
    }
    assertEquals("Echo: hello there", text.toString());
  }

  @Test
  public void streamsV2EventsFromMessageStartToMessageEnd() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream this please, it is long enough\"}]}");
    assertEquals(200, r.status());
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    List<JsonNode> events = events(r.body());
    assertEquals("message-start", events.get(0).get("type").asText());
    assertEquals("assistant", events.get(0).at("/delta/message/role").asText());
    assertEquals("content-start", events.get(1).get("type").asText());
    StringBuilder text = new StringBuilder();
    for (JsonNode e : events) {
      if (e.get("type").asText().equals("content-delta")) {
        text.append(e.at("/delta/message/content/text").asText());
      }
    }
    assertEquals("Echo: stream this please, it is long enough", text.toString());
    assertEquals("content-end", events.get(events.size() - 2).get("type").asText());
    JsonNode end = events.get(events.size() - 1);
    assertEquals("message-end", end.get("type").asText());
    assertEquals("COMPLETE", end.at("/delta/finish_reason").asText());
    assertEquals(
        TokenCounter.count(text.toString()),
        end.at("/delta/usage/billed_units/output_tokens").asLong());

    String tools =
        "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]";
    List<JsonNode> calls =
        events(
            chat("{\"model\":\"m\",\"stream\":true,\"tools\":"
                    + tools
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"please lookup\"}]}")
                .body());
    List<String> types = new ArrayList<>();
    calls.forEach(e -> types.add(e.get("type").asText()));
    assertEquals(
        List.of(
            "message-start",
            "tool-plan-delta",
            "tool-call-start",
            "tool-call-delta",
            "tool-call-end",
            "message-end"),
        types);
    assertEquals("lookup", calls.get(2).at("/delta/message/tool_calls/function/name").asText());
    assertEquals("TOOL_CALL", calls.get(5).at("/delta/finish_reason").asText());
  }

  /** The data of each event, checking each names its type in its {@code event:} line. */
  private static List<JsonNode> events(String sse) {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines[0], startsWith("event: "));
      assertThat(lines[1], startsWith("data: "));
      JsonNode data = Json.parse(lines[1].substring(6));
      assertEquals(lines[0].substring(7), data.get("type").asText());
      out.add(data);
    }
    return out;
  }

  @Test
  public void errorsUseCoheresIdAndMessageShape() throws Exception {
    Http.Reply none =
        Http.post(
            server.baseUrl() + "/v2/chat",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(401, none.status());
    assertEquals("no api key supplied", none.json().get("message").asText());
    assertFalse(none.json().get("id").asText().isEmpty());
    Http.Reply wrong =
        Http.post(
            server.baseUrl() + "/v2/embed",
            "{\"model\":\"m\",\"texts\":[\"x\"]}",
            "authorization",
            "Bearer co-wrong");
    assertEquals(401, wrong.status());
    assertEquals("invalid api token", wrong.json().get("message").asText());
    Set<String> fields = new HashSet<>();
    wrong.json().fieldNames().forEachRemaining(fields::add);
    assertEquals(Set.of("id", "message"), fields);

    assertEquals(400, chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").status());
    Http.Reply empty = chat("{\"model\":\"m\",\"messages\":[]}");
    assertEquals(400, empty.status());
    assertThat(empty.json().get("message").asText(), startsWith("invalid request: "));
    assertEquals(
        400,
        chat("{\"model\":\"m\",\"messages\":[{\"role\":\"chatbot\",\"content\":\"x\"}]}").status());
    assertEquals(
        400,
        chat("{\"model\":\"m\",\"p\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
            .status());
    assertEquals(400, chat("not json").status());
  }

  @Test
  public void rateLimitsModelsAndContextUseCoheresMessages() throws Exception {
    try (FakeProviderServer s =
        FakeProviderServer.builder()
            .requestsPerMinute(1)
            .models(Set.of("command-r"))
            .contextWindow(100)
            .start()) {
      String url = s.baseUrl() + "/v2/chat";
      Http.Reply missing =
          Http.post(
              url,
              "{\"model\":\"command-x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
      assertEquals(404, missing.status());
      assertThat(missing.json().get("message").asText(), startsWith("model 'command-x' not found"));
      Http.Reply big =
          Http.post(
              url,
              "{\"model\":\"command-r\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                  + "word ".repeat(200)
                  + "\"}]}");
      assertEquals(400, big.status());
      assertThat(
          big.json().get("message").asText(),
          containsString(
              "too many tokens: total number of tokens (prompt and prediction) cannot exceed 100"));

      String ok =
          "{\"model\":\"command-r\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
      assertEquals(200, Http.post(url, ok).status());
      Http.Reply limited = Http.post(url, ok);
      assertEquals(429, limited.status());
      assertThat(
          limited.json().get("message").asText(),
          startsWith("You are using a Trial key, which is limited to 1 API calls / minute."));
    }
  }

  @Test
  public void embedGivesDeterministicUnitVectors() throws Exception {
    Http.Reply r =
        post(
            "/v2/embed",
            "{\"model\":\"embed-english-v3.0\",\"input_type\":\"search_document\",\"texts\":[\"hello\",\"world\"]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    JsonNode floats = j.at("/embeddings/float");
    assertEquals(2, floats.size());
    assertEquals(1024, floats.get(0).size());
    assertEquals(1.0, norm(floats.get(0)), 1e-4);
    assertNotEquals(floats.get(0), floats.get(1));
    assertEquals(
        List.of("hello", "world"), List.of(j.at("/texts/0").asText(), j.at("/texts/1").asText()));
    assertEquals(
        TokenCounter.count("hello") + TokenCounter.count("world"),
        j.at("/meta/billed_units/input_tokens").asLong());
    assertEquals("2", j.at("/meta/api_version/version").asText());
    assertEquals("embeddings_by_type", j.get("response_type").asText());

    Http.Reply again =
        post(
            "/v2/embed",
            "{\"model\":\"embed-english-v3.0\",\"input_type\":\"search_query\",\"texts\":[\"world\"]}");
    assertEquals(
        "the same text embeds the same", floats.get(1), again.json().at("/embeddings/float/0"));
  }

  @Test
  public void embeddingTypesAreQuantizationsOfTheFloats() throws Exception {
    Http.Reply r =
        post(
            "/v2/embed",
            "{\"model\":\"embed-v4.0\",\"input_type\":\"classification\",\"output_dimension\":512,"
                + "\"embedding_types\":[\"float\",\"int8\",\"ubinary\"],\"texts\":[\"quantize me\"]}");
    JsonNode e = r.json().get("embeddings");
    JsonNode floats = e.at("/float/0");
    assertEquals(512, floats.size());
    assertEquals(512, e.at("/int8/0").size());
    assertEquals(512 / 8, e.at("/ubinary/0").size());
    double max = 0;
    for (JsonNode f : floats) {
      max = Math.max(max, Math.abs(f.asDouble()));
    }
    for (int i = 0; i < 512; i++) {
      int q = e.at("/int8/0").get(i).asInt();
      assertTrue(q >= -127 && q <= 127);
      assertEquals(
          "int8 scales the largest component to 127",
          floats.get(i).asDouble() / max * 127,
          q,
          0.5 + 1e-6);
    }
    int firstByte = e.at("/ubinary/0/0").asInt();
    for (int bit = 0; bit < 8; bit++) {
      assertEquals(floats.get(bit).asDouble() > 0, (firstByte >> (7 - bit) & 1) == 1);
    }
  }

  @Test
  public void embedValidation() throws Exception {
    Http.Reply noType = post("/v2/embed", "{\"model\":\"embed-english-v3.0\",\"texts\":[\"x\"]}");
    assertEquals(400, noType.status());
    assertThat(noType.json().get("message").asText(), containsString("input_type"));
    assertEquals(
        "v2 models need no input_type",
        200,
        post("/v2/embed", "{\"model\":\"embed-english-v2.0\",\"texts\":[\"x\"]}").status());
    assertEquals(
        400,
        post(
                "/v2/embed",
                "{\"model\":\"embed-v4.0\",\"input_type\":\"search_query\",\"texts\":[\"x\"],"
                    + "\"inputs\":[{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}")
            .status());
    assertEquals(
        400,
        post(
                "/v2/embed",
                "{\"model\":\"embed-v4.0\",\"input_type\":\"search_query\",\"texts\":[\"x\"],\"output_dimension\":100}")
            .status());
    assertEquals(
        400,
        post(
                "/v2/embed",
                "{\"model\":\"embed-v4.0\",\"input_type\":\"search_query\",\"texts\":[\"x\"],\"embedding_types\":[\"int4\"]}")
            .status());
    Http.Reply inputs =
        post(
            "/v2/embed",
            "{\"model\":\"embed-v4.0\",\"input_type\":\"search_query\","
                + "\"inputs\":[{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}");
    assertEquals(inputs.body(), 200, inputs.status());
    assertEquals(1, inputs.json().at("/embeddings/float").size());
  }

  @Test
  public void rerankSortsByWordOverlap() throws Exception {
    Http.Reply r =
        post(
            "/v2/rerank",
            "{\"model\":\"rerank-v3.5\",\"query\":\"capital of France\",\"top_n\":2,\"documents\":["
                + "\"Bananas are yellow\",\"Paris is the capital of France\",\"The capital of Italy is Rome\"]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode results = r.json().get("results");
    assertEquals(2, results.size());
    assertEquals(1, results.at("/0/index").asInt());
    assertEquals(2, results.at("/1/index").asInt());
    assertTrue(
        results.at("/0/relevance_score").asDouble() > results.at("/1/relevance_score").asDouble());
    assertEquals(
        "3 shared words of 6", 3.0 / 6.0, results.at("/0/relevance_score").asDouble(), 1e-9);
    assertTrue(results.at("/0/document").isMissingNode());
    assertEquals(1, r.json().at("/meta/billed_units/search_units").asInt());
    assertEquals("2", r.json().at("/meta/api_version/version").asText());

    Http.Reply objects =
        post(
            "/v2/rerank",
            "{\"model\":\"rerank-v3.5\",\"query\":\"q\",\"documents\":[{\"text\":\"q\"}]}");
    assertEquals("v2 takes strings only", 400, objects.status());
  }

  @Test
  public void rerankV1TakesObjectsAndReturnsDocuments() throws Exception {
    Http.Reply r =
        post(
            "/v1/rerank",
            "{\"model\":\"rerank-english-v3.0\",\"query\":\"red apple\",\"return_documents\":true,"
                + "\"documents\":[{\"text\":\"green pear\"},\"a red apple\"]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode results = r.json().get("results");
    assertEquals(2, results.size());
    assertEquals(1, results.at("/0/index").asInt());
    assertEquals("a red apple", results.at("/0/document/text").asText());
    assertEquals("green pear", results.at("/1/document/text").asText());
    assertEquals(0.0, results.at("/1/relevance_score").asDouble(), 0.0);
    assertEquals("1", r.json().at("/meta/api_version/version").asText());
  }

  private static double norm(JsonNode v) {
    double sum = 0;
    for (JsonNode x : v) {
      sum += x.asDouble() * x.asDouble();
    }
    return Math.sqrt(sum);
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * OpenAI chat completions on the fake server: validation, answers, tools, JSON, logprobs,
 * streaming, errors.
 */
public class OpenAiChatDialectTest {
  private static FakeProviderServer server;
  private static String url;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey("sk-test-123").start();
    url = server.baseUrl() + "/v1/chat/completions";
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply chat(String body) throws Exception {
    return Http.post(url, body, "authorization", "Bearer sk-test-123");
  }

  @Test
  public void echoesTheLastUserTextWithUsageCountedLikeTheClient() throws Exception {
    String messages =
        "[{\"role\":\"system\",\"content\":\"Be terse.\"},{\"role\":\"user\",\"content\":\"What is 2+2?\"}]";
    Http.Reply r = chat("{\"model\":\"gpt-4.1-mini\",\"messages\":" + messages + "}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("chat.completion", j.get("object").asText());
    assertThat(j.get("id").asText(), startsWith("chatcmpl-"));
    assertEquals("gpt-4.1-mini", j.get("model").asText());
    assertEquals("Echo: What is 2+2?", j.at("/choices/0/message/content").asText());
    assertEquals("assistant", j.at("/choices/0/message/role").asText());
    assertEquals("stop", j.at("/choices/0/finish_reason").asText());
    long expectedPrompt =
        TokenCounter.estimate(WireFormats.fromOpenAi(messages), TokenCounter.ImageRule.OPENAI);
    assertEquals(expectedPrompt, j.at("/usage/prompt_tokens").asLong());
    assertEquals(
        TokenCounter.count("Echo: What is 2+2?"), j.at("/usage/completion_tokens").asLong());
    assertEquals(
        j.at("/usage/prompt_tokens").asLong() + j.at("/usage/completion_tokens").asLong(),
        j.at("/usage/total_tokens").asLong());
    assertNotNull(r.header("x-request-id"));
  }

  @Test
  public void quotaFaultIsOpenAisDocumentedInsufficientQuota429() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .faults(FaultPlan.none().withScript("gpt-4.1-mini", Fault.QUOTA_EXHAUSTED))
            .start()) {
      Http.Reply r =
          Http.post(
              fake.baseUrl() + "/v1/chat/completions",
              "{\"model\":\"gpt-4.1-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
              "authorization",
              "Bearer sk-x");
      assertEquals(r.body(), 429, r.status());
      JsonNode e = r.json().get("error");
      assertEquals("insufficient_quota", e.get("type").asText());
      assertEquals("insufficient_quota", e.get("code").asText());
      assertThat(e.get("message").asText(), startsWith("You exceeded your current quota"));
    }
  }

  @Test
  public void outputIsCutAtMaxTokensWithFinishReasonLength() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"max_completion_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"#tokens=50\"}]}");
    assertEquals("length", r.json().at("/choices/0/finish_reason").asText());
    assertEquals(5, r.json().at("/usage/completion_tokens").asInt());
    Http.Reply full =
        chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"#tokens=50\"}]}");
    assertEquals(50, full.json().at("/usage/completion_tokens").asInt());
    assertEquals(50, TokenCounter.count(full.json().at("/choices/0/message/content").asText()));
  }

  @Test
  public void toolsNamedInThePromptAreCalledAndResultsEndTheLoop() throws Exception {
    String tools =
        "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"city\",\"days\"]}}}]";
    Http.Reply call =
        chat(
            "{\"model\":\"m\",\"tools\":"
                + tools
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}]}");
    JsonNode msg = call.json().at("/choices/0/message");
    assertEquals("tool_calls", call.json().at("/choices/0/finish_reason").asText());
    assertTrue(msg.get("content").isNull());
    JsonNode tc = msg.at("/tool_calls/0");
    assertEquals("function", tc.get("type").asText());
    assertEquals("get_weather", tc.at("/function/name").asText());
    JsonNode args = Json.parse(tc.at("/function/arguments").asText());
    assertTrue(args.get("city").isTextual());
    assertEquals(1, args.get("days").asInt());

    String id = tc.get("id").asText();
    Http.Reply done =
        chat(
            "{\"model\":\"m\",\"tools\":"
                + tools
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + Json.write(tc)
                + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\""
                + id
                + "\",\"content\":\"4 C\"}]}");
    assertEquals("stop", done.json().at("/choices/0/finish_reason").asText());
    assertEquals("Tool results: 4 C", done.json().at("/choices/0/message/content").asText());
  }

  @Test
  public void jsonModesGiveValidJsonAndSchemaInstances() throws Exception {
    Http.Reply obj =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"Answer in JSON: hi\"}]}");
    assertEquals(
        "Answer in JSON: hi",
        Json.parse(obj.json().at("/choices/0/message/content").asText()).get("echo").asText());

    String schema =
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":5},"
            + "\"age\":{\"type\":\"integer\",\"minimum\":18},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]}},"
            + "\"ok\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"age\",\"tags\",\"ok\"],\"additionalProperties\":false}";
    Http.Reply s =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,\"schema\":"
                + schema
                + "}},\"messages\":[{\"role\":\"user\",\"content\":\"Describe someone\"}]}");
    JsonNode v = Json.parse(s.json().at("/choices/0/message/content").asText());
    assertTrue(v.get("name").asText().length() <= 5);
    assertEquals(18, v.get("age").asInt());
    assertEquals("a", v.at("/tags/0").asText());
    assertTrue(v.get("ok").asBoolean());
    assertEquals(4, v.size());

    Http.Reply noWord =
        chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(400, noWord.status());
    assertThat(
        noWord.json().at("/error/message").asText(),
        containsString("must contain the word 'json'"));
  }

  @Test
  public void logprobsWithAlternatives() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"logprobs\":true,\"top_logprobs\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
    JsonNode content = r.json().at("/choices/0/logprobs/content");
    assertEquals(TokenCounter.count("Echo: hello there"), content.size());
    StringBuilder text = new StringBuilder();
    for (JsonNode t : content) {
      text.append(t.get("token").asText());
      assertTrue(t.get("logprob").asDouble() < 0);
      assertEquals(3, t.get("top_logprobs").size());
    }
    assertEquals("Echo: hello there", text.toString());
    Http.Reply bad =
        chat(
            "{\"model\":\"m\",\"top_logprobs\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(400, bad.status());
    assertEquals("top_logprobs", bad.json().at("/error/param").asText());
  }

  @Test
  public void streamsServerSentEventsEndingInDone() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"stream this please, it is long enough\"}]}");
    assertEquals(200, r.status());
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    StringBuilder text = new StringBuilder();
    String finish = null;
    JsonNode usage = null;
    String[] events = r.body().split("\n\n");
    assertEquals("data: [DONE]", events[events.length - 1]);
    for (int i = 0; i < events.length - 1; i++) {
      assertThat(events[i], startsWith("data: "));
      JsonNode chunk = Json.parse(events[i].substring(6));
      assertEquals("chat.completion.chunk", chunk.get("object").asText());
      if (chunk.get("choices").size() > 0) {
        text.append(chunk.at("/choices/0/delta").path("content").asText(""));
        if (!chunk.at("/choices/0/finish_reason").isNull()) {
          finish = chunk.at("/choices/0/finish_reason").asText();
        }
      }
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
    }
    assertEquals("Echo: stream this please, it is long enough", text.toString());
    assertEquals("stop", finish);
    assertNotNull(usage);
  }

  @Test
  public void validationErrorsUseOpenAisShape() throws Exception {
    Http.Reply noModel = chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(400, noModel.status());
    assertEquals("invalid_request_error", noModel.json().at("/error/type").asText());
    assertEquals(
        "you must provide a model parameter", noModel.json().at("/error/message").asText());
    assertEquals(400, chat("{\"model\":\"m\",\"messages\":[]}").status());
    assertEquals(
        400,
        chat("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}").status());
    assertEquals(
        "temperature",
        chat("{\"model\":\"m\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(400, chat("not json").status());
    Http.Reply badTool =
        chat(
            "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(
        badTool.json().at("/error/message").asText(), containsString("does not match pattern"));
  }

  @Test
  public void aMissingOrWrongKeyGetsOpenAis401() throws Exception {
    Http.Reply none =
        Http.post(url, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(401, none.status());
    assertThat(
        none.json().at("/error/message").asText(), containsString("You didn't provide an API key"));
    Http.Reply wrong =
        Http.post(
            url,
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "authorization",
            "Bearer sk-wrong");
    assertEquals(401, wrong.status());
    assertEquals("invalid_api_key", wrong.json().at("/error/code").asText());
    assertFalse("the key is never echoed", wrong.body().contains("sk-wrong"));
  }

  @Test
  public void azureDeploymentPathWithApiKeyHeader() throws Exception {
    String azure =
        server.baseUrl() + "/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21";
    Http.Reply r =
        Http.post(
            azure,
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "sk-test-123");
    assertEquals(r.body(), 200, r.status());
    assertEquals("my-gpt4o", r.json().get("model").asText());
    Http.Reply noVersion =
        Http.post(
            server.baseUrl() + "/openai/deployments/my-gpt4o/chat/completions",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "sk-test-123");
    assertEquals(400, noVersion.status());
  }

  @Test
  public void anEffortTheModelDoesNotTakeIsOpenAisUnsupportedValue() throws Exception {
    Http.Reply r =
        chat(
            "{\"model\":\"gpt-5.1\",\"reasoning_effort\":\"minimal\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(r.body(), 400, r.status());
    assertEquals(
        Json.parse(
            "{\"error\":{\"message\":\"Unsupported value: 'minimal' is not supported with the"
                + " 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"reasoning_effort\","
                + "\"code\":\"unsupported_value\"}}"),
        r.json());
    Http.Reply lowAndHigh =
        chat(
            "{\"model\":\"grok-3-mini\",\"reasoning_effort\":\"medium\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(
        lowAndHigh.json().at("/error/message").asText(),
        containsString("Supported values are: 'low' and 'high'."));
    Http.Reply noEffortAtAll =
        chat(
            "{\"model\":\"grok-4-0709\",\"reasoning_effort\":\"high\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(400, noEffortAtAll.status());
    assertEquals(
        "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
        noEffortAtAll.json().at("/error/message").asText());
    assertEquals("unsupported_parameter", noEffortAtAll.json().at("/error/code").asText());
    for (String ok :
        new String[] {
          "{\"model\":\"gpt-5.1\",\"reasoning_effort\":\"none\"",
          "{\"model\":\"gpt-5.2\",\"reasoning_effort\":\"xhigh\"",
          "{\"model\":\"a-model-of-my-own\",\"reasoning_effort\":\"xhigh\""
        }) {
      Http.Reply r2 = chat(ok + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertEquals(ok + " " + r2.body(), 200, r2.status());
    }
    Http.Reply notAnEffort =
        chat(
            "{\"model\":\"gpt-5.1\",\"reasoning_effort\":\"extreme\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals("reasoning_effort", notAnEffort.json().at("/error/param").asText());
  }

  @Test
  public void azureRefusesAReasoningDeploymentOnAnApiVersionOlderThanItsFirst() throws Exception {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    String o3 = server.baseUrl() + "/openai/deployments/o3/chat/completions?api-version=";
    Http.Reply old = Http.post(o3 + "2024-10-21", body, "api-key", "sk-test-123");
    assertEquals(old.body(), 400, old.status());
    assertEquals(
        Json.parse(
            "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Model o3 is enabled only for api"
                + " versions 2024-12-01-preview and later\"}}"),
        old.json());
    for (String version : new String[] {"2024-12-01-preview", "2025-04-01-preview"}) {
      Http.Reply r = Http.post(o3 + version, body, "api-key", "sk-test-123");
      assertEquals(version + " " + r.body(), 200, r.status());
    }
  }
}

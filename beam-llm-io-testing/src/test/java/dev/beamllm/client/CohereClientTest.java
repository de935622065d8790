package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The Cohere adapter through the client, against the fake provider. */
public class CohereClientTest {

  @Test
  public void sendsTheDocumentedRequestAndParsesTheAnswer() {
    Conversation c = Conversation.system("Be terse.").addUser("What is 2+2?");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "command-a")
                .samplingParams(
                    SamplingParams.builder().temperature(0.3).topP(1.0).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .keepRawBody(true)
                .build()) {
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("cohere", r.provider());
      assertEquals("COMPLETE", r.finishReason().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);
      assertTrue(r.usage().outputTokens() > 0);
      // Usage and cost are what Cohere bills, not the tokens it processed with its own preamble.
      JsonNode usage = Json.parse(r.rawBody().orElseThrow()).path("usage");
      assertEquals(usage.at("/billed_units/input_tokens").asLong(), r.usage().inputTokens());
      assertTrue(usage.at("/tokens/input_tokens").asLong() > r.usage().inputTokens());
      assertEquals(client.config().registry().lookup("command-a").cost(r.usage()), r.cost(), 1e-12);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v2/chat", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("command-a-03-2025", body.get("model").asText());
      assertEquals(300, body.get("max_tokens").asInt());
      assertEquals(0.3, body.get("temperature").asDouble(), 0);
      assertEquals(
          "top_p 1.0 is brought within Cohere's p range", 0.99, body.get("p").asDouble(), 0);
      assertFalse(body.has("top_p"));
      assertEquals(Json.parse(WireFormats.cohere(c)).get("messages"), body.get("messages"));
    }
  }

  @Test
  public void toolPlanAndCallsRoundTrip() {
    Tool weather =
        Tool.of(
            "get_weather",
            "Weather by city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "command-a").tools(weather).build()) {
      Conversation ask = Conversation.user("Use get_weather for Oslo");
      ApiResponse call = client.start(ask).join();
      assertFalse(call.error().toString(), call.isError());
      assertEquals("TOOL_CALL", call.finishReason().orElseThrow());
      assertEquals(List.of(Thinking.of("I will use get_weather.")), call.thinking());
      assertEquals("get_weather", call.toolCalls().get(0).name());
      assertTrue(call.toolCalls().get(0).argumentsMap().get("city") instanceof String);
      JsonNode tools = Json.parse(fake.requests().get(0).body()).get("tools");
      assertEquals("function", tools.at("/0/type").asText());
      assertEquals("get_weather", tools.at("/0/function/name").asText());
      assertEquals("Weather by city", tools.at("/0/function/description").asText());
      assertEquals(Json.parse(weather.parametersJson()), tools.at("/0/function/parameters"));

      String id = call.toolCalls().get(0).id();
      ApiResponse answer =
          client.start(ask.add(call.message()).add(Message.toolResult(id, "4 C"))).join();
      assertEquals("Tool results: 4 C", answer.completion());
      JsonNode messages = Json.parse(fake.requests().get(1).body()).get("messages");
      assertEquals(
          "the plan goes back with its calls",
          "I will use get_weather.",
          messages.at("/1/tool_plan").asText());
      assertEquals(id, messages.at("/1/tool_calls/0/id").asText());
      assertEquals("tool", messages.at("/2/role").asText());
      assertEquals(id, messages.at("/2/tool_call_id").asText());
      assertEquals("4 C", messages.at("/2/content/0/document/data").asText());
    }
  }

  @Test
  public void jsonSchemaJsonModeAndLogprobs() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient structured =
            ClientTestSupport.client(fake, "command-a")
                .samplingParams(
                    SamplingParams.builder().logprobs(true).build().withOutputSchema(schema))
                .build();
        LlmClient json =
            ClientTestSupport.client(fake, "command-a")
                .samplingParams(SamplingParams.builder().jsonMode(true).build())
                .build()) {
      ApiResponse s = structured.start("Give me a number").join();
      assertEquals(1, Json.parse(s.completion()).get("n").asInt());
      JsonNode body = Json.parse(fake.requests().get(0).body());
      assertEquals("json_object", body.at("/response_format/type").asText());
      assertEquals(Json.parse(schema), body.at("/response_format/json_schema"));
      assertTrue(body.get("logprobs").asBoolean());
      StringBuilder tokens = new StringBuilder();
      s.logprobs().forEach(t -> tokens.append(t.token()));
      assertEquals(s.completion(), tokens.toString());
      assertTrue(s.logprobs().get(0).logprob() < 0);
      assertTrue("Cohere gives no alternatives", s.logprobs().get(0).top().isEmpty());

      assertEquals("hi", Json.parse(json.start("hi").join().completion()).get("echo").asText());
      JsonNode format = Json.parse(fake.requests().get(1).body()).get("response_format");
      assertEquals("json_object", format.get("type").asText());
      assertFalse(format.has("json_schema"));
    }
  }

  @Test
  public void reasoningContentAndBilledUnitsAreRead() {
    ProviderRequest request =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("command-a-reasoning"),
            Conversation.user("2+2?"),
            SamplingParams.defaults(),
            List.of(),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    String body =
        "{\"id\":\"x\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"thinking\",\"thinking\":\"Two and two make four.\"},{\"type\":\"text\",\"text\":\"4\"}]},"
            + "\"usage\":{\"billed_units\":{\"input_tokens\":9,\"output_tokens\":3},"
            + "\"tokens\":{\"input_tokens\":71,\"output_tokens\":3}}}";
    ParsedAnswer answer =
        Adapters.forFormat(WireFormat.COHERE).parse(request, new HttpAnswer(200, Map.of(), body));
    assertEquals(
        List.of(Thinking.of("Two and two make four."), new Text("4")), answer.message().parts());
    assertEquals(Usage.of(9, 3), answer.usage());
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "command-a-03-2025",
                Fault.SERVER_ERROR,
                Fault.UNAVAILABLE,
                Fault.OVERLOADED,
                Fault.CONTEXT_LENGTH,
                Fault.UNAUTHORIZED,
                Fault.MODEL_NOT_FOUND,
                Fault.MALFORMED_JSON,
                Fault.DROP_CONNECTION,
                Fault.HANG);
    ErrorKind[] expected = {
      ErrorKind.SERVER,
      ErrorKind.OVERLOADED,
      ErrorKind.OVERLOADED,
      ErrorKind.CONTEXT_LENGTH,
      ErrorKind.AUTH,
      ErrorKind.NOT_FOUND,
      ErrorKind.INVALID_RESPONSE,
      ErrorKind.CONNECTION,
      ErrorKind.TIMEOUT
    };
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client =
            ClientTestSupport.client(fake, "command-a")
                .maxAttempts(1)
                .requestTimeout(Duration.ofMillis(700))
                .build()) {
      for (ErrorKind kind : expected) {
        ApiResponse r = ClientTestSupport.once(client, "hi");
        assertEquals(kind, r.error().orElseThrow().kind());
        assertEquals(1, r.attempts());
      }
    }
  }

  @Test
  public void rateLimitsAreRecognised() {
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient client = ClientTestSupport.client(tight, "command-a").maxAttempts(1).build()) {
      assertFalse(client.start("one").join().isError());
      // Cohere sends no rate-limit headers, so the client cannot learn the limit and is refused.
      ApiError e = client.start("two").join().error().orElseThrow();
      assertEquals(ErrorKind.RATE_LIMIT, e.kind());
      assertEquals(429, e.status());
      assertThat(e.message(), containsString("1 API calls / minute"));
      assertEquals(1, client.tracker().status().rateLimited());
    }
  }
}

package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
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
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/** The Mistral adapter through the client, against the fake provider. */
public class MistralClientTest {
  private static final ProviderAdapter MISTRAL = Adapters.forFormat(WireFormat.MISTRAL);

  @Test
  public void sendsTheDocumentedRequestAndParsesTheAnswer() {
    Conversation c = Conversation.system("Be terse.").addUser("What is 2+2?");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "mistral-small")
                .samplingParams(
                    SamplingParams.builder().temperature(0.3).topP(0.9).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .build()) {
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("mistral", r.provider());
      assertEquals("stop", r.finishReason().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);
      assertTrue(r.usage().outputTokens() > 0);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/mistral/v1/chat/completions", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("mistral-small-2506", body.get("model").asText());
      assertEquals(300, body.get("max_tokens").asInt());
      assertEquals(0.3, body.get("temperature").asDouble(), 0);
      assertEquals(0.9, body.get("top_p").asDouble(), 0);
      assertEquals(Json.parse(WireFormats.mistral(c)).get("messages"), body.get("messages"));
    }
  }

  @Test
  public void toolCallIdsGoBackAsMistralIssuedThem() {
    Tool weather =
        Tool.of(
            "get_weather",
            "Weather by city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "mistral-small").tools(weather).build()) {
      Conversation ask = Conversation.user("Use get_weather for Oslo");
      ApiResponse call = client.start(ask).join();
      assertEquals("tool_calls", call.finishReason().orElseThrow());
      String id = call.toolCalls().get(0).id();
      assertTrue("Mistral's nine-character id: " + id, id.matches("[A-Za-z0-9]{9}"));
      assertEquals("get_weather", call.toolCalls().get(0).name());
      JsonNode tools = Json.parse(fake.requests().get(0).body()).get("tools");
      assertEquals("function", tools.at("/0/type").asText());
      assertEquals("Weather by city", tools.at("/0/function/description").asText());
      assertEquals(Json.parse(weather.parametersJson()), tools.at("/0/function/parameters"));

      ApiResponse answer =
          client.start(ask.add(call.message()).add(Message.toolResult(id, "4 C"))).join();
      assertEquals("Tool results: 4 C", answer.completion());
      JsonNode messages = Json.parse(fake.requests().get(1).body()).get("messages");
      assertEquals("not remapped", id, messages.at("/1/tool_calls/0/id").asText());
      assertEquals(id, messages.at("/2/tool_call_id").asText());
      assertEquals("get_weather", messages.at("/2/name").asText());
    }
  }

  @Test
  public void jsonSchemaAndJsonMode() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient structured =
            ClientTestSupport.client(fake, "mistral-small")
                .samplingParams(SamplingParams.defaults().withOutputSchema(schema))
                .build();
        LlmClient json =
            ClientTestSupport.client(fake, "mistral-small")
                .samplingParams(SamplingParams.builder().jsonMode(true).build())
                .build()) {
      assertEquals(
          1, Json.parse(structured.start("Give me a number").join().completion()).get("n").asInt());
      JsonNode format = Json.parse(fake.requests().get(0).body()).get("response_format");
      assertEquals("json_schema", format.get("type").asText());
      assertEquals("output", format.at("/json_schema/name").asText());
      assertTrue(format.at("/json_schema/strict").asBoolean());
      assertEquals(Json.parse(schema), format.at("/json_schema/schema"));

      assertEquals("hi", Json.parse(json.start("hi").join().completion()).get("echo").asText());
      assertEquals(
          "json_object",
          Json.parse(fake.requests().get(1).body()).at("/response_format/type").asText());
    }
  }

  @Test
  public void magistralThinkingChunksBecomeThinking() {
    ProviderRequest request =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("magistral-small"),
            Conversation.user("2+2?"),
            SamplingParams.defaults(),
            List.of(),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    String body =
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"Two and two \"},{\"type\":\"text\",\"text\":\"make four.\"}]},"
            + "{\"type\":\"text\",\"text\":\"4\"}]},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":7,\"total_tokens\":17}}";
    ParsedAnswer answer = MISTRAL.parse(request, new HttpAnswer(200, Map.of(), body));
    assertEquals(
        List.of(Thinking.of("Two and two make four."), new Text("4")), answer.message().parts());
    assertEquals(7, answer.usage().outputTokens());
  }

  @Test
  public void aStreamedRequestIsRefusedBeforeSending() {
    ProviderRequest streamed =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("mistral-small"),
            Conversation.user("x"),
            SamplingParams.defaults(),
            List.of(),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            true);
    assertThrows(UnsupportedOperationException.class, () -> MISTRAL.request(streamed));
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "mistral-small-2506",
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
            ClientTestSupport.client(fake, "mistral-small")
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
  public void schemaErrorsNameTheField() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "mistral-small")
                .maxAttempts(1)
                .samplingParams(SamplingParams.builder().temperature(1.8).build())
                .build()) {
      ApiError e = client.start("hi").join().error().orElseThrow();
      assertEquals(ErrorKind.BAD_REQUEST, e.kind());
      assertEquals(422, e.status());
      assertEquals("body.temperature: Input should be less than or equal to 1.5", e.message());
    }
  }

  @Test
  public void rateLimitsAreRecognisedWithTheirRetryAfterAndLearnedFromHeaders() {
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient small = ClientTestSupport.client(tight, "mistral-small").maxAttempts(1).build();
        LlmClient medium =
            ClientTestSupport.client(tight, "mistral-medium").maxAttempts(1).build()) {
      assertFalse(small.start("one").join().isError());
      // The provider's bucket is spent; a client that has not heard its headers yet is refused.
      ApiError e = medium.start("two").join().error().orElseThrow();
      assertEquals(ErrorKind.RATE_LIMIT, e.kind());
      assertEquals(429, e.status());
      assertTrue("retry-after", e.retryAfter().isPresent());
      assertThat(e.message(), containsString("Rate limit"));
      // The client that saw "limit 1, remaining 0" in Mistral's headers waits instead of sending
      // into a 429.
      CompletableFuture<ApiResponse> waiting = small.start("three");
      try {
        Thread.sleep(500);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      assertFalse("held back by the learned limit", waiting.isDone());
      assertEquals(2, tight.stats().received());
    }
  }
}

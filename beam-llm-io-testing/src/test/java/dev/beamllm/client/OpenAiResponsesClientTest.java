package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
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
import org.junit.Test;

/** The OpenAI Responses adapter through the client, against the fake provider. */
public class OpenAiResponsesClientTest {
  private static final Tool WEATHER =
      Tool.of(
          "get_weather",
          "Weather by city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  private static JsonNode body(FakeProviderServer fake, int index) {
    return Json.parse(fake.requests().get(index).body());
  }

  private static JsonNode lastBody(FakeProviderServer fake) {
    return body(fake, fake.requests().size() - 1);
  }

  @Test
  public void sendsTheDocumentedRequestWithTheSystemPromptInInstructions() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .samplingParams(SamplingParams.builder().temperature(0.2).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .build()) {
      ApiResponse r =
          client
              .start(Conversation.system("Be terse.").addUser("What is 2+2?").withId("q1"))
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("stop", r.finishReason().orElseThrow());
      assertEquals("openai", r.provider());
      assertEquals("q1", r.conversationId().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);
      assertEquals(TokenCounter.count("Echo: What is 2+2?"), r.usage().outputTokens());
      assertEquals(
          client.config().registry().lookup("gpt-4.1-mini").cost(r.usage()), r.cost(), 1e-12);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v1/responses", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("gpt-4.1-mini", body.get("model").asText());
      assertEquals("Be terse.", body.get("instructions").asText());
      assertEquals("system prompt only in instructions", 1, body.get("input").size());
      assertEquals("user", body.at("/input/0/role").asText());
      assertEquals("input_text", body.at("/input/0/content/0/type").asText());
      assertEquals("What is 2+2?", body.at("/input/0/content/0/text").asText());
      assertEquals(300, body.get("max_output_tokens").asInt());
      assertEquals(0.2, body.get("temperature").asDouble(), 0);
      assertFalse("nothing is kept at OpenAI", body.get("store").asBoolean());
      assertFalse(body.has("include"));
      assertFalse(body.has("reasoning"));
      assertFalse(body.has("background"));
    }
  }

  @Test
  public void onlyOpenAisOwnModelsSwitchToTheResponsesApi() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient responses =
            ClientTestSupport.client(fake, "gpt-4.1-mini").responsesApi(true).build();
        LlmClient chat = ClientTestSupport.client(fake, "gpt-4.1-mini").build();
        LlmClient azure =
            ClientTestSupport.client(fake, "azure-gpt-4.1").responsesApi(true).build()) {
      assertFalse(responses.start("a").join().isError());
      assertFalse(chat.start("b").join().isError());
      assertFalse(azure.start("c").join().isError());
      assertEquals("/v1/responses", fake.requests().get(0).path());
      assertEquals("/v1/chat/completions", fake.requests().get(1).path());
      assertTrue(
          fake.requests().get(2).path().startsWith("/openai/deployments/gpt-4.1/chat/completions"));
    }
  }

  @Test
  public void toolCallsRoundTripAsFunctionCallItems() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .tools(WEATHER)
                .build()) {
      ApiResponse call = client.start("Use get_weather for Oslo").join();
      assertEquals("tool_calls", call.finishReason().orElseThrow());
      assertEquals(1, call.toolCalls().size());
      assertEquals("get_weather", call.toolCalls().get(0).name());
      assertTrue(call.toolCalls().get(0).id().startsWith("call_"));
      assertTrue(call.toolCalls().get(0).argumentsMap().get("city") instanceof String);
      JsonNode tool = body(fake, 0).at("/tools/0");
      assertEquals("function", tool.get("type").asText());
      assertEquals("get_weather", tool.get("name").asText());
      assertEquals("Weather by city", tool.get("description").asText());
      assertEquals(Json.parse(WEATHER.parametersJson()), tool.get("parameters"));
      assertFalse("tools are not strict, as in chat completions", tool.get("strict").asBoolean());

      Conversation next =
          Conversation.user("Use get_weather for Oslo")
              .add(call.message())
              .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C"));
      ApiResponse answer = client.start(next).join();
      assertEquals("Tool results: 4 C", answer.completion());
      JsonNode input = body(fake, 1).get("input");
      assertEquals("function_call", input.at("/1/type").asText());
      assertEquals(call.toolCalls().get(0).id(), input.at("/1/call_id").asText());
      assertEquals("function_call_output", input.at("/2/type").asText());
      assertEquals("4 C", input.at("/2/output").asText());
    }
  }

  @Test
  public void jsonSchemaJsonObjectAndLogprobsUseTheTextFormatAndInclude() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient schemaClient =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .samplingParams(
                    SamplingParams.builder()
                        .logprobs(true)
                        .topLogprobs(2)
                        .build()
                        .withOutputSchema(schema))
                .build();
        LlmClient objectClient =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .samplingParams(SamplingParams.builder().jsonMode(true).build())
                .build()) {
      ApiResponse s = schemaClient.start("Give me a number").join();
      assertEquals(1, Json.parse(s.completion()).get("n").asInt());
      assertFalse(s.logprobs().isEmpty());
      assertEquals(2, s.logprobs().get(0).top().size());
      JsonNode format = body(fake, 0).at("/text/format");
      assertEquals("json_schema", format.get("type").asText());
      assertEquals("output", format.get("name").asText());
      assertTrue(format.get("strict").asBoolean());
      assertEquals(Json.parse(schema), format.get("schema"));
      assertEquals("message.output_text.logprobs", body(fake, 0).at("/include/0").asText());
      assertEquals(2, body(fake, 0).get("top_logprobs").asInt());

      ApiResponse o = objectClient.start("Answer in JSON").join();
      assertEquals("Answer in JSON", Json.parse(o.completion()).get("echo").asText());
      assertEquals("json_object", body(fake, 1).at("/text/format/type").asText());
    }
  }

  @Test
  public void reasoningItemsAreKeptWholeAndSentBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "o3-pro")
                .tools(WEATHER)
                .keepRawBody(true)
                .samplingParams(
                    SamplingParams.builder()
                        .temperature(0.5)
                        .reasoningEffort(ReasoningEffort.HIGH)
                        .build())
                .build()) {
      ApiResponse call = client.start("Use get_weather for Oslo").join();
      assertFalse(String.valueOf(call.error()), call.isError());
      JsonNode sent = body(fake, 0);
      assertEquals("high", sent.at("/reasoning/effort").asText());
      assertEquals("reasoning.encrypted_content", sent.at("/include/0").asText());
      assertFalse("reasoning models get no temperature", sent.has("temperature"));

      assertEquals(1, call.thinking().size());
      Thinking thinking = call.thinking().get(0);
      assertEquals(Thinking.OPENAI, thinking.origin());
      JsonNode item = Json.parse(call.rawBody().orElseThrow()).at("/output/0");
      assertEquals("reasoning", item.get("type").asText());
      assertTrue(item.get("encrypted_content").asText().length() > 10);
      assertEquals(item, Json.parse(thinking.rawFrom(Thinking.OPENAI).orElseThrow()));
      assertEquals("get_weather", call.toolCalls().get(0).name());

      Conversation next =
          Conversation.user("Use get_weather for Oslo")
              .add(call.message())
              .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C"));
      assertEquals("Tool results: 4 C", client.start(next).join().completion());
      JsonNode input = body(fake, 1).get("input");
      assertEquals("the reasoning item goes back verbatim before its call", item, input.get(1));
      assertEquals("function_call", input.at("/2/type").asText());
      String fcId = Json.parse(call.rawBody().orElseThrow()).at("/output/1/id").asText();
      assertTrue(fcId.startsWith("fc_"));
      assertEquals("the call keeps its item id", fcId, call.toolCalls().get(0).itemId());
      assertEquals("and goes back with it, after its reasoning", fcId, input.at("/2/id").asText());
    }
  }

  @Test
  public void aReasoningItemGoesBackWithTheMessageItemThatFollowedIt() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "o4-mini")
                .responsesApi(true)
                .keepRawBody(true)
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW))
                .build()) {
      Conversation ask = Conversation.user("Think about rivers");
      ApiResponse first = client.start(ask).join();
      assertFalse(String.valueOf(first.error()), first.isError());
      JsonNode message = Json.parse(first.rawBody().orElseThrow()).at("/output/1");
      assertEquals("message", message.get("type").asText());

      ApiResponse second = client.start(ask.add(first.message()).addUser("And the sea?")).join();
      assertFalse(String.valueOf(second.error()), second.isError());
      JsonNode replayed = body(fake, 1).at("/input/2");
      assertEquals("reasoning", body(fake, 1).at("/input/1/type").asText());
      assertEquals(message.get("id").asText(), replayed.get("id").asText());
      assertEquals("assistant", replayed.get("role").asText());
      assertEquals(first.completion(), replayed.at("/content/0/text").asText());
    }
  }

  @Test
  public void aReasoningItemWhoseFollowingItemLostItsIdIsLeftOut() {
    // The reasoning came from OpenAI, the call after it did not (written by hand, or from a
    // conversation kept without item ids): the pair cannot be replayed, so the reasoning is left
    // out and the call goes as a new item.
    String reasoning =
        "{\"type\":\"reasoning\",\"id\":\"rs_9\",\"summary\":[],\"encrypted_content\":\"gAAA\"}";
    Conversation history =
        Conversation.user("Use get_weather for Oslo")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.raw(reasoning, Thinking.OPENAI),
                        ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\"}"))))
            .add(Message.toolResult("call_1", "4 C"));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "o4-mini")
                .responsesApi(true)
                .tools(WEATHER)
                .maxAttempts(1)
                .build()) {
      ApiResponse r = client.start(history).join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Tool results: 4 C", r.completion());
      JsonNode input = body(fake, 0).get("input");
      assertEquals(3, input.size());
      assertEquals("function_call", input.at("/1/type").asText());
      assertFalse(input.get(1).has("id"));
    }
  }

  @Test
  public void anAnswerCutAtTheLimitEndsWithLength() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .samplingParams(SamplingParams.builder().maxNewTokens(20).build())
                .build()) {
      ApiResponse r = client.start("#tokens=200").join();
      assertEquals("length", r.finishReason().orElseThrow());
      assertEquals(20, r.usage().outputTokens());
    }
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gpt-4.1-mini",
                Fault.SERVER_ERROR,
                Fault.BAD_GATEWAY,
                Fault.UNAVAILABLE,
                Fault.OVERLOADED,
                Fault.CONTEXT_LENGTH,
                Fault.UNAUTHORIZED,
                Fault.MODEL_NOT_FOUND,
                Fault.MALFORMED_JSON,
                Fault.DROP_CONNECTION,
                Fault.HANG);
    List<ErrorKind> expected =
        List.of(
            ErrorKind.SERVER,
            ErrorKind.SERVER,
            ErrorKind.OVERLOADED,
            ErrorKind.OVERLOADED,
            ErrorKind.CONTEXT_LENGTH,
            ErrorKind.AUTH,
            ErrorKind.NOT_FOUND,
            ErrorKind.INVALID_RESPONSE,
            ErrorKind.CONNECTION,
            ErrorKind.TIMEOUT);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .maxAttempts(1)
                .requestTimeout(Duration.ofMillis(700))
                .build()) {
      for (ErrorKind kind : expected) {
        ApiResponse r = ClientTestSupport.once(client, "hi");
        assertEquals(kind, r.error().orElseThrow().kind());
        assertEquals(1, r.attempts());
      }
      assertTrue(fake.requests().stream().allMatch(q -> q.path().equals("/v1/responses")));
    }
  }

  @Test
  public void rateLimitsCarryTheRetryAfterAndTransientFaultsAreRetried() {
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient mini =
            ClientTestSupport.client(tight, "gpt-4.1-mini")
                .responsesApi(true)
                .maxAttempts(1)
                .build();
        LlmClient nano =
            ClientTestSupport.client(tight, "gpt-4.1-nano")
                .responsesApi(true)
                .maxAttempts(1)
                .build()) {
      assertFalse(mini.start("one").join().isError());
      // The provider's bucket is spent, and this client has not heard its headers yet.
      ApiResponse r = nano.start("two").join();
      assertEquals(ErrorKind.RATE_LIMIT, r.error().orElseThrow().kind());
      assertEquals(429, r.error().orElseThrow().status());
      assertTrue(r.error().orElseThrow().retryAfter().isPresent());
    }
    FaultPlan plan =
        FaultPlan.none()
            .withScript("gpt-4.1-mini", Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.NONE);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .maxAttempts(3)
                .build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals("Echo: hi", r.completion());
      assertEquals(3, r.attempts());
    }
  }

  @Test
  public void theEffortAskedIsSentAsItIsAndOneTheModelDoesNotTakeIsNotSent() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient none =
            ClientTestSupport.client(fake, "gpt-5.1")
                .responsesApi(true)
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE))
                .build();
        LlmClient pro = ClientTestSupport.client(fake, "gpt-5-pro").build()) {
      ApiResponse r = none.start("think").join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("none", body(fake, 0).at("/reasoning/effort").asText());
      ApiResponse refused =
          pro.start(LlmRequest.of(Conversation.user("x")).withModel("gpt-5-pro-medium")).join();
      assertEquals(
          "model 'gpt-5-pro-medium' does not take reasoning effort medium; it takes high",
          refused.error().orElseThrow().message());
      assertEquals(1, fake.requests().size());
    }
  }
}

package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.provider.openai.OpenAiChatAdapter;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.Assume;
import org.junit.Test;

/** The OpenAI chat adapter through the client, against the fake provider. */
public class OpenAiClientTest {

  @Test
  public void sendsTheDocumentedRequestAndParsesTheAnswer() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .samplingParams(SamplingParams.builder().temperature(0.2).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .build()) {
      ApiResponse r =
          client
              .start(Conversation.system("Be terse.").addUser("What is 2+2?").withId("q1"))
              .join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("gpt-4.1-mini", r.model());
      assertEquals("openai", r.provider());
      assertEquals("stop", r.finishReason().orElseThrow());
      assertEquals("q1", r.conversationId().orElseThrow());
      assertEquals(1, r.attempts());
      assertTrue(r.usage().inputTokens() > 0);
      assertEquals(
          client.config().registry().lookup("gpt-4.1-mini").cost(r.usage()), r.cost(), 1e-12);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v1/chat/completions", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("gpt-4.1-mini", body.get("model").asText());
      assertEquals(300, body.get("max_completion_tokens").asInt());
      assertEquals(0.2, body.get("temperature").asDouble(), 0);
      assertEquals("system", body.at("/messages/0/role").asText());
      assertEquals(
          Json.parse(WireFormats.openAi(Conversation.system("Be terse.").addUser("What is 2+2?")))
              .get("messages"),
          body.get("messages"));
    }
  }

  @Test
  public void toolsJsonSchemaLogprobsAndReasoningEffort() {
    Tool weather =
        Tool.of(
            "get_weather",
            "Weather by city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient tools = ClientTestSupport.client(fake, "gpt-4.1-mini").tools(weather).build();
        LlmClient schema =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .samplingParams(
                    SamplingParams.builder()
                        .logprobs(true)
                        .topLogprobs(2)
                        .build()
                        .withOutputSchema(
                            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}"))
                .build();
        LlmClient reasoning = ClientTestSupport.client(fake, "o4-mini-high").build()) {
      ApiResponse call = tools.start("Use get_weather for Oslo").join();
      assertEquals("tool_calls", call.finishReason().orElseThrow());
      assertEquals("get_weather", call.toolCalls().get(0).name());
      assertTrue(call.toolCalls().get(0).argumentsMap().get("city") instanceof String);
      JsonNode toolsSent = Json.parse(fake.requests().get(0).body()).get("tools");
      assertEquals("function", toolsSent.at("/0/type").asText());
      assertEquals("Weather by city", toolsSent.at("/0/function/description").asText());

      Conversation next =
          Conversation.user("Use get_weather for Oslo")
              .add(call.message())
              .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C"));
      assertEquals("Tool results: 4 C", tools.start(next).join().completion());

      ApiResponse s = schema.start("Give me a number").join();
      assertEquals(1, Json.parse(s.completion()).get("n").asInt());
      assertFalse(s.logprobs().isEmpty());
      assertEquals(2, s.logprobs().get(0).top().size());

      reasoning.start("think").join();
      JsonNode body = Json.parse(fake.requests().get(fake.requests().size() - 1).body());
      assertEquals("high", body.get("reasoning_effort").asText());
      assertEquals("o4-mini", body.get("model").asText());
      assertFalse("reasoning models get no temperature", body.has("temperature"));
    }
  }

  @Test
  public void imagesAndPdfsTravelAsTheFormatWritesThem() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      Conversation c =
          Conversation.of(
              Message.user("What is this?")
                  .addImage(TestData.file("images/red-square.png"))
                  .addFile(TestData.file("docs/sample.pdf")));
      ApiResponse r = client.start(c).join();
      assertFalse(r.isError());
      JsonNode content = Json.parse(fake.requests().get(0).body()).at("/messages/0/content");
      assertEquals("image_url", content.at("/1/type").asText());
      assertEquals("file", content.at("/2/type").asText());
    }
  }

  @Test
  public void requestsAModelCannotServeFailBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "deepseek-chat").build();
        LlmClient logprobs =
            ClientTestSupport.client(fake, "o4-mini")
                .samplingParams(SamplingParams.builder().logprobs(true).build())
                .build()) {
      ApiResponse r =
          client
              .start(Conversation.of(Message.user("x").addImage(TestData.file("images/photo.jpg"))))
              .join();
      assertEquals(ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
      assertThat(
          r.error().orElseThrow().message(),
          containsString("model 'deepseek-chat' does not support image input"));
      assertThat(
          logprobs.start("x").join().error().orElseThrow().message(),
          containsString("model 'o4-mini' does not support logprobs"));
      assertEquals(0, fake.requests().size());
    }
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gpt-4.1-mini",
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
            ClientTestSupport.client(fake, "gpt-4.1-mini")
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
  public void rateLimitsAreRecognisedWithTheirRetryAfterAndLearnedFromHeaders() {
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient mini = ClientTestSupport.client(tight, "gpt-4.1-mini").maxAttempts(1).build();
        LlmClient nano = ClientTestSupport.client(tight, "gpt-4.1-nano").maxAttempts(1).build()) {
      assertFalse(mini.start("one").join().isError());
      // The provider's bucket is spent; a client that has not heard its headers yet is refused.
      ApiResponse r = nano.start("two").join();
      assertEquals(ErrorKind.RATE_LIMIT, r.error().orElseThrow().kind());
      assertEquals(429, r.error().orElseThrow().status());
      assertTrue(r.error().orElseThrow().retryAfter().isPresent());
      assertEquals(1, nano.tracker().status().rateLimited());
      // The client that saw "limit 1, remaining 0" waits instead of sending into a 429.
      CompletableFuture<ApiResponse> waiting = mini.start("three");
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertFalse("held back by the learned limit", waiting.isDone());
      assertEquals(2, tight.stats().received());
      mini.close();
      assertEquals(
          "closing ends what still waits",
          ErrorKind.CANCELLED,
          waiting.join().error().orElseThrow().kind());
    }
  }

  @Test
  public void retriesRecoverFromTransientFaultsWithinMaxAttempts() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript("gpt-4.1-mini", Fault.SERVER_ERROR, Fault.OVERLOADED, Fault.NONE);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(3).build()) {
      ApiResponse r = client.start("hi").join();
      assertFalse(r.isError());
      assertEquals(3, r.attempts());
      assertEquals(2, client.tracker().status().retries());
    }
    FaultPlan always = FaultPlan.none().withProbability(Fault.UNAVAILABLE, 1.0);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(always).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(2).build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.OVERLOADED, r.error().orElseThrow().kind());
      assertEquals(2, r.attempts());
      assertEquals("attempts never exceed maxAttempts", 2, fake.stats().received());
    }
  }

  @Test
  public void badRequestsAreNotRetried() {
    FaultPlan plan = FaultPlan.none().withScript("gpt-4.1-mini", Fault.CONTEXT_LENGTH);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(5).build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.CONTEXT_LENGTH, r.error().orElseThrow().kind());
      assertEquals(1, r.attempts());
      assertEquals(1, fake.stats().received());
    }
  }

  @Test
  public void processPromptsKeepsInputOrderAndBadInputIsAnErrorNotAnException() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.logNormal(Duration.ofMillis(20), 1.0))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<Object> prompts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        prompts.add("prompt " + i);
      }
      prompts.add(Conversation.of(List.of()));
      List<ApiResponse> out = client.processPrompts(prompts);
      assertEquals(201, out.size());
      for (int i = 0; i < 200; i++) {
        assertEquals("Echo: prompt " + i, out.get(i).completion());
      }
      assertEquals(ErrorKind.INVALID_INPUT, out.get(200).error().orElseThrow().kind());
      assertEquals(200, client.tracker().status().succeeded());
      assertEquals(1, client.tracker().status().failed());
    }
  }

  @Test
  public void aMissingKeyNamesTheVariable() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            LlmClient.builder()
                .models("gpt-4.1-mini")
                .registry(fake.pointRegistry(ModelRegistry.defaults()))
                .apiKeys(ApiKeys.of(Map.of()))
                .progress(StatusTracker.Display.NONE)
                .build()) {
      Assume.assumeTrue("OPENAI_API_KEY is set here", System.getenv("OPENAI_API_KEY") == null);
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.AUTH, r.error().orElseThrow().kind());
      assertThat(r.error().orElseThrow().message(), containsString("set OPENAI_API_KEY"));
      assertEquals(0, fake.requests().size());
    }
  }

  @Test
  public void reasoningEffortFromParamsWinsOverTheSuffix() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "o4-mini-high")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW))
                .build()) {
      client.start("x").join();
      assertEquals(
          "low", Json.parse(fake.requests().get(0).body()).get("reasoning_effort").asText());
    }
  }

  @Test
  public void quotaSpendAndCreditCodesAreQuotaErrorsNotRateLimits() {
    OpenAiChatAdapter adapter = new OpenAiChatAdapter();
    for (String code :
        List.of(
            "insufficient_quota",
            "credit_balance_exhausted",
            "organization_spend_limit_exceeded",
            "project_spend_limit_exceeded",
            "organization_usage_limit_exceeded")) {
      String body =
          "{\"error\":{\"message\":\"No more.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\""
              + code
              + "\"}}";
      ApiError e = adapter.error(new HttpAnswer(429, Map.of("retry-after", List.of("20")), body));
      assertEquals(code, ErrorKind.QUOTA_EXHAUSTED, e.kind());
      assertFalse(e.retryable());
      assertEquals("no retry-after for a quota error", -1, e.retryAfterMillis());
      assertThat(e.message(), containsString(code));
    }
    String rateLimit =
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    assertEquals(
        ErrorKind.RATE_LIMIT, adapter.error(new HttpAnswer(429, Map.of(), rateLimit)).kind());
  }

  @Test
  public void theEffortAskedIsSentAsItIsWhenTheModelTakesIt() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient none =
            ClientTestSupport.client(fake, "gpt-5.1")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE))
                .build();
        LlmClient xhigh =
            ClientTestSupport.client(fake, "gpt-5.2")
                .samplingParams(
                    SamplingParams.defaults().withReasoningEffort(ReasoningEffort.XHIGH))
                .build();
        LlmClient minimal = ClientTestSupport.client(fake, "gpt-5-minimal").build()) {
      for (LlmClient c : List.of(none, xhigh, minimal)) {
        ApiResponse r = c.start("think").join();
        assertFalse(String.valueOf(r.error()), r.isError());
      }
      List<String> sent = new ArrayList<>();
      for (RecordedRequest q : fake.requests()) {
        sent.add(Json.parse(q.body()).get("reasoning_effort").asText());
      }
      assertEquals(List.of("none", "xhigh", "minimal"), sent);
    }
  }

  @Test
  public void anEffortTheModelDoesNotTakeIsRefusedBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient none =
            ClientTestSupport.client(fake, "gpt-5.1")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE))
                .build();
        LlmClient plain = ClientTestSupport.client(fake, "gpt-5.1").build()) {
      // A request naming its own model: gpt-5 came before none.
      ApiError e = refusal(none, "gpt-5");
      assertEquals(ErrorKind.UNSUPPORTED, e.kind());
      assertEquals(
          "model 'gpt-5' does not take reasoning effort none; it takes minimal, low, medium, high",
          e.message());
      assertThat(
          refusal(none, "grok-4").message(),
          containsString("model 'grok-4' does not take reasoning effort none; it takes no"));
      // An id suffix obeys the same rule.
      assertEquals(
          "model 'o3-minimal' does not take reasoning effort minimal; it takes low, medium, high",
          refusal(plain, "o3-minimal").message());
      assertEquals("nothing reached the provider", 0, fake.requests().size());
    }
  }

  private static ApiError refusal(LlmClient client, String model) {
    return client
        .start(LlmRequest.of(Conversation.user("x")).withModel(model))
        .join()
        .error()
        .orElseThrow();
  }

  @Test
  public void aConfiguredEffortAConfiguredModelCannotTakeFailsTheConfiguration() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      LlmClient.Builder mixed =
          ClientTestSupport.client(fake, "gpt-5.1", "gpt-5", "claude-4.5-sonnet")
              .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE));
      try {
        mixed.build().close();
        org.junit.Assert.fail("gpt-5 does not take none");
      } catch (IllegalArgumentException expected) {
        assertEquals(
            "samplingParams: model 'gpt-5' does not take reasoning effort none; it takes minimal,"
                + " low, medium, high",
            expected.getMessage());
      }
      try {
        ClientTestSupport.client(fake, "o4-mini-xhigh").build().close();
        org.junit.Assert.fail("o4-mini does not take xhigh");
      } catch (IllegalArgumentException expected) {
        assertThat(
            expected.getMessage(), startsWith("models: model 'o4-mini-xhigh' does not take"));
      }
      // A model that turns the effort into a thinking budget takes any effort.
      ClientTestSupport.client(fake, "claude-4.5-sonnet", "gpt-5.1")
          .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE))
          .build()
          .close();
      assertEquals(0, fake.requests().size());
    }
  }

  @Test
  public void azureReasoningDeploymentsGetAnApiVersionThatServesThem() {
    Assume.assumeTrue(
        "AZURE_OPENAI_API_VERSION would override the defaults",
        System.getenv("AZURE_OPENAI_API_VERSION") == null);
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient reasoning = ClientTestSupport.client(fake, "azure-o3", "azure-gpt-5").build();
        LlmClient plain = ClientTestSupport.client(fake, "azure-gpt-4.1").build()) {
      for (String model : List.of("azure-o3", "azure-gpt-5")) {
        ApiResponse r =
            reasoning.start(LlmRequest.of(Conversation.user("think")).withModel(model)).join();
        assertFalse(model + " " + r.error(), r.isError());
      }
      assertFalse(plain.start("hi").join().isError());
      List<String> paths = new ArrayList<>();
      fake.requests().forEach(q -> paths.add(q.path()));
      assertEquals(
          List.of(
              "/openai/deployments/o3/chat/completions?api-version=2025-04-01-preview",
              "/openai/deployments/gpt-5/chat/completions?api-version=2025-04-01-preview",
              "/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21"),
          paths);
    }
  }
}

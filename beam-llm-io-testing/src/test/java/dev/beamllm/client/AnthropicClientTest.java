package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.provider.anthropic.AnthropicAdapter;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Assume;
import org.junit.Test;

/**
 * The Anthropic Messages adapter through the client (and, for streams and caching, by hand),
 * against the fake provider.
 */
public class AnthropicClientTest {
  private static final Tool WEATHER =
      Tool.of(
          "get_weather",
          "Weather by city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
  private static final String NUMBER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
  private static final AnthropicAdapter ADAPTER = new AnthropicAdapter();

  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return Json.parse(sent.get(sent.size() - 1).body());
  }

  private static ProviderRequest request(
      FakeProviderServer fake,
      String model,
      Conversation c,
      SamplingParams p,
      List<Tool> tools,
      boolean stream) {
    ModelSpec spec = fake.pointRegistry(ModelRegistry.defaults()).lookup(model);
    return new ProviderRequest(
        spec, c, p, tools, Credentials.apiKey("sk-test"), Map.of(), null, stream);
  }

  @Test
  public void sendsTheDocumentedRequestAndParsesTheAnswer() {
    Conversation c = Conversation.system("Be terse.").addUser("What is 2+2?").withId("q1");
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-test").start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3.5-haiku")
                .samplingParams(
                    SamplingParams.builder().temperature(0.2).topP(0.9).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .serviceTier("standard_only")
                .build()) {
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("claude-3.5-haiku", r.model());
      assertEquals("anthropic", r.provider());
      assertEquals("end_turn", r.finishReason().orElseThrow());
      assertEquals("q1", r.conversationId().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);
      assertTrue(r.usage().outputTokens() > 0);
      assertEquals(
          client.config().registry().lookup("claude-3.5-haiku").cost(r.usage()), r.cost(), 1e-12);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v1/messages", sent.path());
      assertEquals("***", sent.headers().get("x-api-key"));
      assertEquals("2023-06-01", sent.headers().get("anthropic-version"));
      assertEquals("application/json", sent.headers().get("content-type"));
      assertNull("no beta is needed", sent.headers().get("anthropic-beta"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("claude-3-5-haiku-20241022", body.get("model").asText());
      assertEquals(300, body.get("max_tokens").asInt());
      assertEquals(0.2, body.get("temperature").asDouble(), 0);
      assertEquals(0.9, body.get("top_p").asDouble(), 0);
      assertEquals("standard_only", body.get("service_tier").asText());
      assertEquals("Be terse.", body.get("system").asText());
      assertEquals(Json.parse(WireFormats.anthropic(c)).get("messages"), body.get("messages"));
      assertFalse(body.has("thinking"));
      assertFalse(body.has("stream"));
      assertFalse(body.has("tools"));
    }
  }

  @Test
  public void aFlexTierGoesToOpenAiOnlyAndClaudeStillAnswers() {
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      prompts.add("prompt " + i);
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "claude-3.5-haiku")
                .serviceTier("flex")
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts);
      Set<String> answeredBy = new HashSet<>();
      for (ApiResponse r : out) {
        assertFalse(String.valueOf(r.error()), r.isError());
        assertEquals(1, r.attempts());
        answeredBy.add(r.model());
      }
      assertEquals(Set.of("gpt-4.1-mini", "claude-3.5-haiku"), answeredBy);
      int toOpenAi = 0;
      int toAnthropic = 0;
      for (RecordedRequest sent : fake.requests()) {
        JsonNode body = Json.parse(sent.body());
        if (sent.path().equals("/v1/messages")) {
          toAnthropic++;
          assertFalse(
              "Anthropic takes auto or standard_only only: " + body, body.has("service_tier"));
        } else {
          toOpenAi++;
          assertEquals("flex", body.get("service_tier").asText());
        }
      }
      assertEquals(40, toOpenAi + toAnthropic);
      assertTrue(toOpenAi > 0 && toAnthropic > 0);
    }
  }

  @Test
  public void openAisDefaultTierIsAnthropicsStandardOnly() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3.5-haiku").serviceTier("default").build()) {
      assertFalse(client.start("hi").join().isError());
      assertEquals("standard_only", lastBody(fake).get("service_tier").asText());
    }
  }

  @Test
  public void maxTokensIsCappedByTheModelsOutputLimit() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3-haiku")
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(50_000))
                .build()) {
      assertFalse(client.start("hi").join().isError());
      assertEquals("claude-3-haiku's limit", 4096, lastBody(fake).get("max_tokens").asInt());
    }
  }

  @Test
  public void betasTheRequestNeedsMergeWithTheClientsWithoutDuplicates() {
    Conversation withFile =
        Conversation.of(
            Message.user("Summarise this")
                .addFile(File.fromFileId("file_011CNha8iCJcU1wXNR6q4V8w")));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3.5-haiku")
                .extraHeaders(
                    Map.of(
                        "Anthropic-Beta", "files-api-2025-04-14, token-efficient-tools-2025-02-19"))
                .build()) {
      assertFalse(client.start(withFile).join().isError());
      RecordedRequest sent = fake.requests().get(0);
      assertEquals(
          "files-api-2025-04-14,token-efficient-tools-2025-02-19",
          sent.headers().get("anthropic-beta"));
      assertEquals(
          "file", Json.parse(sent.body()).at("/messages/0/content/1/source/type").asText());

      assertFalse(client.start("no file").join().isError());
      assertEquals(
          "only the client's own beta",
          "files-api-2025-04-14,token-efficient-tools-2025-02-19",
          fake.requests().get(1).headers().get("anthropic-beta"));
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "claude-3.5-haiku").build()) {
      assertFalse(client.start(withFile).join().isError());
      assertEquals("files-api-2025-04-14", fake.requests().get(0).headers().get("anthropic-beta"));
    }
  }

  @Test
  public void toolCallsAndAToolRoundTrip() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3.5-haiku").tools(WEATHER).build()) {
      ApiResponse call = client.start("Use get_weather for Oslo").join();
      assertEquals("tool_use", call.finishReason().orElseThrow());
      ToolCall tc = call.toolCalls().get(0);
      assertEquals("get_weather", tc.name());
      assertThat(tc.id(), startsWith("toolu_"));
      assertTrue(tc.argumentsMap().get("city") instanceof String);
      JsonNode tools = lastBody(fake).get("tools");
      assertEquals(1, tools.size());
      assertEquals("get_weather", tools.at("/0/name").asText());
      assertEquals("Weather by city", tools.at("/0/description").asText());
      assertEquals(Json.parse(WEATHER.parametersJson()), tools.at("/0/input_schema"));
      assertFalse("the model chooses", lastBody(fake).has("tool_choice"));

      Conversation next =
          Conversation.user("Use get_weather for Oslo")
              .add(call.message())
              .add(Message.toolResult(tc.id(), "4 C"));
      ApiResponse answer = client.start(next).join();
      assertEquals("Tool results: 4 C", answer.completion());
      JsonNode messages = lastBody(fake).get("messages");
      assertEquals("tool_use", messages.at("/1/content/0/type").asText());
      assertEquals(tc.id(), messages.at("/2/content/0/tool_use_id").asText());
    }
  }

  @Test
  public void reasoningEffortTurnsOnThinkingWhoseSignatureTravelsBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .tools(WEATHER)
                .samplingParams(
                    SamplingParams.builder()
                        .temperature(0.3)
                        .maxNewTokens(1000)
                        .reasoningEffort(ReasoningEffort.HIGH)
                        .build())
                .build()) {
      ApiResponse r = client.start("Use get_weather for Oslo").join();
      assertFalse(r.error().toString(), r.isError());
      JsonNode body = lastBody(fake);
      assertEquals("enabled", body.at("/thinking/type").asText());
      assertEquals(16000, body.at("/thinking/budget_tokens").asInt());
      assertEquals(
          "the answer keeps its 1000 on top of the budget", 17000, body.get("max_tokens").asInt());
      assertFalse("thinking refuses temperature", body.has("temperature"));
      Thinking thinking = r.thinking().get(0);
      assertThat(thinking.text(), startsWith("Considering the request"));
      assertTrue(thinking.signatureFrom(Thinking.ANTHROPIC).isPresent());
      assertEquals("get_weather", r.toolCalls().get(0).name());

      ApiResponse after =
          client
              .start(
                  Conversation.user("Use get_weather for Oslo")
                      .add(r.message())
                      .add(Message.toolResult(r.toolCalls().get(0).id(), "4 C")))
              .join();
      assertEquals("Tool results: 4 C", after.completion());
      JsonNode replayed = lastBody(fake).at("/messages/1/content/0");
      assertEquals("thinking", replayed.get("type").asText());
      assertEquals(thinking.signature(), replayed.get("signature").asText());
    }
  }

  @Test
  public void thinkingBudgetsFollowTheEffortAndStayBelowMaxTokens() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient low =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW))
                .build();
        LlmClient xhigh =
            ClientTestSupport.client(fake, "claude-4-opus")
                .samplingParams(
                    SamplingParams.defaults().withReasoningEffort(ReasoningEffort.XHIGH))
                .build();
        LlmClient none =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.NONE))
                .build();
        LlmClient notReasoning =
            ClientTestSupport.client(fake, "claude-3.5-haiku")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.HIGH))
                .build()) {
      assertFalse(low.start("x").join().isError());
      assertEquals(1024, lastBody(fake).at("/thinking/budget_tokens").asInt());
      assertEquals(1024 + 512, lastBody(fake).get("max_tokens").asInt());

      ApiResponse capped = xhigh.start("x").join();
      assertFalse(capped.error().toString(), capped.isError());
      assertEquals("claude-4-opus's output limit", 32000, lastBody(fake).get("max_tokens").asInt());
      assertEquals(
          "the budget leaves the answer its 512",
          32000 - 512,
          lastBody(fake).at("/thinking/budget_tokens").asInt());

      assertFalse(none.start("x").join().isError());
      assertFalse(lastBody(fake).has("thinking"));
      assertFalse(notReasoning.start("x").join().isError());
      assertFalse(lastBody(fake).has("thinking"));
    }
  }

  @Test
  public void jsonSchemaIsNativeOnNewModelsAndAForcedToolOnOlderOnes() {
    SamplingParams schema =
        SamplingParams.defaults()
            .withOutputSchema(NUMBER_SCHEMA)
            .withReasoningEffort(ReasoningEffort.HIGH);
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient modern =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .registry(ProviderCalls.withJsonSchema(fake, "claude-4.5-sonnet"))
                .samplingParams(schema)
                .build();
        LlmClient older =
            ClientTestSupport.client(fake, "claude-4-sonnet")
                .registry(ProviderCalls.withJsonSchema(fake, "claude-4-sonnet"))
                .samplingParams(schema)
                .build()) {
      assertFalse(modern.start("Give me a number").join().isError());
      JsonNode body = lastBody(fake);
      assertEquals("json_schema", body.at("/output_config/format/type").asText());
      assertEquals(Json.parse(NUMBER_SCHEMA), body.at("/output_config/format/schema"));
      assertFalse(body.has("tools"));
      assertEquals(
          "native JSON output keeps thinking", 16000, body.at("/thinking/budget_tokens").asInt());

      // The fake calls a tool its prompt names, as a forced tool choice would make Claude do.
      ApiResponse r = older.start("Reply with structured_output").join();
      assertFalse(r.error().toString(), r.isError());
      body = lastBody(fake);
      assertFalse(body.has("output_config"));
      assertEquals("structured_output", body.at("/tools/0/name").asText());
      assertEquals(Json.parse(NUMBER_SCHEMA), body.at("/tools/0/input_schema"));
      assertEquals("tool", body.at("/tool_choice/type").asText());
      assertEquals("structured_output", body.at("/tool_choice/name").asText());
      assertFalse("Anthropic refuses a forced tool while thinking", body.has("thinking"));
      assertEquals(1, Json.parse(r.completion()).get("n").asInt());
      assertTrue("the output tool is no tool call of the caller's", r.toolCalls().isEmpty());
      assertEquals("end_turn", r.finishReason().orElseThrow());
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient withTools =
            ClientTestSupport.client(fake, "claude-4-sonnet")
                .tools(WEATHER)
                .registry(ProviderCalls.withJsonSchema(fake, "claude-4-sonnet"))
                .samplingParams(schema)
                .build()) {
      ApiResponse call = withTools.start("Use get_weather for Oslo").join();
      JsonNode body = lastBody(fake);
      assertEquals(
          "the model may call the caller's tool or answer",
          "any",
          body.at("/tool_choice/type").asText());
      assertEquals(
          List.of("get_weather", "structured_output"),
          List.of(body.at("/tools/0/name").asText(), body.at("/tools/1/name").asText()));
      assertEquals("get_weather", call.toolCalls().get(0).name());
      assertEquals("tool_use", call.finishReason().orElseThrow());
    }
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "claude-3-5-haiku-20241022",
                Fault.SERVER_ERROR,
                Fault.UNAVAILABLE,
                Fault.OVERLOADED,
                Fault.CONTEXT_LENGTH,
                Fault.UNAUTHORIZED,
                Fault.MODEL_NOT_FOUND,
                Fault.MALFORMED_JSON,
                Fault.DROP_CONNECTION,
                Fault.HANG);
    // Anthropic answers a 503 as an api_error ("Internal server error"), not as overloaded: only
    // 529 is.
    ErrorKind[] expected = {
      ErrorKind.SERVER,
      ErrorKind.SERVER,
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
            ClientTestSupport.client(fake, "claude-3.5-haiku")
                .maxAttempts(1)
                .requestTimeout(Duration.ofMillis(700))
                .build()) {
      for (ErrorKind kind : expected) {
        ApiResponse r = ClientTestSupport.once(client, "hi");
        assertEquals(r.error().toString(), kind, r.error().orElseThrow().kind());
        assertEquals(1, r.attempts());
      }
    }
  }

  @Test
  public void overloadedIsOverloadedWhateverItsStatus() {
    String body =
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
    assertEquals(ErrorKind.OVERLOADED, ADAPTER.error(new HttpAnswer(500, Map.of(), body)).kind());
    String tooLong =
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}";
    assertEquals(
        ErrorKind.CONTEXT_LENGTH, ADAPTER.error(new HttpAnswer(400, Map.of(), tooLong)).kind());
    assertEquals(
        "a proxy's HTML page",
        ErrorKind.SERVER,
        ADAPTER.error(new HttpAnswer(502, Map.of(), "<html>bad gateway</html>")).kind());
  }

  @Test
  public void creditAndBillingErrorsAreQuotaErrors() {
    String billing =
        "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"Billing error\"}}";
    assertEquals(
        ErrorKind.QUOTA_EXHAUSTED, ADAPTER.error(new HttpAnswer(402, Map.of(), billing)).kind());
    String credit =
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit"
            + " balance is too low to access the Anthropic API. Please go to Plans & Billing to"
            + " upgrade or purchase credits.\"}}";
    ApiError e = ADAPTER.error(new HttpAnswer(400, Map.of(), credit));
    assertEquals(ErrorKind.QUOTA_EXHAUSTED, e.kind());
    assertThat(e.message(), containsString("quota or billing limit reached"));
    String plain =
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens:"
            + " Field required\"}}";
    assertEquals(ErrorKind.BAD_REQUEST, ADAPTER.error(new HttpAnswer(400, Map.of(), plain)).kind());
  }

  @Test
  public void aCreditBalanceFaultIsOneAttemptAndGivesTheModelUp() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(FaultPlan.none().withScript("*", Fault.QUOTA_EXHAUSTED))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "claude-3.5-haiku").build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.QUOTA_EXHAUSTED, r.error().orElseThrow().kind());
      assertEquals(1, r.attempts());
      assertEquals(ErrorKind.QUOTA_EXHAUSTED, client.start("again").join().error().get().kind());
      assertEquals(1, fake.stats().received());
    }
  }

  @Test
  public void rateLimitsAreRecognisedAndReadFromTheHeaders() throws Exception {
    try (FakeProviderServer tight =
            FakeProviderServer.builder().requestsPerMinute(1).tokensPerMinute(50_000).start();
        LlmClient client =
            ClientTestSupport.client(tight, "claude-3.5-haiku").maxAttempts(1).build()) {
      HttpAnswer first =
          ProviderCalls.send(
              ADAPTER.request(
                  request(
                      tight,
                      "claude-3.5-haiku",
                      Conversation.user("one"),
                      SamplingParams.defaults(),
                      List.of(),
                      false)));
      assertEquals(200, first.status());
      RateLimitInfo info = ADAPTER.rateLimits(first);
      assertEquals(1, info.requestLimit());
      assertEquals(0, info.requestsRemaining());
      assertEquals(50_000, info.tokenLimit());
      assertTrue(info.tokensRemaining() < 50_000);

      ApiResponse r = client.start("two").join();
      ApiError e = r.error().orElseThrow();
      assertEquals(ErrorKind.RATE_LIMIT, e.kind());
      assertEquals(429, e.status());
      assertTrue(e.retryAfter().isPresent());
    }
    HttpAnswer inputOnly =
        new HttpAnswer(
            200,
            Map.of(
                "anthropic-ratelimit-input-tokens-limit",
                List.of("40000"),
                "anthropic-ratelimit-input-tokens-remaining",
                List.of("39000")),
            "{}");
    RateLimitInfo fromInput = ADAPTER.rateLimits(inputOnly);
    assertEquals(40_000, fromInput.tokenLimit());
    assertEquals(39_000, fromInput.tokensRemaining());
    assertEquals(-1, fromInput.requestLimit());
  }

  @Test
  public void aStreamFromTheFakeDecodesToTheSameAnswer() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      SamplingParams thinking = SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW);
      ProviderRequest text =
          request(
              fake,
              "claude-4.5-sonnet",
              Conversation.user("Stream this back"),
              thinking,
              List.of(),
              true);
      HttpCall call = ADAPTER.request(text);
      assertTrue(Json.parse(call.body()).get("stream").asBoolean());
      HttpAnswer answer = ProviderCalls.send(call);
      assertThat(answer.header("content-type").orElseThrow(), containsString("text/event-stream"));
      StreamDecoder decoder = ADAPTER.streamDecoder(text);
      String deltas = ProviderCalls.decode(answer.body(), decoder);
      ParsedAnswer parsed = decoder.finish();
      assertEquals("Echo: Stream this back", deltas);
      assertEquals(deltas, parsed.message().text());
      assertEquals("end_turn", parsed.finishReason());
      Thinking t = parsed.message().partsOf(Thinking.class).get(0);
      assertThat(t.text(), startsWith("Considering the request"));
      assertTrue(t.signatureFrom(Thinking.ANTHROPIC).isPresent());
      assertTrue(parsed.usage().inputTokens() > 0);
      assertThat(
          "message_delta's final count replaces message_start's 1",
          parsed.usage().outputTokens(),
          greaterThan(1L));

      ProviderRequest tool =
          request(
              fake,
              "claude-4.5-sonnet",
              Conversation.user("Use get_weather for Oslo"),
              SamplingParams.defaults(),
              List.of(WEATHER),
              true);
      StreamDecoder toolDecoder = ADAPTER.streamDecoder(tool);
      assertEquals(
          "no text in a tool call",
          "",
          ProviderCalls.decode(ProviderCalls.send(ADAPTER.request(tool)).body(), toolDecoder));
      ParsedAnswer called = toolDecoder.finish();
      assertEquals("tool_use", called.finishReason());
      ToolCall tc = called.message().partsOf(ToolCall.class).get(0);
      assertEquals("get_weather", tc.name());
      assertEquals("Use get_weather for Oslo", tc.argumentsMap().get("city"));
    }
  }

  @Test
  public void aStreamedForcedOutputToolStreamsItsJsonAsText() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ProviderRequest r =
          request(
              fake,
              "claude-3.5-haiku",
              Conversation.user("Reply with structured_output"),
              SamplingParams.defaults().withOutputSchema(NUMBER_SCHEMA),
              List.of(),
              true);
      StreamDecoder decoder = ADAPTER.streamDecoder(r);
      String deltas = ProviderCalls.decode(ProviderCalls.send(ADAPTER.request(r)).body(), decoder);
      ParsedAnswer parsed = decoder.finish();
      assertEquals(Json.parse("{\"n\":1}"), Json.parse(deltas));
      assertEquals(Json.parse(deltas), Json.parse(parsed.message().text()));
      assertTrue(parsed.message().partsOf(ToolCall.class).isEmpty());
    }
  }

  @Test
  public void aStreamThatFailsOrStopsShortIsAnError() {
    ProviderRequest r =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("claude-3.5-haiku"),
            Conversation.user("x"),
            SamplingParams.defaults(),
            List.of(),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            true);
    StreamDecoder overloaded = ADAPTER.streamDecoder(r);
    overloaded.onEvent(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"content\":[],\"usage\":{\"input_tokens\":3}}}",
        t -> {});
    overloaded.onEvent(
        "error",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
        t -> {});
    ProviderException e = assertThrows(ProviderException.class, overloaded::finish);
    assertEquals(ErrorKind.OVERLOADED, e.error().kind());

    StreamDecoder cut = ADAPTER.streamDecoder(r);
    cut.onEvent(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"content\":[],\"usage\":{\"input_tokens\":3}}}",
        t -> {});
    cut.onEvent(
        "content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        t -> {});
    assertEquals(
        ErrorKind.INVALID_RESPONSE,
        assertThrows(ProviderException.class, cut::finish).error().kind());
  }

  @Test
  public void promptCacheUsageIsParsedFromTheFakesAnswers() throws Exception {
    String longSystem = "You are a careful assistant. ".repeat(300);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ProviderRequest r =
          request(
              fake,
              "claude-3.5-haiku",
              Conversation.system(longSystem).addUser("hi"),
              SamplingParams.defaults(),
              List.of(),
              false);
      HttpCall call = ADAPTER.request(r);
      // The library does not mark cache breakpoints yet, so the test marks the system prompt
      // itself.
      ObjectNode body = (ObjectNode) Json.parse(call.body());
      ObjectNode system =
          body.putArray("system").addObject().put("type", "text").put("text", longSystem);
      system.putObject("cache_control").put("type", "ephemeral");
      HttpCall marked = new HttpCall(call.method(), call.uri(), call.headers(), Json.write(body));

      ParsedAnswer write = ADAPTER.parse(r, ProviderCalls.send(marked));
      ParsedAnswer read = ADAPTER.parse(r, ProviderCalls.send(marked));
      assertThat(write.usage().cacheWriteTokens(), greaterThan(1000L));
      assertEquals(0, write.usage().cacheReadTokens());
      assertEquals(write.usage().cacheWriteTokens(), read.usage().cacheReadTokens());
      assertEquals(0, read.usage().cacheWriteTokens());
      assertTrue(
          "cached input is not counted again as input",
          read.usage().inputTokens() < read.usage().cacheReadTokens());
      assertTrue(
          "a cache read costs less than a write",
          r.model().cost(read.usage()) < r.model().cost(write.usage()));
    }
  }

  @Test
  public void redactedThinkingIsKeptRawAndAServerToolCallIsKept() {
    String body =
        "{\"type\":\"message\",\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"},"
            + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"x\"}},"
            + "{\"type\":\"text\",\"text\":\"Done.\"}],"
            + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5,"
            + "\"cache_read_input_tokens\":7,\"cache_creation_input_tokens\":3}}";
    ProviderRequest r =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("claude-4.5-sonnet"),
            Conversation.user("x"),
            SamplingParams.defaults(),
            List.of(),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    ParsedAnswer parsed = ADAPTER.parse(r, new HttpAnswer(200, Map.of(), body));
    Thinking redacted = parsed.message().partsOf(Thinking.class).get(0);
    assertEquals(
        Json.parse("{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}"),
        Json.parse(redacted.rawFrom(Thinking.ANTHROPIC).orElseThrow()));
    assertEquals(List.of(new Text("Done.")), parsed.message().partsOf(Text.class));
    assertEquals(3, parsed.message().parts().size());
    assertEquals(
        "{\"query\":\"x\"}", parsed.message().partsOf(ServerToolUse.class).get(0).arguments());
    assertEquals(new Usage(10, 5, 7, 3), parsed.usage());
    assertEquals(
        ErrorKind.INVALID_RESPONSE,
        assertThrows(
                ProviderException.class,
                () -> ADAPTER.parse(r, new HttpAnswer(200, Map.of(), "{\"type\":\"message\"}")))
            .error()
            .kind());
  }

  @Test
  public void aMissingKeyNamesTheVariable() {
    Assume.assumeTrue("ANTHROPIC_API_KEY is set here", System.getenv("ANTHROPIC_API_KEY") == null);
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            LlmClient.builder()
                .models("claude-3.5-haiku")
                .registry(fake.pointRegistry(ModelRegistry.defaults()))
                .apiKeys(ApiKeys.of(Map.of()))
                .progress(StatusTracker.Display.NONE)
                .build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.AUTH, r.error().orElseThrow().kind());
      assertThat(r.error().orElseThrow().message(), containsString("set ANTHROPIC_API_KEY"));
      assertEquals(0, fake.requests().size());
    }
  }
}

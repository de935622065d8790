package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.Capabilities;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.StreamDecoder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The Gemini adapter through the client, against the fake provider. */
public class GeminiClientTest {
  private static final Tool WEATHER =
      Tool.of(
          "get_weather",
          "Weather by city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}");
  private static final ProviderAdapter GEMINI = Adapters.forFormat(WireFormat.GEMINI);

  @Test
  public void sendsTheDocumentedRequestAndParsesTheAnswer() {
    Conversation c = Conversation.system("Be terse.").addUser("What is 2+2?").withId("q1");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .samplingParams(
                    SamplingParams.builder().temperature(0.2).topP(0.9).maxNewTokens(300).build())
                .extraHeaders(Map.of("x-team", "data"))
                .build()) {
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("google", r.provider());
      assertEquals("STOP", r.finishReason().orElseThrow());
      assertEquals("q1", r.conversationId().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);
      assertTrue(r.usage().outputTokens() > 0);
      assertEquals(
          client.config().registry().lookup("gemini-2.5-flash").cost(r.usage()), r.cost(), 1e-12);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", sent.path());
      assertEquals("***", sent.headers().get("x-goog-api-key"));
      assertNull("the key goes in x-goog-api-key only", sent.headers().get("authorization"));
      assertEquals("data", sent.headers().get("x-team"));
      JsonNode body = Json.parse(sent.body());
      JsonNode config = body.get("generationConfig");
      assertEquals(300, config.get("maxOutputTokens").asInt());
      assertEquals(0.2, config.get("temperature").asDouble(), 0);
      assertEquals(0.9, config.get("topP").asDouble(), 0);
      assertFalse("no effort asked, no thinking config", config.has("thinkingConfig"));
      JsonNode rendered = Json.parse(WireFormats.gemini(c));
      assertEquals(rendered.get("systemInstruction"), body.get("systemInstruction"));
      assertEquals(rendered.get("contents"), body.get("contents"));
    }
  }

  @Test
  public void toolCallsCarryTheirThoughtSignatureThroughARoundTrip() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .tools(WEATHER)
                .samplingParams(
                    SamplingParams.defaults().withReasoningEffort(ReasoningEffort.MEDIUM))
                .keepRawBody(true)
                .build()) {
      Conversation ask = Conversation.user("Use get_weather for Oslo");
      ApiResponse call = client.start(ask).join();
      assertFalse(call.error().toString(), call.isError());
      List<Part> parts = call.message().parts();
      assertEquals(3, parts.size());
      assertThat(((Thinking) parts.get(0)).text(), startsWith("Considering the request"));
      Thinking signature = (Thinking) parts.get(1);
      assertEquals("the signature on the call stands right before it", "", signature.text());
      assertTrue(signature.signatureFrom(Thinking.GEMINI).isPresent());
      ToolCall weather = (ToolCall) parts.get(2);
      assertEquals("get_weather", weather.name());
      assertTrue(weather.argumentsMap().get("city") instanceof String);
      assertEquals(
          "ids are made from the answer, so the same answer gets the same id",
          weather.id(),
          client.start(ask).join().toolCalls().get(0).id());

      JsonNode usage = Json.parse(call.rawBody().orElseThrow()).get("usageMetadata");
      assertThat(usage.get("thoughtsTokenCount").asLong(), greaterThan(0L));
      assertEquals(
          "thoughts are billed as output",
          usage.get("candidatesTokenCount").asLong() + usage.get("thoughtsTokenCount").asLong(),
          call.usage().outputTokens());

      JsonNode first = Json.parse(fake.requests().get(0).body());
      JsonNode declaration = first.at("/tools/0/functionDeclarations/0");
      assertEquals("get_weather", declaration.get("name").asText());
      assertEquals("Weather by city", declaration.get("description").asText());
      assertEquals(
          "the schema goes as JSON Schema, unconverted",
          Json.parse(WEATHER.parametersJson()),
          declaration.get("parametersJsonSchema"));
      assertEquals(8192, first.at("/generationConfig/thinkingConfig/thinkingBudget").asInt());
      assertTrue(first.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean());

      Conversation next = ask.add(call.message()).add(Message.toolResult(weather.id(), "4 C"));
      ApiResponse answer = client.start(next).join();
      assertEquals("Tool results: 4 C", answer.completion());
      JsonNode modelTurn = Json.parse(fake.requests().get(2).body()).at("/contents/1");
      assertEquals("model", modelTurn.get("role").asText());
      assertEquals("get_weather", modelTurn.at("/parts/0/functionCall/name").asText());
      assertEquals(signature.signature(), modelTurn.at("/parts/0/thoughtSignature").asText());
      assertEquals(
          "4 C",
          Json.parse(fake.requests().get(2).body())
              .at("/contents/2/parts/0/functionResponse/response/output")
              .asText());
    }
  }

  @Test
  public void callsGeminiDidNotMakeReachGeminiThreeWithTheDocumentedDummySignature() {
    // A call written by hand (or by another provider) has no signature; Gemini 3 refuses an
    // unsigned first call of a step in the current turn.
    Conversation history =
        Conversation.user("Use get_weather for Oslo")
            .add(Message.of(Role.ASSISTANT, List.of(ToolCall.of("call_1", "get_weather", "{}"))))
            .add(Message.toolResult("call_1", "4 C"));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-3-flash-preview")
                .tools(WEATHER)
                .maxAttempts(1)
                .build()) {
      ApiResponse r = client.start(history).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Tool results: 4 C", r.completion());
      JsonNode call = Json.parse(fake.requests().get(0).body()).at("/contents/1/parts/0");
      assertEquals("get_weather", call.at("/functionCall/name").asText());
      assertEquals("skip_thought_signature_validator", call.get("thoughtSignature").asText());
    }
  }

  @Test
  public void geminiThreesOwnSignatureGoesBackInPlaceOfTheDummy() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-3-pro-preview").tools(WEATHER).build()) {
      Conversation ask = Conversation.user("Use get_weather for Oslo");
      ApiResponse call = client.start(ask).join();
      assertFalse(call.error().toString(), call.isError());
      Thinking signature = (Thinking) call.message().parts().get(0);
      String real = signature.signatureFrom(Thinking.GEMINI).orElseThrow();
      ToolCall weather = call.toolCalls().get(0);

      ApiResponse answer =
          client.start(ask.add(call.message()).add(Message.toolResult(weather.id(), "4 C"))).join();
      assertEquals("Tool results: 4 C", answer.completion());
      assertEquals(
          real,
          Json.parse(fake.requests().get(1).body())
              .at("/contents/1/parts/0/thoughtSignature")
              .asText());
    }
  }

  @Test
  public void geminiThreeGetsItsThinkingLevelByNameAndNoBudget() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      JsonNode low = thinkingConfig(fake, "gemini-3-pro-preview", ReasoningEffort.LOW);
      assertEquals("low", low.get("thinkingLevel").asText());
      assertFalse("never a budget beside a level", low.has("thinkingBudget"));
      assertTrue(low.get("includeThoughts").asBoolean());
      assertEquals(
          "high",
          thinkingConfig(fake, "gemini-3-pro-preview", ReasoningEffort.HIGH)
              .get("thinkingLevel")
              .asText());
      assertEquals(
          "minimal",
          thinkingConfig(fake, "gemini-3-flash-preview", ReasoningEffort.MINIMAL)
              .get("thinkingLevel")
              .asText());
      assertEquals(
          "medium",
          thinkingConfig(fake, "gemini-3-flash-preview", ReasoningEffort.MEDIUM)
              .get("thinkingLevel")
              .asText());
      assertFalse(
          "Gemini 2.5 keeps its budget",
          thinkingConfig(fake, "gemini-2.5-flash", ReasoningEffort.LOW).has("thinkingLevel"));

      int sent = fake.requests().size();
      SamplingParams medium = SamplingParams.defaults().withReasoningEffort(ReasoningEffort.MEDIUM);
      assertThrows(
          "a client configured so is refused before it starts",
          IllegalArgumentException.class,
          () ->
              ClientTestSupport.client(fake, "gemini-3-pro-preview")
                  .samplingParams(medium)
                  .build());
      try (LlmClient client =
          ClientTestSupport.client(fake, "gemini-2.5-flash")
              .samplingParams(medium)
              .maxAttempts(1)
              .build()) {
        ApiResponse refused =
            client
                .start(LlmRequest.of(Conversation.user("think")).withModel("gemini-3-pro-preview"))
                .join();
        assertTrue("Gemini 3 Pro has no medium level", refused.isError());
      }
      assertEquals("an unlisted level is never sent", sent, fake.requests().size());
    }
  }

  @Test
  public void reasoningEffortBecomesAThinkingBudgetWithinEachFamilysRange() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      assertEquals(
          0,
          thinkingConfig(fake, "gemini-2.5-flash", ReasoningEffort.NONE)
              .get("thinkingBudget")
              .asInt());
      assertFalse(
          thinkingConfig(fake, "gemini-2.5-flash", ReasoningEffort.NONE).has("includeThoughts"));
      assertEquals(
          "Pro cannot stop thinking",
          128,
          thinkingConfig(fake, "gemini-2.5-pro", ReasoningEffort.NONE)
              .get("thinkingBudget")
              .asInt());
      assertEquals(
          1024,
          thinkingConfig(fake, "gemini-2.5-flash", ReasoningEffort.LOW)
              .get("thinkingBudget")
              .asInt());
      assertEquals(
          24576,
          thinkingConfig(fake, "gemini-2.5-flash", ReasoningEffort.XHIGH)
              .get("thinkingBudget")
              .asInt());
      assertEquals(
          32768,
          thinkingConfig(fake, "gemini-2.5-pro", ReasoningEffort.XHIGH)
              .get("thinkingBudget")
              .asInt());
      assertTrue(
          "a model that does not think gets no config",
          thinkingConfig(fake, "gemini-2.0-flash", ReasoningEffort.HIGH).isMissingNode());
    }
  }

  private static JsonNode thinkingConfig(
      FakeProviderServer fake, String model, ReasoningEffort effort) {
    try (LlmClient client =
        ClientTestSupport.client(fake, model)
            .samplingParams(SamplingParams.defaults().withReasoningEffort(effort))
            .build()) {
      ApiResponse r = client.start("think").join();
      assertFalse(r.error().toString(), r.isError());
      List<RecordedRequest> sent = fake.requests();
      return Json.parse(sent.get(sent.size() - 1).body()).at("/generationConfig/thinkingConfig");
    }
  }

  @Test
  public void thoughtsAndTheirSignatureComeBeforeTheText() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .samplingParams(SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW))
                .build()) {
      ApiResponse r = client.start("Why is the sky blue?").join();
      assertEquals("Echo: Why is the sky blue?", r.completion());
      List<Part> parts = r.message().parts();
      assertEquals(Thinking.of("Considering the request: Why is the sky blue?"), parts.get(0));
      assertTrue(((Thinking) parts.get(1)).signatureFrom(Thinking.GEMINI).isPresent());
      assertEquals(new Text("Echo: Why is the sky blue?"), parts.get(2));
    }
  }

  @Test
  public void jsonSchemaJsonModeAndLogprobs() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
      // The registry lists no Gemini model with logprobs; the API has them for some, so a custom
      // entry asks.
      ModelSpec flash = registry.lookup("gemini-2.0-flash");
      Capabilities caps = flash.capabilities();
      ModelSpec withLogprobs =
          flash.toBuilder()
              .setId("gemini-logprobs")
              .setAliases(List.of())
              .setCapabilities(
                  new Capabilities(
                      caps.jsonMode(),
                      caps.jsonSchema(),
                      caps.images(),
                      caps.pdfs(),
                      true,
                      caps.tools(),
                      false,
                      false,
                      caps.reasoningEfforts()))
              .build();
      try (LlmClient structured =
              ClientTestSupport.client(fake, "gemini-2.5-flash")
                  .samplingParams(SamplingParams.defaults().withOutputSchema(schema))
                  .build();
          LlmClient json =
              ClientTestSupport.client(fake, "gemini-2.5-flash")
                  .samplingParams(SamplingParams.builder().jsonMode(true).build())
                  .build();
          LlmClient logprobs =
              ClientTestSupport.client(fake, "gemini-logprobs")
                  .registry(registry.withModel(withLogprobs))
                  .samplingParams(SamplingParams.builder().logprobs(true).topLogprobs(2).build())
                  .build()) {
        ApiResponse s = structured.start("Give me a number").join();
        assertEquals(1, Json.parse(s.completion()).get("n").asInt());
        JsonNode config = Json.parse(fake.requests().get(0).body()).get("generationConfig");
        assertEquals("application/json", config.get("responseMimeType").asText());
        assertEquals(Json.parse(schema), config.get("responseJsonSchema"));
        assertFalse(config.has("responseSchema"));

        assertEquals("hi", Json.parse(json.start("hi").join().completion()).get("echo").asText());
        assertEquals(
            "application/json",
            Json.parse(fake.requests().get(1).body())
                .at("/generationConfig/responseMimeType")
                .asText());

        ApiResponse l = logprobs.start("Count to three").join();
        assertFalse(l.error().toString(), l.isError());
        JsonNode sent = Json.parse(fake.requests().get(2).body()).get("generationConfig");
        assertTrue(sent.get("responseLogprobs").asBoolean());
        assertEquals(2, sent.get("logprobs").asInt());
        StringBuilder tokens = new StringBuilder();
        l.logprobs().forEach(t -> tokens.append(t.token()));
        assertEquals(l.completion(), tokens.toString());
        assertEquals(2, l.logprobs().get(0).top().size());
        assertTrue(l.logprobs().get(0).logprob() < 0);
      }
    }
  }

  @Test
  public void blockedPromptsAndFilteredAnswersAreContentFilterErrors() {
    ProviderRequest request = request(ModelRegistry.defaults(), false);
    ProviderException blocked =
        assertThrows(
            ProviderException.class,
            () ->
                GEMINI.parse(
                    request,
                    new HttpAnswer(
                        200,
                        Map.of(),
                        "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":5}}")));
    assertEquals(ErrorKind.CONTENT_FILTER, blocked.error().kind());
    assertThat(blocked.error().message(), containsString("SAFETY"));
    ProviderException stopped =
        assertThrows(
            ProviderException.class,
            () ->
                GEMINI.parse(
                    request,
                    new HttpAnswer(
                        200,
                        Map.of(),
                        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Partial\"}],\"role\":\"model\"},\"finishReason\":\"SAFETY\"}]}")));
    assertEquals(ErrorKind.CONTENT_FILTER, stopped.error().kind());
    ProviderException empty =
        assertThrows(
            ProviderException.class,
            () -> GEMINI.parse(request, new HttpAnswer(200, Map.of(), "{}")));
    assertEquals(ErrorKind.INVALID_RESPONSE, empty.error().kind());
  }

  @Test
  public void everyErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gemini-2.5-flash",
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
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .maxAttempts(1)
                .requestTimeout(Duration.ofMillis(700))
                .build()) {
      for (ErrorKind kind : expected) {
        ApiResponse r = ClientTestSupport.once(client, "hi");
        assertEquals(kind, r.error().orElseThrow().kind());
        assertEquals(1, r.attempts());
        if (kind == ErrorKind.AUTH) {
          assertEquals(
              "Google answers a bad key with a 400", 400, r.error().orElseThrow().status());
        }
      }
    }
  }

  @Test
  public void rateLimitsCarryGooglesRetryDelay() {
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient client =
            ClientTestSupport.client(tight, "gemini-2.5-flash").maxAttempts(1).build()) {
      assertFalse(client.start("one").join().isError());
      // Gemini sends no rate-limit headers, so the client cannot learn the limit and is refused.
      ApiResponse r = client.start("two").join();
      ApiError e = r.error().orElseThrow();
      assertEquals(ErrorKind.RATE_LIMIT, e.kind());
      assertEquals(429, e.status());
      long waitMillis = e.retryAfter().orElseThrow().toMillis();
      assertTrue(
          "RetryInfo's retryDelay in whole seconds: " + waitMillis,
          waitMillis >= 1000 && waitMillis <= 60_000 && waitMillis % 1000 == 0);
      assertEquals(1, client.tracker().status().rateLimited());
    }
  }

  @Test
  public void aStreamedAnswerDecodesToTheWholeAnswer() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ProviderRequest streamed = request(fake.pointRegistry(ModelRegistry.defaults()), true);
      HttpCall call = GEMINI.request(streamed);
      assertThat(
          call.uri().toString(),
          endsWith("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"));
      StreamDecoder decoder = GEMINI.streamDecoder(streamed);
      List<String> deltas = new ArrayList<>();
      assertEquals(200, ClientTestSupport.stream(call, decoder, deltas::add));
      ParsedAnswer answer = decoder.finish();
      assertThat("the text came in pieces", deltas.size(), greaterThan(1));
      assertEquals(
          "thoughts are not streamed as text", answer.message().text(), String.join("", deltas));
      assertEquals("STOP", answer.finishReason());

      try (LlmClient client =
          ClientTestSupport.client(fake, "gemini-2.5-flash")
              .samplingParams(streamed.params())
              .build()) {
        ApiResponse whole = client.start(streamed.conversation()).join();
        assertEquals(whole.message(), answer.message());
        assertEquals(whole.usage(), answer.usage());
      }
      assertEquals(3, answer.message().parts().size());
    }
  }

  @Test
  public void aStreamedErrorOrBrokenChunkEndsTheAnswer() {
    ProviderRequest request = request(ModelRegistry.defaults(), true);
    StreamDecoder limited = GEMINI.streamDecoder(request);
    limited.onEvent(
        null, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}", t -> {});
    limited.onEvent(
        null,
        "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\","
            + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"17s\"}]}}",
        t -> {});
    ProviderException e = assertThrows(ProviderException.class, limited::finish);
    assertEquals(ErrorKind.RATE_LIMIT, e.error().kind());
    assertEquals(17_000, e.error().retryAfterMillis());

    StreamDecoder broken = GEMINI.streamDecoder(request);
    broken.onEvent(null, "{\"candidates\":[", t -> {});
    assertEquals(
        ErrorKind.INVALID_RESPONSE,
        assertThrows(ProviderException.class, broken::finish).error().kind());
  }

  /** A request for Gemini 2.5 Flash with low effort, its model from the registry given. */
  private static ProviderRequest request(ModelRegistry registry, boolean stream) {
    return new ProviderRequest(
        registry.lookup("gemini-2.5-flash"),
        Conversation.user("Tell me about rivers and the sea"),
        SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW),
        List.of(),
        Credentials.apiKey("k"),
        Map.of(),
        null,
        stream);
  }
}

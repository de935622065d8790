package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.WireFormats;
import dev.beamllm.provider.bedrock.BedrockAnthropicAdapter;
import dev.beamllm.provider.bedrock.BedrockConverseAdapter;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.Assume;
import org.junit.Test;

/**
 * Claude through Bedrock {@code invoke} and every Bedrock model through Converse, via the client,
 * against the fake provider: Bedrock API keys and SigV4 signing, the bodies as documented, every
 * answer shape and every error class.
 */
public class BedrockClientTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String HAIKU_PATH = "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0";
  private static final Tool WEATHER =
      Tool.of(
          "get_weather",
          "Weather by city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  /**
   * The region SigV4 scopes to when the base URL is not Bedrock's own host: AWS_REGION, else
   * us-east-1.
   */
  private static final String REGION =
      Optional.ofNullable(System.getenv("AWS_REGION"))
          .filter(s -> !s.isBlank())
          .orElse("us-east-1");

  /**
   * AWS keys given in code; a Bedrock API key in the environment would win over them, so such tests
   * are skipped there.
   */
  private static ApiKeys awsKeys() {
    Assume.assumeTrue(
        "AWS_BEARER_TOKEN_BEDROCK is set here and would win over the keys given",
        System.getenv("AWS_BEARER_TOKEN_BEDROCK") == null);
    return ApiKeys.of(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", SECRET));
  }

  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return Json.parse(sent.get(sent.size() - 1).body());
  }

  private static LlmClient.Builder client(FakeProviderServer fake, ApiKeys keys, String model) {
    return LlmClient.builder()
        .models(model)
        .registry(fake.pointRegistry(ModelRegistry.defaults()))
        .apiKeys(keys)
        .progress(StatusTracker.Display.NONE);
  }

  /** A registry whose model {@code id} is bedrock-claude-4-sonnet reached through Converse. */
  private static ModelRegistry claudeOnConverse(FakeProviderServer fake, String id) {
    ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec invoke = registry.lookup("bedrock-claude-4-sonnet");
    return registry.withModel(
        invoke.toBuilder()
            .setId(id)
            .setAliases(List.of())
            .setWireFormat(WireFormat.BEDROCK_CONVERSE)
            .build());
  }

  private static String header(HttpCall call, String name) {
    return call.headers().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  public void invokeSendsTheAnthropicBodyWithABedrockApiKey() {
    Conversation c = Conversation.system("Be terse.").addUser("What is 2+2?");
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("bedrock-api-key").start();
        LlmClient client =
            client(
                    fake,
                    ApiKeys.of(Map.of("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key")),
                    "bedrock-claude-3.5-haiku")
                .samplingParams(SamplingParams.builder().temperature(0.2).maxNewTokens(300).build())
                .extraHeaders(
                    Map.of("x-team", "data", "anthropic-beta", "token-efficient-tools-2025-02-19"))
                .serviceTier("priority")
                .build()) {
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Echo: What is 2+2?", r.completion());
      assertEquals("bedrock", r.provider());
      assertEquals("end_turn", r.finishReason().orElseThrow());
      assertTrue(r.usage().inputTokens() > 0);

      RecordedRequest sent = fake.requests().get(0);
      assertEquals(HAIKU_PATH + "/invoke", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      assertNull("a bearer key is not signed", sent.headers().get("x-amz-date"));
      assertEquals("data", sent.headers().get("x-team"));
      assertNull("betas travel in the body on Bedrock", sent.headers().get("anthropic-beta"));
      JsonNode body = Json.parse(sent.body());
      assertEquals("anthropic_version comes first", "anthropic_version", body.fieldNames().next());
      assertEquals(BedrockAnthropicAdapter.VERSION, body.get("anthropic_version").asText());
      assertEquals(
          Json.parse("[\"token-efficient-tools-2025-02-19\"]"), body.get("anthropic_beta"));
      assertFalse("the model is in the path", body.has("model"));
      assertFalse(body.has("stream"));
      assertFalse("invoke takes no service_tier", body.has("service_tier"));
      assertEquals(300, body.get("max_tokens").asInt());
      assertEquals(0.2, body.get("temperature").asDouble(), 0);
      assertEquals("Be terse.", body.get("system").asText());
      assertEquals(Json.parse(WireFormats.anthropic(c)).get("messages"), body.get("messages"));
    }
  }

  @Test
  public void sigV4SignsWithTheAwsKeysForTheBedrockService() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("AKIDEXAMPLE").start();
        LlmClient client = client(fake, awsKeys(), "bedrock-claude-3.5-haiku").build()) {
      ApiResponse r = client.start("hi").join();
      // The fake checks the header's form, the date and scope, and that the access key id is
      // AKIDEXAMPLE.
      assertFalse(r.error().toString(), r.isError());
      RecordedRequest sent = fake.requests().get(0);
      assertEquals("AWS4-HMAC-SHA256 ***", sent.headers().get("authorization"));
      assertTrue(sent.headers().get("x-amz-date").matches("\\d{8}T\\d{6}Z"));
      assertNull(sent.headers().get("x-amz-security-token"));

      ProviderRequest request =
          new ProviderRequest(
              client.config().registry().lookup("bedrock-claude-3.5-haiku"),
              Conversation.user("hi"),
              SamplingParams.defaults(),
              List.of(),
              Credentials.aws("AKIDEXAMPLE", SECRET, null),
              Map.of(),
              null,
              false);
      String auth = header(new BedrockAnthropicAdapter().request(request), "authorization");
      assertThat(auth, startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
      assertThat(auth, containsString("/" + REGION + "/bedrock/aws4_request, SignedHeaders="));
      assertThat(auth, containsString("host"));
      assertThat(auth, containsString("x-amz-date"));
      assertThat(auth, containsString("Signature="));
      assertFalse("the secret never travels", auth.contains(SECRET));
    }
    try (FakeProviderServer other = FakeProviderServer.builder().apiKey("AKIDOTHERKEY").start();
        LlmClient client =
            client(other, awsKeys(), "bedrock-claude-3.5-haiku").maxAttempts(1).build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(
          "a key the server does not know", ErrorKind.AUTH, r.error().orElseThrow().kind());
      assertEquals(403, r.error().orElseThrow().status());
    }
  }

  @Test
  public void sessionCredentialsSendAndSignTheirToken() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("AKIDEXAMPLE").start()) {
      ModelSpec spec = fake.pointRegistry(ModelRegistry.defaults()).lookup("bedrock-nova-lite");
      ProviderRequest request =
          new ProviderRequest(
              spec,
              Conversation.user("hi"),
              SamplingParams.defaults(),
              List.of(),
              Credentials.aws("AKIDEXAMPLE", SECRET, "FwoGZXIvYXdzEXAMPLETOKEN"),
              Map.of(),
              null,
              false);
      HttpCall call = new BedrockConverseAdapter().request(request);
      assertEquals("FwoGZXIvYXdzEXAMPLETOKEN", header(call, "x-amz-security-token"));
      assertThat(header(call, "authorization"), containsString("x-amz-security-token"));
      HttpAnswer answer = ProviderCalls.send(call);
      assertEquals(answer.body(), 200, answer.status());
      assertEquals("***", fake.requests().get(0).headers().get("x-amz-security-token"));
    }
  }

  @Test
  public void converseSendsInferenceAndToolConfigAndRoundTripsATool() {
    Conversation c = Conversation.system("Be terse.").addUser("Use get_weather for Oslo");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "bedrock-nova-lite")
                .tools(WEATHER)
                .samplingParams(
                    SamplingParams.builder()
                        .temperature(0.4)
                        .topP(0.8)
                        .maxNewTokens(50_000)
                        .build())
                .build()) {
      ApiResponse call = client.start(c).join();
      assertFalse(call.error().toString(), call.isError());
      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/model/amazon.nova-lite-v1%3A0/converse", sent.path());
      assertEquals("Bearer ***", sent.headers().get("authorization"));
      JsonNode body = Json.parse(sent.body());
      assertEquals(
          "nova-lite's output limit", 10_000, body.at("/inferenceConfig/maxTokens").asInt());
      assertEquals(0.4, body.at("/inferenceConfig/temperature").asDouble(), 0);
      assertEquals(0.8, body.at("/inferenceConfig/topP").asDouble(), 0);
      JsonNode spec = body.at("/toolConfig/tools/0/toolSpec");
      assertEquals("get_weather", spec.get("name").asText());
      assertEquals("Weather by city", spec.get("description").asText());
      assertEquals(Json.parse(WEATHER.parametersJson()), spec.at("/inputSchema/json"));
      JsonNode rendered = Json.parse(WireFormats.bedrockConverse(c));
      assertEquals(rendered.get("system"), body.get("system"));
      assertEquals(rendered.get("messages"), body.get("messages"));
      assertFalse(body.has("additionalModelRequestFields"));

      assertEquals("tool_use", call.finishReason().orElseThrow());
      ToolCall tc = call.toolCalls().get(0);
      assertEquals("get_weather", tc.name());
      assertThat(tc.id(), startsWith("tooluse_"));
      assertTrue(call.usage().inputTokens() > 0);
      assertTrue(call.usage().outputTokens() > 0);

      ApiResponse answer =
          client.start(c.add(call.message()).add(Message.toolResult(tc.id(), "4 C"))).join();
      assertEquals("Tool results: 4 C", answer.completion());
      assertEquals("end_turn", answer.finishReason().orElseThrow());
      assertEquals(
          tc.id(), lastBody(fake).at("/messages/2/content/0/toolResult/toolUseId").asText());
    }
  }

  @Test
  public void thinkingOnInvokeAndOnConverseWithSignaturesThatTravelBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient invoke =
            ClientTestSupport.client(fake, "bedrock-claude-4-sonnet")
                .samplingParams(
                    SamplingParams.builder()
                        .temperature(0.3)
                        .reasoningEffort(ReasoningEffort.MEDIUM)
                        .build())
                .build();
        LlmClient converse =
            ClientTestSupport.client(fake, "claude-on-converse")
                .registry(claudeOnConverse(fake, "claude-on-converse"))
                .tools(WEATHER)
                .samplingParams(
                    SamplingParams.builder()
                        .temperature(0.3)
                        .reasoningEffort(ReasoningEffort.LOW)
                        .build())
                .build()) {
      ApiResponse r = invoke.start("Think about it").join();
      assertFalse(r.error().toString(), r.isError());
      JsonNode body = lastBody(fake);
      assertEquals(4096, body.at("/thinking/budget_tokens").asInt());
      assertEquals(4096 + 512, body.get("max_tokens").asInt());
      assertFalse(body.has("temperature"));
      Thinking t = r.thinking().get(0);
      assertTrue(
          "invoke answers Anthropic's signed thinking",
          t.signatureFrom(Thinking.ANTHROPIC).isPresent());
      assertEquals("Echo: Think about it", r.completion());

      ApiResponse call = converse.start("Use get_weather for Oslo").join();
      assertFalse(call.error().toString(), call.isError());
      body = lastBody(fake);
      assertEquals(
          "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse",
          fake.requests().get(1).path());
      assertEquals("enabled", body.at("/additionalModelRequestFields/thinking/type").asText());
      assertEquals(1024, body.at("/additionalModelRequestFields/thinking/budget_tokens").asInt());
      assertEquals(1024 + 512, body.at("/inferenceConfig/maxTokens").asInt());
      assertFalse(body.at("/inferenceConfig").has("temperature"));
      Thinking reasoning = call.thinking().get(0);
      assertThat(reasoning.text(), startsWith("Considering the request"));
      assertTrue(
          "Converse signs as Bedrock", reasoning.signatureFrom(Thinking.BEDROCK).isPresent());

      ApiResponse after =
          converse
              .start(
                  Conversation.user("Use get_weather for Oslo")
                      .add(call.message())
                      .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C")))
              .join();
      assertEquals("Tool results: 4 C", after.completion());
      JsonNode replayed = lastBody(fake).at("/messages/1/content/0/reasoningContent/reasoningText");
      assertEquals(reasoning.signature(), replayed.get("signature").asText());
    }
  }

  @Test
  public void everyInvokeErrorClassIsRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "us.anthropic.claude-3-5-haiku-20241022-v1:0",
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
            client(fake, awsKeys(), "bedrock-claude-3.5-haiku")
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
  public void converseErrorsAndThrottlingAreRecognised() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "amazon.nova-lite-v1:0",
                Fault.SERVER_ERROR,
                Fault.UNAVAILABLE,
                Fault.CONTEXT_LENGTH,
                Fault.UNAUTHORIZED,
                Fault.MODEL_NOT_FOUND,
                Fault.MALFORMED_JSON);
    ErrorKind[] expected = {
      ErrorKind.SERVER,
      ErrorKind.OVERLOADED,
      ErrorKind.CONTEXT_LENGTH,
      ErrorKind.AUTH,
      ErrorKind.NOT_FOUND,
      ErrorKind.INVALID_RESPONSE
    };
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client =
            ClientTestSupport.client(fake, "bedrock-nova-lite").maxAttempts(1).build()) {
      for (ErrorKind kind : expected) {
        ApiResponse r = ClientTestSupport.once(client, "hi");
        assertEquals(r.error().toString(), kind, r.error().orElseThrow().kind());
      }
      assertThat(ClientTestSupport.once(client, "hi").completion(), startsWith("Echo: hi"));
    }
    try (FakeProviderServer tight = FakeProviderServer.builder().requestsPerMinute(1).start();
        LlmClient client =
            ClientTestSupport.client(tight, "bedrock-nova-lite").maxAttempts(1).build()) {
      assertFalse(client.start("one").join().isError());
      ApiResponse r = client.start("two").join();
      assertEquals(ErrorKind.RATE_LIMIT, r.error().orElseThrow().kind());
      assertThat(r.error().orElseThrow().message(), startsWith("ThrottlingException"));
    }
  }

  @Test
  public void errorTypesDecideOverStatus() {
    ProviderAdapter adapter = new BedrockConverseAdapter();
    HttpAnswer notReady =
        new HttpAnswer(
            429,
            Map.of(
                "x-amzn-errortype",
                List.of("ModelNotReadyException:http://internal.amazon.com/coral/")),
            "{\"message\":\"Model is not ready for inference.\"}");
    assertEquals(ErrorKind.OVERLOADED, adapter.error(notReady).kind());
    HttpAnswer modelTimeout =
        new HttpAnswer(
            408,
            Map.of("x-amzn-errortype", List.of("ModelTimeoutException")),
            "{\"Message\":\"timed out\"}");
    assertEquals(
        "a model timeout may pass on another attempt",
        ErrorKind.SERVER,
        adapter.error(modelTimeout).kind());
    HttpAnswer denied =
        new HttpAnswer(
            403,
            Map.of("x-amzn-errortype", List.of("AccessDeniedException")),
            "{\"message\":\"You don't have access to the model with the specified model ID.\"}");
    assertEquals(ErrorKind.AUTH, adapter.error(denied).kind());
    HttpAnswer invalid =
        new HttpAnswer(
            400,
            Map.of("x-amzn-errortype", List.of("ValidationException")),
            "{\"message\":\"Malformed input request: #: extraneous key [foo] is not permitted\"}");
    assertEquals(ErrorKind.BAD_REQUEST, adapter.error(invalid).kind());
  }

  @Test
  public void whatBedrockCannotCarryIsRefusedBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "bedrock-claude-3.5-haiku").build()) {
      ApiResponse r =
          client
              .start(
                  Conversation.of(
                      Message.user("Summarise")
                          .addFile(File.fromFileId("file_011CNha8iCJcU1wXNR6q4V8w"))))
              .join();
      assertEquals(ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
      assertThat(r.error().orElseThrow().message(), containsString("uploaded-file ids"));
      assertEquals(0, fake.requests().size());

      ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
      ProviderRequest stream =
          new ProviderRequest(
              registry.lookup("bedrock-claude-3.5-haiku"),
              Conversation.user("x"),
              SamplingParams.defaults(),
              List.of(),
              Credentials.apiKey("k"),
              Map.of(),
              null,
              true);
      assertThrows(
          UnsupportedOperationException.class, () -> new BedrockAnthropicAdapter().request(stream));
      ProviderRequest json =
          new ProviderRequest(
              registry.lookup("bedrock-nova-lite"),
              Conversation.user("x"),
              SamplingParams.defaults().withOutputSchema("{\"type\":\"object\"}"),
              List.of(),
              Credentials.apiKey("k"),
              Map.of(),
              null,
              false);
      assertThrows(
          UnsupportedOperationException.class, () -> new BedrockConverseAdapter().request(json));
    }
  }

  /**
   * Issue 11, point 7: {@code toolResult.status} is "only supported by Amazon Nova and Anthropic
   * Claude 3 and 4 models" (Bedrock API reference, ToolResultBlock), and the fake's Converse
   * dialect refuses it for others as Bedrock does. A failed tool result goes to Llama without it,
   * and to Nova with it.
   */
  @Test
  public void aFailedToolResultCarriesItsStatusOnlyToModelsThatTakeIt() {
    Conversation asked = Conversation.user("Weather in Oslo? Use get_weather.");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : List.of("bedrock-llama-3.3-70b", "bedrock-nova-lite")) {
        try (LlmClient client = ClientTestSupport.client(fake, model).tools(WEATHER).build()) {
          ApiResponse call = client.start(asked).join();
          assertFalse(call.error().toString(), call.isError());
          ToolCall tc = call.toolCalls().get(0);
          ApiResponse answer =
              client
                  .start(
                      asked
                          .add(call.message())
                          .add(
                              Message.toolResults(
                                  List.of(
                                      ToolResult.error(tc.id(), "the weather service is down")))))
                  .join();
          assertFalse(model + ": " + answer.error(), answer.isError());
          JsonNode result = lastBody(fake).at("/messages/2/content/0/toolResult");
          assertEquals(tc.id(), result.path("toolUseId").asText());
          if (model.contains("nova")) {
            assertEquals("error", result.path("status").asText());
          } else {
            assertFalse(model + " gets no status", result.has("status"));
          }
        }
      }
    }
  }

  @Test
  public void oneModelSprayedOverRegionsCallsEachRegionsProfileSignedForThatRegion()
      throws Exception {
    List<String> regions = List.of("us-west-2", "eu-west-1", "ap-northeast-1");
    List<String> models = regions.stream().map(r -> "bedrock-claude-4.5-sonnet@" + r).toList();
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("AKIDEXAMPLE").start();
        LlmClient client = client(fake, awsKeys(), models.get(0)).models(models).build()) {
      List<ApiResponse> answers =
          IntStream.range(0, 30).mapToObj(i -> client.start("question " + i)).toList().stream()
              .map(CompletableFuture::join)
              .toList();
      // The fake refuses a geography's profile signed for a region outside it, so every answer
      // shows that the region signed for and the profile in the path agree.
      for (ApiResponse r : answers) {
        assertFalse(r.error().toString(), r.isError());
        assertTrue(r.model(), models.contains(r.model()));
      }
      for (String profile : List.of("us.", "eu.", "apac.")) {
        assertTrue(
            profile + " was called",
            fake.requests().stream()
                .anyMatch(
                    q -> q.path().startsWith("/model/" + profile + "anthropic.claude-sonnet-4-5")));
      }

      ModelSpec eu = client.config().registry().lookup(models.get(1));
      HttpCall call =
          new BedrockAnthropicAdapter()
              .request(
                  new ProviderRequest(
                      eu,
                      Conversation.user("hi"),
                      SamplingParams.defaults(),
                      List.of(),
                      Credentials.aws("AKIDEXAMPLE", SECRET, null),
                      Map.of(),
                      null,
                      false));
      assertThat(header(call, "authorization"), containsString("/eu-west-1/bedrock/aws4_request"));
      assertThat(call.uri().getPath(), startsWith("/model/eu.anthropic.claude-sonnet-4-5"));
      // The same signed call for the US profile is what Bedrock refuses.
      URI us = URI.create(call.uri().toString().replace("/model/eu.", "/model/us."));
      HttpRequest.Builder wrong =
          HttpRequest.newBuilder(us).POST(HttpRequest.BodyPublishers.ofString(call.body()));
      call.headers().forEach(wrong::header);
      HttpResponse<String> refused =
          HttpClient.newHttpClient().send(wrong.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, refused.statusCode());
      assertThat(refused.body(), containsString("The provided model identifier is invalid."));
    }
  }

  @Test
  public void converseSendsTheTiersBedrockTakesAndReadsTheOneThatServed() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("bedrock-api-key").start()) {
      ApiKeys key = ApiKeys.of(Map.of("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key"));
      for (String asked : List.of("flex", "priority", "standard_only", "auto", "scale")) {
        try (LlmClient client =
            client(fake, key, "bedrock-nova-micro").serviceTier(asked).build()) {
          ApiResponse r = client.start("hi").join();
          assertFalse(asked + ": " + r.error(), r.isError());
          JsonNode sent = lastBody(fake).get("serviceTier");
          String expected =
              switch (asked) {
                case "flex", "priority" -> asked;
                case "standard_only" -> "default";
                default -> null;
              };
          if (expected == null) {
            assertNull(asked + " is not Bedrock's, so none is sent", sent);
            assertEquals("default", r.serviceTier().orElseThrow());
          } else {
            assertEquals(expected, sent.get("type").asText());
            assertEquals(expected, r.serviceTier().orElseThrow());
          }
        }
      }
    }
  }
}

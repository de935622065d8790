package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Bedrock InvokeModel with a Claude body: Bedrock's body rules, Anthropic's answer, SigV4 and
 * API-key auth, Bedrock's errors.
 */
public class BedrockInvokeDialectTest {
  private static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  private static final String PATH = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(SigV4Headers.ACCESS_KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply invoke(FakeProviderServer fake, String body) throws Exception {
    return Http.post(
        fake.baseUrl() + PATH,
        body,
        SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)));
  }

  private static Http.Reply invoke(String body) throws Exception {
    return invoke(server, body);
  }

  private static Http.Reply withAuth(String... headers) throws Exception {
    return Http.post(server.baseUrl() + PATH, body("hi"), headers);
  }

  private static String body(String text) {
    return "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  /** Asserts Bedrock's error shape and returns the message. */
  static String error(Http.Reply r, int status, String type) {
    assertEquals(r.body(), status, r.status());
    assertEquals(type, r.header("x-amzn-ErrorType"));
    assertTrue(r.header("x-amzn-RequestId") != null);
    JsonNode j = r.json();
    assertEquals("the body is only a message", 1, j.size());
    return j.get("message").asText();
  }

  @Test
  public void answersWithAnthropicsMessageForThePathModel() throws Exception {
    Http.Reply r = invoke(body("What is 2+2?"));
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertThat(j.get("id").asText(), startsWith("msg_bdrk_"));
    assertEquals("message", j.get("type").asText());
    assertEquals("the model comes from the URL-decoded path", MODEL, j.get("model").asText());
    assertEquals("Echo: What is 2+2?", j.at("/content/0/text").asText());
    assertEquals("end_turn", j.get("stop_reason").asText());
    assertEquals(TokenCounter.count("Echo: What is 2+2?"), j.at("/usage/output_tokens").asLong());
    assertEquals(
        j.at("/usage/input_tokens").asText(), r.header("x-amzn-bedrock-input-token-count"));
    assertEquals(
        j.at("/usage/output_tokens").asText(), r.header("x-amzn-bedrock-output-token-count"));
    assertTrue(r.header("x-amzn-RequestId") != null);
  }

  @Test
  public void bodyRulesAreBedrocksAndTheRestAnthropics() throws Exception {
    assertEquals(
        "Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.",
        error(
            invoke("{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            400,
            "ValidationException"));
    assertThat(
        error(
            invoke(body("x").replace("bedrock-2023-05-31", "2023-06-01")),
            400,
            "ValidationException"),
        containsString("#/anthropic_version: 2023-06-01 is not a valid enum value"));
    assertThat(
        error(
            invoke(
                body("x")
                    .replace(
                        "{\"anthropic_version\"", "{\"model\":\"claude\",\"anthropic_version\"")),
            400,
            "ValidationException"),
        containsString("extraneous key [model] is not permitted"));
    assertThat(
        error(
            invoke(
                body("x")
                    .replace("{\"anthropic_version\"", "{\"stream\":true,\"anthropic_version\"")),
            400,
            "ValidationException"),
        containsString("extraneous key [stream] is not permitted"));
    assertEquals(
        "max_tokens: Field required",
        error(
            invoke(
                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            400,
            "ValidationException"));
  }

  @Test
  public void toolRoundTripWithThinking() throws Exception {
    String tools =
        "[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
    String head =
        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":2048,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
            + "\"tools\":"
            + tools
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}";
    JsonNode content = invoke(head + "]}").json().get("content");
    assertEquals("thinking", content.at("/0/type").asText());
    assertFalse(content.at("/0/signature").asText().isEmpty());
    assertEquals("tool_use", content.at("/1/type").asText());
    String id = content.at("/1/id").asText();
    Http.Reply done =
        invoke(
            head
                + ",{\"role\":\"assistant\",\"content\":"
                + Json.write(content)
                + "},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
                + id
                + "\",\"content\":[{\"type\":\"text\",\"text\":\"4 C\"}]}]}]}");
    assertEquals(done.body(), "end_turn", done.json().get("stop_reason").asText());
    assertEquals("Tool results: 4 C", done.json().at("/content/1/text").asText());
  }

  @Test
  public void thinkingOverAToolTurnWithoutItsThinkingBlockIsAValidationException()
      throws Exception {
    String body =
        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":2048,"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\","
            + "\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"4 C\"}]}]}";
    assertThat(
        error(invoke(body), 400, "ValidationException"),
        startsWith(
            "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found"
                + " `tool_use`. When `thinking` is enabled, a final `assistant` message must start"
                + " with a thinking block"));
  }

  @Test
  public void imagesByUrlAreAValidationException() throws Exception {
    String image =
        "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}}";
    String body =
        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"text\",\"text\":\"What is this?\"},"
            + image
            + "]}]}";
    assertEquals(
        "messages.0.content.1.image.source.base64.data: URL sources are not supported",
        error(invoke(body), 400, "ValidationException"));
    String inToolResult =
        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":256,\"messages\":["
            + "{\"role\":\"user\",\"content\":\"Look\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"cam\",\"input\":{}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":["
            + image
            + "]}]}]}";
    assertEquals(
        "messages.2.content.0.content.0.image.source.base64.data: URL sources are not supported",
        error(invoke(inToolResult), 400, "ValidationException"));
  }

  @Test
  public void cacheControlIsHonouredAsOnAnthropic() throws Exception {
    String system = "Policy text." + " stone".repeat(1200);
    long size = TokenCounter.count(system);
    String body =
        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":50,\"system\":[{\"type\":\"text\",\"text\":\""
            + system
            + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      JsonNode first = invoke(fake, body).json().get("usage");
      assertEquals(size, first.get("cache_creation_input_tokens").asLong());
      assertEquals(size, first.at("/cache_creation/ephemeral_5m_input_tokens").asLong());
      assertEquals(0, first.at("/cache_creation/ephemeral_1h_input_tokens").asLong());
      JsonNode second = invoke(fake, body).json().get("usage");
      assertEquals(size, second.get("cache_read_input_tokens").asLong());
      assertEquals(0, second.get("cache_creation_input_tokens").asLong());
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String hour =
          body.replace("{\"type\":\"ephemeral\"}", "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
      JsonNode usage = invoke(fake, hour).json().get("usage");
      assertEquals(size, usage.at("/cache_creation/ephemeral_1h_input_tokens").asLong());
      assertEquals(0, usage.at("/cache_creation/ephemeral_5m_input_tokens").asLong());
    }
  }

  @Test
  public void wellFormedSigV4AndBearerKeysAreAccepted() throws Exception {
    assertEquals(
        200,
        withAuth(SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)))
            .status());
    assertEquals(
        "a Bedrock API key as a bearer token",
        200,
        withAuth("authorization", "Bearer " + SigV4Headers.ACCESS_KEY).status());
  }

  @Test
  public void missingCredentialsAreMissingAuthenticationToken() throws Exception {
    assertEquals(
        "Missing Authentication Token",
        error(withAuth(), 403, "MissingAuthenticationTokenException"));
  }

  @Test
  public void malformedSigV4IsRefusedWithAwssMessages() throws Exception {
    String date = SigV4Headers.DATE.substring(0, 8);
    String good = SigV4Headers.ACCESS_KEY + "/" + date + "/us-east-1/bedrock/aws4_request";
    String hosts = "content-type;host;x-amz-date";
    String noSignature = "AWS4-HMAC-SHA256 Credential=" + good + ", SignedHeaders=" + hosts;
    assertEquals(
        "Authorization header requires 'Signature' parameter.",
        error(withAuth(SigV4Headers.signed(noSignature)), 403, "IncompleteSignatureException"));
    assertThat(
        error(
            withAuth("authorization", SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)),
            403,
            "IncompleteSignatureException"),
        containsString("requires existence of either a 'X-Amz-Date' or a 'Date' header"));
    assertThat(
        error(withAuth("authorization", "Basic dXNlcjpwYXNz"), 403, "IncompleteSignatureException"),
        containsString("Authorization header requires 'Credential' parameter."));
    assertEquals(
        "Credential should be scoped to correct service: 'bedrock'.",
        error(
            withAuth(
                SigV4Headers.signed(
                    SigV4Headers.authorization(
                        good.replace("/bedrock/", "/s3/"), hosts, SigV4Headers.SIGNATURE))),
            403,
            "IncompleteSignatureException"));
    assertThat(
        error(
            withAuth(
                SigV4Headers.signed(
                    SigV4Headers.authorization(
                        good.replace(date, "19990101"), hosts, SigV4Headers.SIGNATURE))),
            403,
            "IncompleteSignatureException"),
        startsWith("Date in Credential scope does not match"));
    assertThat(
        error(
            withAuth(
                SigV4Headers.signed(
                    SigV4Headers.authorization(
                        good.replace("aws4_request", "aws4"), hosts, SigV4Headers.SIGNATURE))),
            403,
            "IncompleteSignatureException"),
        containsString("valid terminator"));
    assertEquals(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        error(
            withAuth(
                SigV4Headers.signed(
                    SigV4Headers.authorization(
                        good, "content-type;x-amz-date", SigV4Headers.SIGNATURE))),
            403,
            "IncompleteSignatureException"));
    assertThat(
        error(
            withAuth(
                SigV4Headers.signed(
                    SigV4Headers.authorization(good, "Host;X-Amz-Date", SigV4Headers.SIGNATURE))),
            403,
            "IncompleteSignatureException"),
        containsString("lowercase"));
    assertThat(
        error(
            withAuth(SigV4Headers.signed(SigV4Headers.authorization(good, hosts, "abc123"))),
            403,
            "InvalidSignatureException"),
        startsWith("The request signature we calculated does not match"));
    Http.Reply noEquals =
        withAuth(
            SigV4Headers.signed(
                "AWS4-HMAC-SHA256 Credential " + good + ", SignedHeaders=" + hosts));
    String noEqualsMessage = error(noEquals, 403, "IncompleteSignatureException");
    assertThat(noEqualsMessage, containsString("missing equal-sign"));
    assertFalse("the header is not echoed", noEqualsMessage.contains(SigV4Headers.ACCESS_KEY));
    Http.Reply badDate =
        withAuth(
            "authorization",
            SigV4Headers.authorization(SigV4Headers.ACCESS_KEY),
            "x-amz-date",
            "2025-01-01T00:00:00Z");
    assertThat(
        error(badDate, 403, "IncompleteSignatureException"),
        containsString("ISO-8601 'basic format'"));
  }

  @Test
  public void anUnknownKeyIsUnrecognizedAndNeverEchoed() throws Exception {
    Http.Reply sigV4 =
        withAuth(SigV4Headers.signed(SigV4Headers.authorization("AKIAOTHERKEY0000")));
    assertEquals(
        "The security token included in the request is invalid.",
        error(sigV4, 403, "UnrecognizedClientException"));
    Http.Reply bearer = withAuth("authorization", "Bearer ABSKsecretkey");
    error(bearer, 403, "UnrecognizedClientException");
    assertFalse(bearer.body().contains("ABSKsecretkey"));
  }

  @Test
  public void throttlingFaultsUnknownModelsAndContextUseBedrocksTypes() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .requestsPerMinute(1)
            .models(Set.of(MODEL))
            .contextWindow(100)
            .faults(
                FaultPlan.none()
                    .withScript(MODEL, Fault.NONE, Fault.OVERLOADED, Fault.SERVER_ERROR))
            .start()) {
      String small = body("hi").replace("256", "10");
      assertEquals(200, invoke(fake, small).status());
      assertEquals(
          "Too many requests, please wait before trying again.",
          error(invoke(fake, small), 429, "ThrottlingException"));
    }
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .models(Set.of(MODEL))
            .contextWindow(100)
            .faults(FaultPlan.none().withScript(MODEL, Fault.OVERLOADED, Fault.SERVER_ERROR))
            .start()) {
      String small = body("hi").replace("256", "10");
      error(invoke(fake, small), 503, "ServiceUnavailableException");
      error(invoke(fake, small), 500, "InternalServerException");
      assertEquals(
          "Input is too long for requested model.",
          error(invoke(fake, body("hi")), 400, "ValidationException"));
      Http.Reply unknown =
          Http.post(
              fake.baseUrl() + "/model/anthropic.claude-nope/invoke",
              small,
              SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)));
      error(unknown, 404, "ResourceNotFoundException");
    }
  }
}

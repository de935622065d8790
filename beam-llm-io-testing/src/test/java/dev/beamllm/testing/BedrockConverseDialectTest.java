package dev.beamllm.testing;

import static dev.beamllm.testing.BedrockInvokeDialectTest.error;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Bedrock Converse: request validation, the Converse answer, tools, reasoning, cache points, auth
 * and errors.
 */
public class BedrockConverseDialectTest {
  private static final String TOOL_CONFIG =
      "{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\",\"description\":\"Weather\","
          + "\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}}]}";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(SigV4Headers.ACCESS_KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static String url(FakeProviderServer fake) {
    return fake.baseUrl() + "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse";
  }

  private static Http.Reply converse(FakeProviderServer fake, String body) throws Exception {
    return Http.post(
        url(fake), body, SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)));
  }

  private static Http.Reply converse(String body) throws Exception {
    return converse(server, body);
  }

  private static String userText(String text) {
    return "{\"role\":\"user\",\"content\":[{\"text\":\"" + text + "\"}]}";
  }

  @Test
  public void answersInConversesShapeWithUsageAndMetrics() throws Exception {
    Http.Reply r =
        converse(
            "{\"system\":[{\"text\":\"Be terse.\"}],\"messages\":["
                + userText("What is 2+2?")
                + "],"
                + "\"inferenceConfig\":{\"maxTokens\":100,\"temperature\":0.2,\"topP\":0.9,\"stopSequences\":[\"END\"]}}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("assistant", j.at("/output/message/role").asText());
    assertEquals("Echo: What is 2+2?", j.at("/output/message/content/0/text").asText());
    assertEquals("end_turn", j.get("stopReason").asText());
    long input =
        TokenCounter.estimate(
            Conversation.of(Message.system("Be terse."), Message.user("What is 2+2?")),
            TokenCounter.ImageRule.ANTHROPIC);
    JsonNode usage = j.get("usage");
    assertEquals(input, usage.get("inputTokens").asLong());
    assertEquals(TokenCounter.count("Echo: What is 2+2?"), usage.get("outputTokens").asLong());
    assertEquals(
        usage.get("inputTokens").asLong() + usage.get("outputTokens").asLong(),
        usage.get("totalTokens").asLong());
    assertEquals(0, usage.get("cacheReadInputTokens").asLong());
    assertEquals(0, usage.get("cacheWriteInputTokens").asLong());
    assertTrue(j.at("/metrics/latencyMs").isIntegralNumber());
    assertTrue(r.header("x-amzn-RequestId") != null);
  }

  @Test
  public void imagesAndDocumentsAreReadFromBase64Bytes() throws Exception {
    String png =
        Base64.getEncoder()
            .encodeToString(Files.readAllBytes(TestData.file("images/red-square.png")));
    String pdf =
        Base64.getEncoder().encodeToString(Files.readAllBytes(TestData.file("docs/sample.pdf")));
    String content =
        "[{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\""
            + png
            + "\"}}},"
            + "{\"document\":{\"format\":\"pdf\",\"name\":\"sample\",\"source\":{\"bytes\":\""
            + pdf
            + "\"}}},{\"text\":\"Describe\"}]";
    Http.Reply r = converse("{\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: Describe", r.json().at("/output/message/content/0/text").asText());
    assertThat(
        "the PDF page is counted",
        r.json().at("/usage/inputTokens").asLong(),
        greaterThan((long) TokenCounter.ImageRule.ANTHROPIC.pageTokens()));
    Http.Reply bmp =
        converse(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"image\":{\"format\":\"bmp\",\"source\":{\"bytes\":\""
                + png
                + "\"}}}]}]}");
    assertThat(error(bmp, 400, "ValidationException"), containsString("png, jpeg, gif or webp"));
  }

  @Test
  public void toolUseThenToolResultEndsTheLoop() throws Exception {
    String question = userText("Use get_weather for Oslo");
    JsonNode call =
        converse("{\"toolConfig\":" + TOOL_CONFIG + ",\"messages\":[" + question + "]}").json();
    assertEquals("tool_use", call.get("stopReason").asText());
    JsonNode use = call.at("/output/message/content/0/toolUse");
    assertThat(use.get("toolUseId").asText(), startsWith("tooluse_"));
    assertEquals("get_weather", use.get("name").asText());
    assertTrue(use.at("/input/city").isTextual());

    String result =
        "{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\""
            + use.get("toolUseId").asText()
            + "\",\"content\":[{\"text\":\"4 C\"},{\"json\":{\"wind\":3}}]}}]}";
    Http.Reply done =
        converse(
            "{\"toolConfig\":"
                + TOOL_CONFIG
                + ",\"messages\":["
                + question
                + ","
                + "{\"role\":\"assistant\",\"content\":"
                + Json.write(call.at("/output/message/content"))
                + "},"
                + result
                + "]}");
    assertEquals(done.body(), "end_turn", done.json().get("stopReason").asText());
    assertEquals(
        "Tool results: 4 C\n{\"wind\":3}",
        done.json().at("/output/message/content/0/text").asText());
  }

  @Test
  public void thinkingOverAToolTurnMustOpenWithReasoningContent() throws Exception {
    String thinking =
        ",\"inferenceConfig\":{\"maxTokens\":2048},\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
    String toolUse =
        "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}}";
    String result =
        "{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"tooluse_1\",\"content\":[{\"text\":\"4 C\"}]}}]}";
    String head =
        "{\"toolConfig\":" + TOOL_CONFIG + ",\"messages\":[" + userText("Use get_weather for Oslo");

    Http.Reply bare =
        converse(
            head
                + ",{\"role\":\"assistant\",\"content\":["
                + toolUse
                + "]},"
                + result
                + "]"
                + thinking
                + "}");
    assertThat(
        error(bare, 400, "ValidationException"),
        startsWith(
            "The model returned the following errors: messages.1.content.0.type: Expected"
                + " `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is"
                + " enabled, a final `assistant` message must start with a thinking block"));

    Http.Reply redacted =
        converse(
            head
                + ",{\"role\":\"assistant\",\"content\":[{\"reasoningContent\":{\"redactedContent\":\"EmwKAhgB\"}},"
                + toolUse
                + "]},"
                + result
                + "]"
                + thinking
                + "}");
    assertEquals("redacted reasoning opens the turn", 200, redacted.status());
  }

  @Test
  public void claudeThinkingComesBackAsSignedReasoningContent() throws Exception {
    String thinking =
        ",\"inferenceConfig\":{\"maxTokens\":2048},\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
    JsonNode content =
        converse("{\"messages\":[" + userText("Think about this") + "]" + thinking + "}")
            .json()
            .at("/output/message/content");
    JsonNode reasoning = content.at("/0/reasoningContent/reasoningText");
    assertThat(reasoning.get("text").asText(), containsString("Think about this"));
    assertFalse(reasoning.get("signature").asText().isEmpty());
    assertEquals("Echo: Think about this", content.at("/1/text").asText());

    Http.Reply again =
        converse(
            "{\"messages\":["
                + userText("Think about this")
                + ",{\"role\":\"assistant\",\"content\":"
                + Json.write(content)
                + "},"
                + userText("And now?")
                + "]"
                + thinking
                + "}");
    assertEquals("reasoning goes back in the assistant turn", 200, again.status());

    Http.Reply small =
        converse("{\"messages\":[" + userText("x") + "]" + thinking.replace("1024", "100") + "}");
    assertEquals(
        "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        error(small, 400, "ValidationException"));
  }

  @Test
  public void aCachePointAfterTheSystemPromptWritesThenReads() throws Exception {
    String system = "Reference manual." + " maple".repeat(1100);
    long size = TokenCounter.count(system);
    String body =
        "{\"system\":[{\"text\":\""
            + system
            + "\"},{\"cachePoint\":{\"type\":\"default\"}}],\"messages\":["
            + userText("%s")
            + "]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      JsonNode first = converse(fake, String.format(body, "one")).json().get("usage");
      assertEquals(size, first.get("cacheWriteInputTokens").asLong());
      assertEquals(0, first.get("cacheReadInputTokens").asLong());
      JsonNode second = converse(fake, String.format(body, "two")).json().get("usage");
      assertEquals(0, second.get("cacheWriteInputTokens").asLong());
      assertEquals(size, second.get("cacheReadInputTokens").asLong());
      long all =
          TokenCounter.estimate(
              Conversation.of(Message.system(system), Message.user("two")),
              TokenCounter.ImageRule.ANTHROPIC);
      assertEquals(
          "inputTokens excludes the cached prefix", all - size, second.get("inputTokens").asLong());
      assertEquals(all + second.get("outputTokens").asLong(), second.get("totalTokens").asLong());
    }
  }

  @Test
  public void validationErrorsUseBedrocksMessages() throws Exception {
    assertEquals(
        "1 validation error detected: Value 'null' at 'messages' failed to satisfy constraint: Member must not be null",
        error(converse("{}"), 400, "ValidationException"));
    assertThat(
        error(
            converse("{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}]}"),
            400,
            "ValidationException"),
        startsWith("A conversation must start with a user message."));
    assertThat(
        error(
            converse("{\"messages\":[" + userText("a") + "," + userText("b") + "]}"),
            400,
            "ValidationException"),
        startsWith("A conversation must alternate between user and assistant roles."));
    assertEquals(
        "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
        error(converse("{\"messages\":[" + userText(" ") + "]}"), 400, "ValidationException"));
    assertThat(
        error(
            converse("{\"messages\":[{\"role\":\"wizard\",\"content\":[{\"text\":\"x\"}]}]}"),
            400,
            "ValidationException"),
        containsString(
            "at 'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"));
    assertEquals(
        "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: "
            + "Member must have value greater than or equal to 1",
        error(
            converse(
                "{\"messages\":[" + userText("x") + "],\"inferenceConfig\":{\"maxTokens\":0}}"),
            400,
            "ValidationException"));
    assertThat(
        error(
            converse(
                "{\"messages\":[" + userText("x") + "],\"inferenceConfig\":{\"temperature\":1.5}}"),
            400,
            "ValidationException"),
        containsString(
            "'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1"));
    assertThat(
        error(
            converse(
                "{\"messages\":["
                    + userText("x")
                    + "],\"toolConfig\":"
                    + TOOL_CONFIG.replace("get_weather", "get weather")
                    + "}"),
            400,
            "ValidationException"),
        containsString(
            "at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint"));
    assertThat(
        error(
            converse(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\",\"image\":{}}]}]}"),
            400,
            "ValidationException"),
        containsString("must set exactly one"));
  }

  @Test
  public void credentialsAreCheckedLikeInvoke() throws Exception {
    assertEquals(
        "Missing Authentication Token",
        error(
            Http.post(url(server), "{\"messages\":[" + userText("x") + "]}"),
            403,
            "MissingAuthenticationTokenException"));
    Http.Reply malformed =
        Http.post(
            url(server),
            "{\"messages\":[" + userText("x") + "]}",
            SigV4Headers.signed(
                "AWS4-HMAC-SHA256 Credential="
                    + SigV4Headers.ACCESS_KEY
                    + "/20250101/us-east-1/bedrock/aws4_request"));
    assertThat(
        error(malformed, 403, "IncompleteSignatureException"),
        containsString("requires 'Signature' parameter"));
    Http.Reply bearer =
        Http.post(
            url(server),
            "{\"messages\":[" + userText("x") + "]}",
            "authorization",
            "Bearer " + SigV4Headers.ACCESS_KEY);
    assertEquals(200, bearer.status());
    Http.Reply wrong =
        Http.post(
            url(server), "{\"messages\":[" + userText("x") + "]}", "authorization", "Bearer other");
    error(wrong, 403, "UnrecognizedClientException");
  }

  @Test
  public void throttlingIsA429ThrottlingException() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().requestsPerMinute(1).start()) {
      String body = "{\"messages\":[" + userText("x") + "],\"inferenceConfig\":{\"maxTokens\":10}}";
      assertEquals(200, converse(fake, body).status());
      assertEquals(
          "Too many requests, please wait before trying again.",
          error(converse(fake, body), 429, "ThrottlingException"));
    }
  }
}

package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Everything the library's own wire formats render for the golden conversations is accepted by the
 * fake provider of that format: the two sides were written from the same references, and this keeps
 * them from drifting apart.
 */
public class GoldenRequestsAcceptedTest {
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static void assertAllAccepted(
      String format, String path, String[] headers, Consumer<ObjectNode> complete)
      throws Exception {
    assertAllAccepted(format, path, headers, complete, List.of());
  }

  /**
   * @param refusedAsExpected the golden requests this API refuses, and the client never sends it
   */
  private static void assertAllAccepted(
      String format,
      String path,
      String[] headers,
      Consumer<ObjectNode> complete,
      List<String> refusedAsExpected)
      throws Exception {
    Map<String, ObjectNode> golden = GoldenRequests.of(format);
    assertTrue(format + " has golden requests", golden.size() >= 10);
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : golden.entrySet()) {
      ObjectNode body = e.getValue().deepCopy();
      complete.accept(body);
      Http.Reply r = Http.post(server.baseUrl() + path, Json.write(body), headers);
      if (r.status() != 200) {
        refused.add(
            refusedAsExpected.contains(e.getKey())
                ? e.getKey()
                : e.getKey() + ": " + r.status() + " " + r.body());
      }
    }
    assertEquals(format + " refusals", refusedAsExpected, refused);
  }

  @Test
  public void openAiChat() throws Exception {
    assertAllAccepted(
        "openai-chat",
        "/v1/chat/completions",
        new String[] {"authorization", "Bearer k"},
        b -> b.put("model", "gpt-4.1-mini").put("max_completion_tokens", 100));
  }

  @Test
  public void anthropic() throws Exception {
    assertAllAccepted(
        "anthropic",
        "/v1/messages",
        new String[] {"x-api-key", "k", "anthropic-version", "2023-06-01"},
        b -> b.put("model", "claude-3-5-haiku-20241022").put("max_tokens", 100));
  }

  @Test
  public void bedrockInvokeTakesTheAnthropicBody() throws Exception {
    assertAllAccepted(
        "anthropic",
        "/model/anthropic.claude-3-5-haiku-20241022-v1:0/invoke",
        new String[] {"authorization", "Bearer k"},
        b -> b.put("anthropic_version", "bedrock-2023-05-31").put("max_tokens", 100),
        // Bedrock takes images as base64 only; the client fetches URL images and sends bytes.
        List.of("05-image-url"));
  }

  @Test
  public void gemini() throws Exception {
    assertAllAccepted(
        "gemini",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        new String[] {"x-goog-api-key", "k"},
        b -> b.putObject("generationConfig").put("maxOutputTokens", 100));
  }

  @Test
  public void geminiThreeTakesEveryFunctionCallSigned() throws Exception {
    // Gemini 3 refuses an unsigned first call of a step: foreign calls carry the dummy signature.
    assertAllAccepted(
        "gemini",
        "/v1beta/models/gemini-3-flash-preview:generateContent",
        new String[] {"x-goog-api-key", "k"},
        b -> b.putObject("generationConfig").put("maxOutputTokens", 100));
  }

  @Test
  public void cohere() throws Exception {
    assertAllAccepted(
        "cohere",
        "/v2/chat",
        new String[] {"authorization", "Bearer k"},
        b -> b.put("model", "command-a-03-2025").put("max_tokens", 100));
  }

  @Test
  public void bedrockConverse() throws Exception {
    assertAllAccepted(
        "bedrock-converse",
        "/model/amazon.nova-lite-v1:0/converse",
        new String[] {"authorization", "Bearer k"},
        b -> b.putObject("inferenceConfig").put("maxTokens", 100));
  }
}

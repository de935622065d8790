package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import dev.beamllm.cache.CacheKeys;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The model's computer actions, as OpenAI's Responses API and Gemini answer them, become calls of
 * the {@code computer} tool whose arguments keep the provider's action; the computer settings are
 * part of the cache key.
 */
public class ComputerUseAnswersTest {
  private static final Tool COMPUTER = Tool.computer(ComputerUse.of(640, 480));

  private static ProviderRequest request(String model, List<Tool> tools) {
    return new ProviderRequest(
        ModelRegistry.defaults().lookup(model),
        Conversation.user("Click it."),
        SamplingParams.defaults(),
        tools,
        Credentials.apiKey("k"),
        Map.of(),
        null,
        false);
  }

  @Test
  public void anOpenAiComputerCallIsACallOfTheComputerTool() {
    String body =
        "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":["
            + "{\"type\":\"computer_call\",\"id\":\"cu_1\",\"call_id\":\"call_9\","
            + "\"action\":{\"type\":\"click\",\"button\":\"left\",\"x\":1,\"y\":2},"
            + "\"pending_safety_checks\":[],\"status\":\"completed\"}],"
            + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}";
    ParsedAnswer answer =
        Adapters.forFormat(WireFormat.OPENAI_RESPONSES)
            .parse(
                request("computer-use-preview", List.of(COMPUTER)),
                new HttpAnswer(200, Map.of(), body));
    assertEquals(
        List.of(
            new ToolCall(
                "call_9",
                "computer",
                "{\"action\":{\"button\":\"left\",\"type\":\"click\",\"x\":1,\"y\":2},"
                    + "\"pending_safety_checks\":[]}",
                "cu_1")),
        answer.message().partsOf(ToolCall.class));
    assertEquals("tool_calls", answer.finishReason());
  }

  @Test
  public void aGeminiPredefinedFunctionIsACallOfTheComputerToolWhenItIsOffered() {
    String body =
        "{\"responseId\":\"r1\",\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
            + "{\"functionCall\":{\"name\":\"click_at\",\"args\":{\"x\":1,\"y\":2}}}]},"
            + "\"finishReason\":\"STOP\"}]}";
    ProviderAdapter gemini = Adapters.forFormat(WireFormat.GEMINI);
    ToolCall offered =
        gemini
            .parse(
                request("gemini-2.5-flash", List.of(COMPUTER)), new HttpAnswer(200, Map.of(), body))
            .message()
            .partsOf(ToolCall.class)
            .get(0);
    assertEquals("computer", offered.name());
    assertEquals("{\"args\":{\"x\":1,\"y\":2},\"name\":\"click_at\"}", offered.arguments());
    ToolCall notOffered =
        gemini
            .parse(request("gemini-2.5-flash", List.of()), new HttpAnswer(200, Map.of(), body))
            .message()
            .partsOf(ToolCall.class)
            .get(0);
    assertEquals("click_at", notOffered.name());
    // The caller's own function of that name stays the caller's.
    ToolCall own =
        gemini
            .parse(
                request("gemini-2.5-flash", List.of(COMPUTER, Tool.of("click_at", "Mine.", null))),
                new HttpAnswer(200, Map.of(), body))
            .message()
            .partsOf(ToolCall.class)
            .get(0);
    assertEquals("click_at", own.name());
  }

  @Test
  public void theComputerIsPartOfTheCacheKey() {
    Conversation c = Conversation.user("Click it.");
    SamplingParams p = SamplingParams.defaults();
    String small = CacheKeys.of(c, List.of("m"), p, List.of(COMPUTER));
    assertEquals(
        small, CacheKeys.of(c, List.of("m"), p, List.of(Tool.computer(ComputerUse.of(640, 480)))));
    assertNotEquals(
        small, CacheKeys.of(c, List.of("m"), p, List.of(Tool.computer(ComputerUse.of(1024, 768)))));
    assertNotEquals(
        small,
        CacheKeys.of(
            c,
            List.of("m"),
            p,
            List.of(
                Tool.computer(
                    ComputerUse.of(640, 480)
                        .withAnthropicVersion(ComputerUse.AnthropicVersion.COMPUTER_20241022)))));
  }

  @Test
  public void theVersionFollowsTheModel() {
    ComputerUse c = ComputerUse.of(640, 480);
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20241022,
        c.anthropicVersionFor("claude-3-5-sonnet-20241022"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20250124,
        c.anthropicVersionFor("claude-3-7-sonnet-20250219"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20250124,
        c.anthropicVersionFor("claude-sonnet-4-5-20250929"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20250124,
        c.anthropicVersionFor("us.anthropic.claude-haiku-4-5-20251001-v1:0"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20251124,
        c.anthropicVersionFor("claude-opus-4-5-20251101"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20251124, c.anthropicVersionFor("claude-sonnet-4-6"));
    assertEquals(
        ComputerUse.AnthropicVersion.COMPUTER_20250124,
        c.anthropicVersionFor("claude-opus-4-1-20250805"));
    assertEquals(
        ComputerUse.OpenAiTool.COMPUTER_USE_PREVIEW, c.openAiToolFor("computer-use-preview"));
    assertEquals(ComputerUse.OpenAiTool.COMPUTER, c.openAiToolFor("gpt-5.4"));
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * Claude's refusal of extended thinking over a tool-use turn that does not open with a thinking
 * block, as Anthropic words it (and Bedrock passes it on). A tool-use loop is one assistant turn:
 * from the first assistant message after the last user message without tool results to the end.
 * While the conversation ends with tool results, that first assistant message must start with
 * {@code thinking} or {@code redacted_thinking}. Reference:
 * docs.claude.com/en/docs/build-with-claude/extended-thinking ("Preserving thinking blocks"); the
 * wording is the API's 400 as users report it (e.g. github.com/mastra-ai/mastra/issues/7799).
 */
final class ThinkingTurnRule {
  private ThinkingTurnRule() {}

  /**
   * The index of the message that must open with a thinking block: the first assistant message of
   * the tool-use turn the conversation ends in; -1 when it does not end with tool results.
   *
   * @param messages turns {@code {"role", "content": [blocks]}}
   * @param isToolResult whether a block is a tool result
   */
  static int messageNeedingThinking(JsonNode messages, Predicate<JsonNode> isToolResult) {
    int n = messages == null ? 0 : messages.size();
    if (n == 0 || !toolResultTurn(messages.get(n - 1), isToolResult)) {
      return -1;
    }
    int first = -1;
    for (int i = n - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("assistant".equals(m.path("role").asText())) {
        first = i;
      } else if (!toolResultTurn(m, isToolResult)) {
        break;
      }
    }
    return first;
  }

  /**
   * Anthropic's message for a turn whose first block is of type {@code found}.
   *
   * @param index the message's index in {@code messages}
   */
  static String message(int index, String found) {
    return "messages."
        + index
        + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `"
        + found
        + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking"
        + " block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We"
        + " recommend you include thinking blocks from previous turns. To avoid this requirement,"
        + " disable `thinking`. Please consult our documentation at"
        + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
  }

  private static boolean toolResultTurn(JsonNode m, Predicate<JsonNode> isToolResult) {
    if (!"user".equals(m.path("role").asText())) {
      return false;
    }
    for (JsonNode block : m.path("content")) {
      if (isToolResult.test(block)) {
        return true;
      }
    }
    return false;
  }
}

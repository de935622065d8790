package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ToolResult;
import java.util.List;
import java.util.function.Predicate;

/**
 * Claude's rule for extended thinking inside a tool-use loop. With thinking on, Anthropic answers
 * 400 "Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is
 * enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost
 * set of `tool_use` and `tool_result` blocks)" (docs.claude.com/en/docs/build-with-claude/
 * extended-thinking, "Preserving thinking blocks"); Bedrock passes the same refusal on for Claude.
 *
 * <p>A tool-use loop is one assistant turn: it starts at the first assistant message after the last
 * user message that is not tool results, and Claude thinks at the start of the turn only (later
 * steps of the loop carry no thinking unless interleaved thinking is on). So the rule binds while
 * the loop is open, when the conversation ends with tool results, and asks that the turn's first
 * assistant message open with the thinking block it was answered with. A finished turn's thinking
 * may be left out. When that block cannot be sent back (a conversation from another provider, or
 * built by hand), the adapters turn thinking off for the request and the response carries {@link
 * #WARNING}.
 */
public final class ToolTurnThinking {
  /** What the response says when thinking was turned off by this rule. */
  public static final String WARNING =
      "extended thinking was turned off for this request: the conversation ends inside a tool-use"
          + " turn whose first assistant message has no thinking block from this provider to send"
          + " back, and Claude refuses thinking without it";

  private ToolTurnThinking() {}

  /**
   * Whether Anthropic Messages {@code messages}, as {@link AnthropicFormat} renders them, let
   * thinking be on: true unless they end inside a tool-use turn whose first assistant message does
   * not start with a {@code thinking} or {@code redacted_thinking} block.
   */
  public static boolean allowsThinking(JsonNode messages) {
    return allowsThinking(
        messages,
        block -> {
          String type = block.path("type").asText();
          return type.equals("thinking") || type.equals("redacted_thinking");
        },
        block -> "tool_result".equals(block.path("type").asText()));
  }

  /**
   * The same rule over any rendering of turns {@code {"role": "user"|"assistant", "content":
   * [blocks]}}.
   *
   * @param isThinking whether a block is a thinking block the provider takes back
   * @param isToolResult whether a block is a tool result
   */
  public static boolean allowsThinking(
      JsonNode messages, Predicate<JsonNode> isThinking, Predicate<JsonNode> isToolResult) {
    int n = messages.size();
    if (n == 0 || !isToolResultTurn(messages.get(n - 1), isToolResult)) {
      return true;
    }
    int first = -1;
    for (int i = n - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("assistant".equals(m.path("role").asText())) {
        first = i;
      } else if (!isToolResultTurn(m, isToolResult)) {
        break;
      }
    }
    if (first < 0) {
      return true;
    }
    JsonNode content = messages.get(first).path("content");
    return content.isArray() && !content.isEmpty() && isThinking.test(content.get(0));
  }

  /**
   * Whether the conversation ends with tool results, the only case {@link #allowsThinking} can
   * refuse: a cheap test on the prompt, before rendering it.
   */
  public static boolean endsWithToolResults(Conversation conversation) {
    List<Message> messages = conversation.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() == Role.SYSTEM) {
        continue;
      }
      if (m.role() == Role.ASSISTANT) {
        return false;
      }
      if (m.parts().stream().anyMatch(p -> p instanceof ToolResult)) {
        return true;
      }
    }
    return false;
  }

  /** A user turn holding at least one tool result. */
  private static boolean isToolResultTurn(JsonNode m, Predicate<JsonNode> isToolResult) {
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

package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.PromptCache;
import dev.beamllm.prompt.internal.Json;
import java.util.Set;

/**
 * Anthropic's prompt-cache breakpoints for a {@link PromptCache} pattern, put on a rendered body:
 * {@code cache_control: {"type": "ephemeral"}} (with {@code "ttl": "1h"} for the hour) on the last
 * tool, on the system prompt (turned into a text block to carry it) and on the last block of the
 * chosen user turns, in that order and at most four (docs.anthropic.com, "Prompt caching"). A block
 * that cannot carry a mark (empty text, thinking) is passed over; a prefix shorter than the model's
 * minimum is simply not cached by Anthropic.
 */
final class CacheMarks {

  private static final int MAX_BREAKPOINTS = 4;
  private static final Set<String> UNMARKABLE = Set.of("thinking", "redacted_thinking");

  private CacheMarks() {}

  /**
   * Puts the marks of {@code cache} on {@code body} ({@code tools}, {@code system}, messages).
   *
   * @param agentTurn whether the conversation ends with tool results
   */
  static void apply(ObjectNode body, PromptCache cache, boolean agentTurn) {
    if (!cache.isOn()) {
      return;
    }
    ObjectNode control = Json.object().put("type", "ephemeral");
    if (cache.ttl() == PromptCache.Ttl.ONE_HOUR) {
      control.put("ttl", cache.ttl().wireName());
    }
    int budget = MAX_BREAKPOINTS;
    if (cache.marksTools()) {
      budget -= markLastTool(body, control);
    }
    if (cache.marksSystem()) {
      budget -= markSystem(body, control);
    }
    int turns = cache.userTurnsMarked(agentTurn);
    JsonNode messages = body.path("messages");
    for (int i = messages.size() - 1; i >= 0 && turns > 0 && budget > 0; i--) {
      ObjectNode m = (ObjectNode) messages.get(i);
      if ("user".equals(m.path("role").asText()) && markLastBlock(m, control)) {
        turns--;
        budget--;
      }
    }
  }

  /** Marks the last tool that can carry a mark (not an MCP toolset); 1 if one was marked. */
  private static int markLastTool(ObjectNode body, ObjectNode control) {
    JsonNode tools = body.path("tools");
    for (int i = tools.size() - 1; i >= 0; i--) {
      ObjectNode t = (ObjectNode) tools.get(i);
      if (!"mcp_toolset".equals(t.path("type").asText())) {
        t.set("cache_control", control.deepCopy());
        return 1;
      }
    }
    return 0;
  }

  /** Marks the system prompt, as a text block; 1 if there is one. */
  private static int markSystem(ObjectNode body, ObjectNode control) {
    JsonNode system = body.get("system");
    if (system == null || !system.isTextual() || system.textValue().isEmpty()) {
      return 0;
    }
    ArrayNode blocks = body.putArray("system");
    blocks
        .addObject()
        .put("type", "text")
        .put("text", system.textValue())
        .set("cache_control", control.deepCopy());
    return 1;
  }

  /** Marks a message's last block that can carry a mark; whether one was marked. */
  private static boolean markLastBlock(ObjectNode message, ObjectNode control) {
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      if (content.textValue().isEmpty()) {
        return false;
      }
      ArrayNode blocks = message.putArray("content");
      blocks.addObject().put("type", "text").put("text", content.textValue());
      content = blocks;
    }
    if (content == null || !content.isArray()) {
      return false;
    }
    for (int i = content.size() - 1; i >= 0; i--) {
      ObjectNode block = (ObjectNode) content.get(i);
      String type = block.path("type").asText();
      boolean emptyText = type.equals("text") && block.path("text").asText().isEmpty();
      if (!UNMARKABLE.contains(type) && !emptyText) {
        block.set("cache_control", control.deepCopy());
        return true;
      }
    }
    return false;
  }
}

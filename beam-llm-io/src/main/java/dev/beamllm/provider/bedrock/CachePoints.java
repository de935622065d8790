package dev.beamllm.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.prompt.internal.Json;
import java.util.Locale;

/**
 * Bedrock Converse's prompt-cache checkpoints for a {@link PromptCache} pattern, put on a rendered
 * body: a {@code {"cachePoint": {"type": "default"}}} block ({@code "ttl": "1h"} for the hour)
 * after the tools, after the system prompt and after the content of the chosen user turns, in that
 * order and at most four (AWS's Bedrock user guide, "Prompt caching"; {@code CachePointBlock}).
 * Unlike Anthropic's mark, a checkpoint is a block of its own, closing the prefix before it.
 */
final class CachePoints {
  private static final int MAX_CHECKPOINTS = 4;

  private CachePoints() {}

  /**
   * Adds the checkpoints of {@code cache} to {@code body}, for a model that caches (the registry
   * prices its cache reads): Claude everywhere, with the hour's lifetime; Nova in the system prompt
   * and messages only, for five minutes (AWS's supported-models table); none for the others.
   *
   * @param agentTurn whether the conversation ends with tool results
   */
  static void apply(ObjectNode body, PromptCache cache, ModelSpec model, boolean agentTurn) {
    if (!cache.isOn() || model.prices().cachedInput() == null) {
      return;
    }
    boolean claude = model.apiName().toLowerCase(Locale.ROOT).contains("claude");
    ObjectNode point = Json.object();
    ObjectNode c = point.putObject("cachePoint").put("type", "default");
    if (cache.ttl() == PromptCache.Ttl.ONE_HOUR && claude) {
      c.put("ttl", cache.ttl().wireName());
    }
    int budget = MAX_CHECKPOINTS;
    if (claude && cache.marksTools()) {
      budget -= after(body.path("toolConfig").get("tools"), point);
    }
    if (cache.marksSystem()) {
      budget -= after(body.get("system"), point);
    }
    int turns = cache.userTurnsMarked(agentTurn);
    JsonNode messages = body.path("messages");
    for (int i = messages.size() - 1; i >= 0 && turns > 0 && budget > 0; i--) {
      JsonNode m = messages.get(i);
      if ("user".equals(m.path("role").asText()) && after(m.get("content"), point) == 1) {
        turns--;
        budget--;
      }
    }
  }

  /** Appends a checkpoint to a non-empty list of blocks; 1 if it did. */
  private static int after(JsonNode blocks, ObjectNode point) {
    if (blocks == null || !blocks.isArray() || blocks.isEmpty()) {
      return 0;
    }
    ((ArrayNode) blocks).add(point.deepCopy());
    return 1;
  }
}

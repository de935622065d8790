package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompt prefix a Converse request marks for caching with {@code {"cachePoint": {"type":
 * "default"}}} blocks: everything before the last cache point, in the order tools, system,
 * messages. Unlike Anthropic's {@code cache_control}, a cache point is a block of its own that ends
 * the prefix before it. Text counts as itself, tool specs as canonical JSON, and media by a digest
 * so different images never share a cache entry. Reference:
 * docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html.
 */
final class ConverseCachePrefix {
  private ConverseCachePrefix() {}

  /**
   * The cached prefix of a validated body, or null when there is no cache point after some content.
   */
  static String of(JsonNode body) {
    List<String> pieces = new ArrayList<>();
    int end = 0;
    for (JsonNode tool : body.path("toolConfig").path("tools")) {
      if (tool.has("cachePoint")) {
        end = pieces.size();
      } else {
        pieces.add(Json.canonical(tool));
      }
    }
    for (JsonNode block : body.path("system")) {
      if (block.has("cachePoint")) {
        end = pieces.size();
      } else if (block.has("text")) {
        pieces.add(block.get("text").asText());
      }
    }
    for (JsonNode message : body.path("messages")) {
      for (JsonNode block : message.path("content")) {
        if (block.has("cachePoint")) {
          end = pieces.size();
        } else {
          pieces.add(blockText(block));
        }
      }
    }
    return end == 0 ? null : String.join("\n", pieces.subList(0, end));
  }

  private static String blockText(JsonNode block) {
    if (block.has("text")) {
      return block.get("text").asText();
    }
    if (block.has("toolUse")) {
      JsonNode use = block.get("toolUse");
      return use.path("name").asText() + " " + Json.canonical(use.path("input"));
    }
    if (block.has("reasoningContent")) {
      return block.get("reasoningContent").path("reasoningText").path("text").asText();
    }
    String canonical = Json.canonical(block);
    return "["
        + block.fieldNames().next()
        + " "
        + Digests.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8))
        + "]";
  }
}

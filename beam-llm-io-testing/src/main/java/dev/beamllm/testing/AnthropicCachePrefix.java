package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The prompt prefix an Anthropic request marks for caching. Anthropic caches in the order tools,
 * system, messages, up to and including the last block carrying {@code cache_control} (at most four
 * such breakpoints). The prefix is rendered as text so the server can count and key it: tools as
 * canonical JSON, text as itself, tool calls and results by their text, and media by a digest of
 * their block, so that different images never share a cache entry.
 */
final class AnthropicCachePrefix {
  private static final int MAX_BREAKPOINTS = 4;
  private static final Set<String> TTLS = Set.of("5m", "1h");

  private AnthropicCachePrefix() {}

  /**
   * The cached prefix of a validated body, or null when no block carries {@code cache_control}.
   *
   * @throws ProviderError for a malformed {@code cache_control} or more than four breakpoints
   */
  static String of(JsonNode body) {
    List<String> pieces = new ArrayList<>();
    int last = -1;
    int breakpoints = 0;
    for (JsonNode tool : body.path("tools")) {
      pieces.add(Json.canonical(withoutCacheControl(tool)));
      if (marked(tool, "tools")) {
        breakpoints++;
        last = pieces.size() - 1;
      }
    }
    JsonNode system = body.get("system");
    if (system != null && system.isTextual()) {
      pieces.add(system.textValue());
    } else if (system != null && system.isArray()) {
      for (JsonNode block : system) {
        pieces.add(block.path("text").asText());
        if (marked(block, "system")) {
          breakpoints++;
          last = pieces.size() - 1;
        }
      }
    }
    for (JsonNode message : body.path("messages")) {
      JsonNode content = message.path("content");
      if (content.isTextual()) {
        pieces.add(content.textValue());
        continue;
      }
      for (JsonNode block : content) {
        pieces.add(blockText(block));
        if (marked(block, "messages")) {
          breakpoints++;
          last = pieces.size() - 1;
        }
      }
    }
    if (breakpoints > MAX_BREAKPOINTS) {
      throw ProviderError.badRequest(
          "A maximum of "
              + MAX_BREAKPOINTS
              + " blocks with cache_control may be provided. Found "
              + breakpoints
              + ".",
          null);
    }
    return last < 0 ? null : String.join("\n", pieces.subList(0, last + 1));
  }

  /** Whether a block carries {@code cache_control}, after checking its form. */
  private static boolean marked(JsonNode block, String field) {
    JsonNode cc = block.get("cache_control");
    if (cc == null || cc.isNull()) {
      return false;
    }
    if (!"ephemeral".equals(cc.path("type").asText())) {
      throw ProviderError.badRequest(
          field + ".cache_control.type: Input should be 'ephemeral'", field);
    }
    if (cc.has("ttl") && !TTLS.contains(cc.get("ttl").asText())) {
      throw ProviderError.badRequest(
          field + ".cache_control.ttl: Input should be '5m' or '1h'", field);
    }
    return true;
  }

  private static String blockText(JsonNode block) {
    switch (block.path("type").asText()) {
      case "text":
        return block.path("text").asText();
      case "thinking":
        return block.path("thinking").asText();
      case "tool_use":
        return block.path("name").asText() + " " + Json.canonical(block.path("input"));
      case "tool_result":
        {
          JsonNode content = block.path("content");
          if (content.isTextual()) {
            return content.textValue();
          }
          List<String> texts = new ArrayList<>();
          for (JsonNode c : content) {
            texts.add("text".equals(c.path("type").asText()) ? c.path("text").asText() : digest(c));
          }
          return String.join("\n", texts);
        }
      default:
        return digest(block);
    }
  }

  /** A short stand-in for a media block: its type and the SHA-256 of its content. */
  private static String digest(JsonNode block) {
    String canonical = Json.canonical(withoutCacheControl(block));
    return "["
        + block.path("type").asText()
        + " "
        + Digests.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8))
        + "]";
  }

  private static JsonNode withoutCacheControl(JsonNode node) {
    if (!node.isObject() || !node.has("cache_control")) {
      return node;
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("cache_control");
    return copy;
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The prompt-cache plan ({@link CachePlan}) of a Converse request, which marks breakpoints with
 * {@code {"cachePoint": {"type": "default", "ttl": "5m" | "1h"}}} blocks in {@code
 * toolConfig.tools}, {@code system} and message content, in that order. Unlike Anthropic's {@code
 * cache_control}, a cache point is a block of its own that ends the prefix before it, and is not
 * part of the prompt. Text counts as itself, tool specs as canonical JSON, and media by a digest so
 * different images never share a cache entry. Claude's rules apply, in Anthropic's words wrapped as
 * Bedrock passes them on: at most four cache points, no hour-long one after a five-minute one.
 * Reference: docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html.
 */
final class ConverseCachePlan {
  private static final int MAX_CACHE_POINTS = 4;
  private static final Set<String> TTLS = Set.of(CachePlan.FIVE_MINUTES, CachePlan.ONE_HOUR);

  private ConverseCachePlan() {}

  /**
   * The cache plan of a validated body, or null when there is no cache point after some content.
   *
   * @throws ProviderError for a malformed cache point, one after a reasoning block, more than four,
   *     or an hour-long one after a five-minute one
   */
  static CachePlan of(JsonNode body) {
    List<String> pieces = new ArrayList<>();
    List<CachePlan.Breakpoint> points = new ArrayList<>();
    JsonNode tools = body.path("toolConfig").path("tools");
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      if (tool.has("cachePoint")) {
        point(tool, "toolConfig.tools." + (i + 1) + ".member", pieces, points);
      } else {
        pieces.add(Json.canonical(tool));
      }
    }
    JsonNode system = body.path("system");
    for (int i = 0; i < system.size(); i++) {
      JsonNode block = system.get(i);
      if (block.has("cachePoint")) {
        point(block, "system." + (i + 1) + ".member", pieces, points);
      } else if (block.has("text")) {
        pieces.add(block.get("text").asText());
      }
    }
    JsonNode messages = body.path("messages");
    for (int m = 0; m < messages.size(); m++) {
      JsonNode content = messages.get(m).path("content");
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        if (block.has("cachePoint")) {
          if (j > 0 && content.get(j - 1).has("reasoningContent")) {
            throw ProviderError.badRequest(
                "Cache point cannot be inserted after reasoning block. "
                    + "Please remove the invalid cache point and try again.",
                "messages");
          }
          point(
              block,
              "messages." + (m + 1) + ".member.content." + (j + 1) + ".member",
              pieces,
              points);
        } else {
          pieces.add(blockText(block));
        }
      }
    }
    if (points.size() > MAX_CACHE_POINTS) {
      throw modelError(
          "A maximum of "
              + MAX_CACHE_POINTS
              + " blocks with cache_control may be provided. Found "
              + points.size()
              + ".");
    }
    boolean shortSeen = false;
    for (CachePlan.Breakpoint p : points) {
      if (p.ttl().equals(CachePlan.FIVE_MINUTES)) {
        shortSeen = true;
      } else if (shortSeen) {
        throw modelError(AnthropicCachePlan.TTL_ORDER);
      }
    }
    // A cache point before any content caches nothing.
    points.removeIf(p -> p.index() < 0);
    return CachePlan.of(pieces, points);
  }

  /** Records a cache point ending the prefix of the pieces so far, after checking its form. */
  private static void point(
      JsonNode block, String at, List<String> pieces, List<CachePlan.Breakpoint> points) {
    JsonNode cp = block.get("cachePoint");
    String type = cp.path("type").asText("");
    if (!type.equals("default")) {
      throw BedrockConverseDialect.constraint(
          type, at + ".cachePoint.type", "Member must satisfy enum value set: [default]");
    }
    String ttl = CachePlan.FIVE_MINUTES;
    if (cp.hasNonNull("ttl")) {
      ttl = cp.get("ttl").asText();
      if (!TTLS.contains(ttl)) {
        throw BedrockConverseDialect.constraint(
            ttl, at + ".cachePoint.ttl", "Member must satisfy enum value set: [5m, 1h]");
      }
    }
    points.add(new CachePlan.Breakpoint(pieces.size() - 1, ttl));
  }

  private static ProviderError modelError(String message) {
    return ProviderError.badRequest(
        "The model returned the following errors: " + message, "messages");
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

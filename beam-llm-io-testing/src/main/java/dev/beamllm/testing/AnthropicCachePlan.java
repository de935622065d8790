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
 * The prompt-cache plan of an Anthropic request ({@link CachePlan}). Anthropic caches in the order
 * tools, system, messages; every block carrying {@code cache_control} is a breakpoint ending a
 * cacheable prefix with that block (at most four, each {@code ttl} {@code 5m} (the default) or
 * {@code 1h}, no hour-long one after a five-minute one). Each block is rendered as text so the
 * server can count and key it: tools as canonical JSON, text as itself, tool calls and results by
 * their text, and media by a digest of their block, so that different images never share a cache
 * entry. Thinking blocks cannot carry {@code cache_control}. Reference:
 * docs.anthropic.com/en/docs/build-with-claude/prompt-caching.
 */
final class AnthropicCachePlan {
  private static final int MAX_BREAKPOINTS = 4;
  private static final Set<String> TTLS = Set.of(CachePlan.FIVE_MINUTES, CachePlan.ONE_HOUR);
  private static final Set<String> THINKING = Set.of("thinking", "redacted_thinking");

  /** The words of the TTL-order refusal, which Bedrock passes on for Converse too. */
  static final String TTL_ORDER =
      "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. "
          + "Note that blocks are processed in the following order: `tools`, `system`, `messages`.";

  private AnthropicCachePlan() {}

  /**
   * The cache plan of a validated body, or null when no block carries {@code cache_control}.
   *
   * @throws ProviderError for a malformed or misplaced {@code cache_control}, more than four
   *     breakpoints, or an hour-long breakpoint after a five-minute one
   */
  static CachePlan of(JsonNode body) {
    List<String> pieces = new ArrayList<>();
    List<CachePlan.Breakpoint> breakpoints = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    JsonNode tools = body.path("tools");
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      pieces.add(Json.canonical(withoutCacheControl(tool)));
      mark(tool, "tools." + i, "tools", pieces, breakpoints, paths);
    }
    JsonNode system = body.get("system");
    if (system != null && system.isTextual()) {
      pieces.add(system.textValue());
    } else if (system != null && system.isArray()) {
      for (int i = 0; i < system.size(); i++) {
        JsonNode block = system.get(i);
        pieces.add(block.path("text").asText());
        mark(block, "system." + i, "system", pieces, breakpoints, paths);
      }
    }
    JsonNode messages = body.path("messages");
    for (int m = 0; m < messages.size(); m++) {
      JsonNode content = messages.get(m).path("content");
      if (content.isTextual()) {
        pieces.add(content.textValue());
        continue;
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        String at = "messages." + m + ".content." + j;
        String type = block.path("type").asText();
        if (THINKING.contains(type) && block.hasNonNull("cache_control")) {
          throw ProviderError.badRequest(
              at + "." + type + ".cache_control: Extra inputs are not permitted", "messages");
        }
        pieces.add(blockText(block));
        mark(block, at, "messages", pieces, breakpoints, paths);
      }
    }
    if (breakpoints.size() > MAX_BREAKPOINTS) {
      throw ProviderError.badRequest(
          "A maximum of "
              + MAX_BREAKPOINTS
              + " blocks with cache_control may be provided. Found "
              + breakpoints.size()
              + ".",
          null);
    }
    checkTtlOrder(breakpoints, paths);
    return CachePlan.of(pieces, breakpoints);
  }

  /**
   * Anthropic's refusal of a {@code 1h} breakpoint after a {@code 5m} one, in the order tools,
   * system, messages.
   */
  private static void checkTtlOrder(List<CachePlan.Breakpoint> breakpoints, List<String> paths) {
    boolean shortSeen = false;
    for (int i = 0; i < breakpoints.size(); i++) {
      String ttl = breakpoints.get(i).ttl();
      if (ttl.equals(CachePlan.FIVE_MINUTES)) {
        shortSeen = true;
      } else if (shortSeen) {
        throw ProviderError.badRequest(
            paths.get(i) + ".cache_control.ttl: " + TTL_ORDER, paths.get(i).split("\\.")[0]);
      }
    }
  }

  /**
   * Records the block just added to the pieces as a breakpoint when it carries {@code
   * cache_control}, after checking its form.
   */
  private static void mark(
      JsonNode block,
      String at,
      String param,
      List<String> pieces,
      List<CachePlan.Breakpoint> breakpoints,
      List<String> paths) {
    JsonNode cc = block.get("cache_control");
    if (cc == null || cc.isNull()) {
      return;
    }
    if (!"ephemeral".equals(cc.path("type").asText())) {
      throw ProviderError.badRequest(
          at + ".cache_control.type: Input should be 'ephemeral'", param);
    }
    String ttl = CachePlan.FIVE_MINUTES;
    if (cc.hasNonNull("ttl")) {
      ttl = cc.get("ttl").asText();
      if (!cc.get("ttl").isTextual() || !TTLS.contains(ttl)) {
        throw ProviderError.badRequest(
            at + ".cache_control.ttl: Input should be '5m' or '1h'", param);
      }
    }
    breakpoints.add(new CachePlan.Breakpoint(pieces.size() - 1, ttl));
    paths.add(at);
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

package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake's prompt cache, after Anthropic's documented caching (docs.anthropic.com, "Prompt
 * caching"). An entry is a prefix of a request's blocks ({@link CachePlan#pieces}) ending at some
 * block, keyed by the model and those blocks. On each request:
 *
 * <ol>
 *   <li>Breakpoints whose prefix is under the minimum are ignored altogether.
 *   <li>READ is the token count of the longest cached prefix ending at a breakpoint's block or at
 *       any of the {@value #LOOKBACK} blocks before it (not before the first block).
 *   <li>WRITE is the tokens of the prefix at the last breakpoint less READ, when positive; each
 *       breakpoint's segment beyond READ (its prefix less the previous breakpoint's) is written at
 *       its own TTL.
 *   <li>Every breakpoint's prefix is then added to the cache.
 * </ol>
 *
 * Token counts are those of the prefix's blocks joined by newlines ({@link FakeAnswerer#count}).
 * Entries never expire; {@link #clear} empties the cache.
 */
final class PromptCacheStore {
  /** How many blocks before a breakpoint are also checked for a hit. */
  static final int LOOKBACK = 20;

  private final Set<String> entries = new HashSet<>();

  /**
   * The cache's effect on one request.
   *
   * @param read tokens read from the cache
   * @param write5m tokens written with the five-minute lifetime
   * @param write1h tokens written with the one-hour lifetime
   */
  record Use(long read, long write5m, long write1h) {
    static final Use NONE = new Use(0, 0, 0);

    long write() {
      return write5m + write1h;
    }
  }

  /** Looks the request's prefixes up, then caches the prefixes at its breakpoints. */
  synchronized Use use(String model, CachePlan plan, long minTokens) {
    if (plan == null) {
      return Use.NONE;
    }
    Prefixes prefixes = new Prefixes(model, plan.pieces());
    List<CachePlan.Breakpoint> counted = new ArrayList<>();
    for (CachePlan.Breakpoint b : plan.breakpoints()) {
      if (prefixes.tokens(b.index()) >= minTokens) {
        counted.add(b);
      }
    }
    long read = 0;
    for (CachePlan.Breakpoint b : counted) {
      for (int i = b.index(); i >= Math.max(0, b.index() - LOOKBACK); i--) {
        if (entries.contains(prefixes.key(i))) {
          read = Math.max(read, prefixes.tokens(i));
          break;
        }
      }
    }
    long write5m = 0;
    long write1h = 0;
    long before = 0;
    for (CachePlan.Breakpoint b : counted) {
      long upTo = Math.max(before, prefixes.tokens(b.index()));
      long segment = Math.max(0, upTo - Math.max(before, read));
      if (b.ttl().equals(CachePlan.ONE_HOUR)) {
        write1h += segment;
      } else {
        write5m += segment;
      }
      before = upTo;
    }
    for (CachePlan.Breakpoint b : counted) {
      entries.add(prefixes.key(b.index()));
    }
    return new Use(read, write5m, write1h);
  }

  synchronized void clear() {
    entries.clear();
  }

  /** The keys and token counts of one request's prefixes, computed when asked. */
  private static final class Prefixes {
    private final List<String> pieces;
    private final List<String> keys = new ArrayList<>();
    private final Map<Integer, Long> tokens = new HashMap<>();

    Prefixes(String model, List<String> pieces) {
      this.pieces = pieces;
      this.keys.add(hex(model));
    }

    /** The key of the prefix ending at block i: a chain of digests over the model and blocks. */
    String key(int i) {
      while (keys.size() <= i + 1) {
        String piece = pieces.get(keys.size() - 1);
        keys.add(hex(keys.get(keys.size() - 1) + "\n" + piece.length() + ":" + piece));
      }
      return keys.get(i + 1);
    }

    long tokens(int i) {
      return tokens.computeIfAbsent(
          i, k -> (long) FakeAnswerer.count(String.join("\n", pieces.subList(0, k + 1))));
    }

    private static String hex(String s) {
      return Digests.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }
  }
}

package dev.beamllm.testing;

import java.util.List;

/**
 * What a request marks for prompt caching: its prompt as an ordered list of blocks (tools, system,
 * messages), each rendered as text the server can count and key, and its breakpoints. A cache entry
 * is a prefix of the blocks ending at some block; see {@link PromptCacheStore}.
 *
 * @param pieces the prompt's blocks as text, in the order tools, system, messages
 * @param breakpoints the breakpoints, in order; each names the last block of its prefix
 */
record CachePlan(List<String> pieces, List<Breakpoint> breakpoints) {
  /** The default lifetime of a cache entry. */
  static final String FIVE_MINUTES = "5m";

  /** The longer lifetime of a cache entry. */
  static final String ONE_HOUR = "1h";

  CachePlan {
    pieces = List.copyOf(pieces);
    breakpoints = List.copyOf(breakpoints);
  }

  /**
   * A breakpoint.
   *
   * @param index the index in {@link #pieces} of the last block of the cached prefix
   * @param ttl {@code 5m} or {@code 1h}
   */
  record Breakpoint(int index, String ttl) {}

  /** A plan, or null when the request has no breakpoint after some content. */
  static CachePlan of(List<String> pieces, List<Breakpoint> breakpoints) {
    return breakpoints.isEmpty() ? null : new CachePlan(pieces, breakpoints);
  }
}

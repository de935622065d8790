package dev.beamllm.client;

import java.io.Serializable;

/**
 * Client-side limits: requests per minute, tokens per minute and requests in flight, enforced
 * together across all models of a client. 0 means unlimited. Immutable.
 *
 * <pre>{@code Limits.perMinute(10_000, 2_000_000).maxConcurrent(500)}</pre>
 *
 * @param requestsPerMinute requests per minute
 * @param tokensPerMinute input plus output tokens per minute
 * @param maxConcurrentRequests requests in flight at once
 */
public record Limits(long requestsPerMinute, long tokensPerMinute, int maxConcurrentRequests)
    implements Serializable {
  /** The concurrency used when none is given. */
  public static final int DEFAULT_MAX_CONCURRENT = 1_000;

  /** Checks that nothing is negative. */
  public Limits {
    if (requestsPerMinute < 0 || tokensPerMinute < 0 || maxConcurrentRequests < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
  }

  /** No rate limits, {@value #DEFAULT_MAX_CONCURRENT} requests in flight. */
  public static Limits unlimited() {
    return new Limits(0, 0, DEFAULT_MAX_CONCURRENT);
  }

  /** Requests and tokens per minute, {@value #DEFAULT_MAX_CONCURRENT} requests in flight. */
  public static Limits perMinute(long requests, long tokens) {
    return new Limits(requests, tokens, DEFAULT_MAX_CONCURRENT);
  }

  /** A copy with this many requests in flight at most. */
  public Limits maxConcurrent(int n) {
    return new Limits(requestsPerMinute, tokensPerMinute, n);
  }

  /** This worker's share of the limits, for {@code n} workers sharing one quota. */
  public Limits share(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("share needs at least one worker");
    }
    // 0 stays unlimited; a real limit never rounds down to 0, which would mean unlimited.
    return new Limits(
        shareOf(requestsPerMinute, n),
        shareOf(tokensPerMinute, n),
        (int) shareOf(maxConcurrentRequests, n));
  }

  private static long shareOf(long limit, int n) {
    return limit == 0 ? 0 : Math.max(1, limit / n);
  }
}

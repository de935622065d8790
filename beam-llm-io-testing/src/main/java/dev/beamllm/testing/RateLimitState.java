package dev.beamllm.testing;

/**
 * What the limiter tells a dialect for its rate-limit headers.
 *
 * @param requestLimit requests per minute, or 0 when unlimited
 * @param requestsRemaining whole requests left in the bucket
 * @param requestsResetNanos time until the request bucket is full again
 * @param tokenLimit tokens per minute, or 0 when unlimited
 * @param tokensRemaining whole tokens left in the bucket
 * @param tokensResetNanos time until the token bucket is full again
 * @param retryAfterNanos for a 429: time until the request would be admitted; 0 otherwise
 * @param limitedBy for a 429: {@code requests}, {@code tokens} or {@code concurrency}; null
 *     otherwise
 */
record RateLimitState(
    long requestLimit,
    long requestsRemaining,
    long requestsResetNanos,
    long tokenLimit,
    long tokensRemaining,
    long tokensResetNanos,
    long retryAfterNanos,
    String limitedBy) {

  static final RateLimitState UNLIMITED = new RateLimitState(0, 0, 0, 0, 0, 0, 0, null);

  /** Whole seconds to wait, rounded up and at least 1, as {@code retry-after} wants. */
  long retryAfterSeconds() {
    return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
  }

  /**
   * A duration in Go's format ({@code 20ms}, {@code 1.5s}, {@code 6m0s}), as OpenAI writes its
   * {@code x-ratelimit-reset-*} headers.
   */
  static String goDuration(long nanos) {
    if (nanos < 1_000_000_000L) {
      return Math.max(0, (nanos + 999_999) / 1_000_000) + "ms";
    }
    double seconds = nanos / 1e9;
    long minutes = (long) (seconds / 60);
    double rest = seconds - minutes * 60;
    String s =
        rest == Math.floor(rest)
            ? String.valueOf((long) rest)
            : String.format(java.util.Locale.ROOT, "%.3f", rest).replaceAll("0+$", "");
    return minutes > 0 ? minutes + "m" + s + "s" : s + "s";
  }
}

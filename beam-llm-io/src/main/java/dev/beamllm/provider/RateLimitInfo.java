package dev.beamllm.provider;

/**
 * What a provider's rate-limit headers say; -1 where a header was absent.
 *
 * @param requestLimit requests per window
 * @param requestsRemaining requests left now
 * @param tokenLimit tokens per window
 * @param tokensRemaining tokens left now
 */
public record RateLimitInfo(
    long requestLimit, long requestsRemaining, long tokenLimit, long tokensRemaining) {
  /** No information. */
  public static final RateLimitInfo NONE = new RateLimitInfo(-1, -1, -1, -1);

  /** True when any value is known. */
  public boolean known() {
    return requestLimit >= 0 || requestsRemaining >= 0 || tokenLimit >= 0 || tokensRemaining >= 0;
  }
}

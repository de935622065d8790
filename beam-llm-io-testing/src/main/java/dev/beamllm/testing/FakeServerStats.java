package dev.beamllm.testing;

import java.util.Map;

/**
 * A snapshot of the fake server's counters.
 *
 * @param received model requests received on known endpoints (a side endpoint's, such as a
 *     background response's retrieval, are only in the request log; the server's own {@code /fake/}
 *     endpoints are in neither)
 * @param accepted requests answered with 200 (including malformed-JSON faults)
 * @param rateLimited requests refused with 429
 * @param rateLimitedBy 429s by cause: {@code requests}, {@code tokens}, {@code concurrency}
 * @param faults injected faults by kind
 * @param badRequests requests refused as invalid (400 from validation, unknown endpoint)
 * @param unauthorized requests refused for a missing or wrong key (not counting injected 401s)
 * @param inputTokens input tokens of accepted requests (including prompt-cache reads and writes)
 * @param outputTokens output tokens of accepted requests
 * @param cacheReadTokens prompt-cache read tokens of accepted requests
 * @param cacheWriteTokens prompt-cache write tokens of accepted requests
 * @param maxConcurrency the most requests in flight at once
 * @param acceptedPerSecond accepted requests by second, counted from the first request received
 *     since start or the last reset (index 0 = the second beginning at that request, so an idle
 *     server before the job shows no leading zeros); up to the current second; empty before any
 *     request
 * @param tokensPerSecond input plus output tokens of accepted requests, by the same seconds
 * @param rateLimitedPerSecond requests refused with 429, by the same seconds
 */
public record FakeServerStats(
    long received,
    long accepted,
    long rateLimited,
    Map<String, Long> rateLimitedBy,
    Map<Fault, Long> faults,
    long badRequests,
    long unauthorized,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    int maxConcurrency,
    long[] acceptedPerSecond,
    long[] tokensPerSecond,
    long[] rateLimitedPerSecond) {

  /** The count of one injected fault. */
  public long faults(Fault fault) {
    return faults.getOrDefault(fault, 0L);
  }
}

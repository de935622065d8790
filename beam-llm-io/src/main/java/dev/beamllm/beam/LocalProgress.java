package dev.beamllm.beam;

/**
 * What the LlmIO transforms running in this JVM have finished so far, counted per input row as the
 * job's metrics count them (a row answered by a duplicate's request counts once, its tokens never):
 * live progress for local runners, where the whole job runs in the launcher's JVM. Take one at the
 * start and subtract it ({@link #since}) to follow one job.
 *
 * @param answered rows answered (fresh, from the cache, or by an identical row's request)
 * @param failed rows that ended in a failure record
 * @param cacheHits rows answered without sending (cache hits and duplicates)
 * @param inputTokens input tokens of the answers paid for
 * @param outputTokens output tokens of the answers paid for
 * @param costMicroUsd their cost, in millionths of a dollar
 * @param rateLimited attempts answered 429
 */
public record LocalProgress(
    long answered,
    long failed,
    long cacheHits,
    long inputTokens,
    long outputTokens,
    long costMicroUsd,
    long rateLimited) {

  /** Rows finished: answered or failed. */
  public long rows() {
    return answered + failed;
  }

  /** {@link #costMicroUsd} in dollars, for display. */
  public double costUsd() {
    return costMicroUsd / 1e6;
  }

  /** What was done since an earlier reading. */
  public LocalProgress since(LocalProgress start) {
    return new LocalProgress(
        answered - start.answered,
        failed - start.failed,
        cacheHits - start.cacheHits,
        inputTokens - start.inputTokens,
        outputTokens - start.outputTokens,
        costMicroUsd - start.costMicroUsd,
        rateLimited - start.rateLimited);
  }
}

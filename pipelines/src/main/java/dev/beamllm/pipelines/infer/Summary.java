package dev.beamllm.pipelines.infer;

import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The numbers at the end of a job, from the pipeline's metrics.
 *
 * @param rows rows read
 * @param badRows rows that could not be read
 * @param succeeded rows answered
 * @param failed rows that ended in an error (bad rows included)
 * @param cacheHits answers from the cache or from an identical row's request
 * @param duplicates rows answered by an identical row's request
 * @param requests attempts sent to providers, a batch's request counting one, an embedding request
 *     of many texts one
 * @param batchAnswers rows answered through the providers' batch APIs (at the batch tier)
 * @param inputTokens input tokens
 * @param outputTokens output tokens
 * @param cacheReadTokens input tokens read from the provider's prompt cache
 * @param cacheWriteTokens input tokens written to it
 * @param costUsd dollars
 * @param rateLimited attempts answered 429
 * @param seconds wall time
 * @param fakeReceived requests the embedded fake provider received, or -1 when it was not used
 * @param repairTurns extraction rows whose first answer was invalid and got a repair turn
 * @param keptUnsent translation rows already in the target language, answered without a request
 */
record Summary(
    long rows,
    long badRows,
    long succeeded,
    long failed,
    long cacheHits,
    long duplicates,
    long requests,
    long batchAnswers,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    double costUsd,
    long rateLimited,
    double seconds,
    long fakeReceived,
    long repairTurns,
    long keptUnsent) {

  static Summary from(PipelineResult result, double seconds, FakeProviderServer fake) {
    long bad = counter(result, "bad_rows");
    FakeServerStats stats = fake == null ? null : fake.stats();
    long rows = counter(result, "rows");
    long succeeded = counter(result, "successes");
    long failed = counter(result, "failures");
    // Translations of texts already in the target language: rows answered without a request.
    long kept = counter(result, "translations_skipped");
    // Answers a helper could not read (a score neither yes nor no): answered, yet failures.
    long unreadable = counter(result, "unreadable_answers");
    succeeded += kept - unreadable;
    failed += unreadable;
    if (counter(result, "extract_checks") > 0) {
      // An extraction's rows: an answer is a row only once it is valid, and a repaired row
      // was answered twice.
      succeeded = counter(result, "extracted");
      failed += counter(result, "invalid_outputs");
    }
    return new Summary(
        rows,
        bad,
        succeeded,
        failed + bad,
        counter(result, "cache_hits"),
        counter(result, "duplicates"),
        counter(result, "attempts") + counter(result, "provider_calls"),
        counter(result, "batch_answers"),
        counter(result, "input_tokens"),
        counter(result, "output_tokens"),
        counter(result, "cached_tokens"),
        counter(result, "cache_write_tokens"),
        counter(result, "cost_micro_usd") / 1e6,
        counter(result, "rate_limited"),
        seconds,
        stats == null ? -1 : stats.received(),
        counter(result, "repair_turns"),
        kept);
  }

  static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("beamllm", name))
                    .build())
            .getCounters()) {
      Long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException notCommitted) {
        v = c.getAttempted();
      }
      sum += v == null ? c.getAttempted() : v;
    }
    return sum;
  }

  String render(BatchInferenceOptions o) {
    double minutes = Math.max(seconds, 1e-9) / 60;
    StringBuilder s = new StringBuilder("\nSummary\n");
    s.append(
        String.format(
            Locale.ROOT, "  rows            %,d (%,d could not be read)%n", rows, badRows));
    s.append(String.format(Locale.ROOT, "  succeeded       %,d%n", succeeded));
    s.append(String.format(Locale.ROOT, "  failed          %,d%n", failed));
    if (keptUnsent > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  not sent        %,d %s already in the target language, kept as they are%n",
              keptUnsent,
              keptUnsent == 1 ? "row" : "rows"));
    }
    if (repairTurns > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  repaired        %,d %s (%.1f%%) got a repair turn after an invalid answer%n",
              repairTurns,
              repairTurns == 1 ? "row" : "rows",
              100.0 * repairTurns / Math.max(1, rows - badRows)));
    }
    if (succeeded + failed != rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "  UNACCOUNTED     %,d rows are in neither file%n",
              rows - succeeded - failed));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "  cache hits      %,d%s%n",
            cacheHits,
            duplicates > 0
                ? String.format(Locale.ROOT, " (%,d identical rows answered once)", duplicates)
                : ""));
    s.append(String.format(Locale.ROOT, "  input tokens    %,d%n", inputTokens));
    s.append(String.format(Locale.ROOT, "  output tokens   %,d%n", outputTokens));
    if (cacheReadTokens + cacheWriteTokens > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  prompt cache    %,d input tokens read, %,d written%n",
              cacheReadTokens,
              cacheWriteTokens));
    }
    s.append(String.format(Locale.ROOT, "  cost            $%.6f%n", costUsd));
    s.append(String.format(Locale.ROOT, "  wall time       %.1f s%n", seconds));
    long online = requests - batchAnswers;
    if (batchAnswers > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "  by batch        %,d rows answered through the providers' batch APIs, at the"
                  + " batch tier%n",
              batchAnswers));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "  requests sent   %,d%s%s%n",
            online,
            batchAnswers > 0 ? " online" : "",
            fakeReceived >= 0
                ? String.format(
                    Locale.ROOT,
                    " (the fake provider received %,d%s)",
                    fakeReceived,
                    batchAnswers > 0 ? ", batch lines included" : "")
                : ""));
    s.append(
        String.format(
            Locale.ROOT,
            "  achieved        %,.0f requests/min, %,.0f tokens/min%n",
            online / minutes,
            (inputTokens + outputTokens) / minutes));
    s.append(String.format(Locale.ROOT, "  429s            %,d%n", rateLimited));
    if (requests == 0 && cacheHits > 0) {
      s.append("  every answer came from the cache: no request was sent\n");
    }
    String checkpoint = JobSettings.checkpoint(o);
    if (checkpoint != null) {
      s.append("  checkpoint -> ")
          .append(JobSettings.shown(checkpoint))
          .append(" (run again: only unanswered rows are sent)\n");
    }
    s.append("  answers  -> ").append(o.getOutput()).append('\n');
    s.append("  failures -> ").append(o.getFailures());
    return s.toString();
  }
}

package dev.beamllm.beam;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.Ranking;
import dev.beamllm.response.Transcription;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam metrics of {@link LlmIO#complete()}, in the namespace {@value #NAMESPACE}, and the same
 * row counts kept for this JVM ({@link LlmIO#localProgress()}) so a local job's progress and its
 * final metrics agree. Counters, by name:
 *
 * <ul>
 *   <li>{@code successes}: rows answered (fresh, from the cache, or by an identical row's request);
 *   <li>{@code failures}: rows that ended in an {@link LlmFailure};
 *   <li>{@code cache_hits}: rows answered without sending (cache hits and duplicates);
 *   <li>{@code duplicates}: rows answered by an identical row's request in the same run;
 *   <li>{@code requests}: requests each call stage started (identical rows count once; a request
 *       that goes to the retry stage counts again there);
 *   <li>{@code attempts}: attempts sent to providers, which is what they received;
 *   <li>{@code retries}: attempts beyond the first, of the rows answered;
 *   <li>{@code retry_stage}: requests handed to the retry stage;
 *   <li>{@code rate_limited}: attempts answered 429;
 *   <li>{@code input_tokens}, {@code output_tokens}, {@code cached_tokens} (read from the
 *       provider's prompt cache), {@code cache_write_tokens} (written to it), {@code
 *       cost_micro_usd} (millionths of a dollar): of the answers paid for;
 *   <li>{@code batch_answers}: of those, the answers that came through a provider's batch API;
 *   <li>{@code latency_ms}: a distribution of the fresh answers' latencies.
 * </ul>
 *
 * <p>{@link LlmIO#extract} counts its rows on top of its completions' (where {@code successes}
 * counts answers, two for a repaired row): {@code extract_checks} answers checked against the
 * schema, {@code extracted} rows with a valid object, {@code repair_turns} repair turns sent and
 * {@code invalid_outputs} rows that stayed invalid.
 *
 * <p>Time spent waiting for rate-limit capacity goes to Beam's throttling counter ({@code
 * Metrics.THROTTLE_TIME_NAMESPACE}, {@code Metrics.THROTTLE_TIME_COUNTER_NAME}), not to this
 * namespace.
 */
public final class LlmMetrics {
  /**
   * The namespace of the transform's metrics: query them with {@code
   * MetricNameFilter.inNamespace(LlmMetrics.NAMESPACE)}.
   */
  public static final String NAMESPACE = "beamllm";

  private static final LongAdder LOCAL_ANSWERED = new LongAdder();
  private static final LongAdder LOCAL_FAILED = new LongAdder();
  private static final LongAdder LOCAL_CACHE_HITS = new LongAdder();
  private static final LongAdder LOCAL_INPUT = new LongAdder();
  private static final LongAdder LOCAL_OUTPUT = new LongAdder();
  private static final LongAdder LOCAL_COST = new LongAdder();

  final Counter requests = Metrics.counter(NAMESPACE, "requests");
  final Counter successes = Metrics.counter(NAMESPACE, "successes");
  final Counter failures = Metrics.counter(NAMESPACE, "failures");
  final Counter retries = Metrics.counter(NAMESPACE, "retries");

  /** Attempts sent to providers (cache hits send none): equals what the providers received. */
  final Counter attempts = Metrics.counter(NAMESPACE, "attempts");

  /**
   * HTTP attempts of embedding, rerank and transcription requests, each carrying many inputs (a
   * chat request's are in {@link #attempts}, counted per row).
   */
  final Counter providerCalls = Metrics.counter(NAMESPACE, "provider_calls");

  final Counter toRetryStage = Metrics.counter(NAMESPACE, "retry_stage");
  final Counter rateLimited = Metrics.counter(NAMESPACE, "rate_limited");
  final Counter cacheHits = Metrics.counter(NAMESPACE, "cache_hits");

  /** Rows answered by an identical row's request, in the same run. */
  final Counter duplicates = Metrics.counter(NAMESPACE, "duplicates");

  final Counter inputTokens = Metrics.counter(NAMESPACE, "input_tokens");
  final Counter outputTokens = Metrics.counter(NAMESPACE, "output_tokens");
  final Counter cachedTokens = Metrics.counter(NAMESPACE, "cached_tokens");
  final Counter cacheWriteTokens = Metrics.counter(NAMESPACE, "cache_write_tokens");
  final Counter batchAnswers = Metrics.counter(NAMESPACE, "batch_answers");
  final Counter costMicros = Metrics.counter(NAMESPACE, "cost_micro_usd");
  final Distribution latencyMillis = Metrics.distribution(NAMESPACE, "latency_ms");

  /** Read by Dataflow's autoscaler: time spent waiting for rate-limit capacity. */
  final Counter throttledMillis =
      Metrics.counter(Metrics.THROTTLE_TIME_NAMESPACE, Metrics.THROTTLE_TIME_COUNTER_NAME);

  LlmMetrics() {}

  /** A row answered; a cache hit's or a duplicate's answer costs nothing. */
  void answered(ApiResponse r) {
    successes.inc();
    LOCAL_ANSWERED.increment();
    retries.inc(Math.max(0, r.attempts() - 1));
    if (r.cacheHit()) {
      cacheHits.inc();
      LOCAL_CACHE_HITS.increment();
      return;
    }
    long cost = Math.round(r.cost() * 1_000_000);
    inputTokens.inc(r.usage().inputTokens());
    outputTokens.inc(r.usage().outputTokens());
    cachedTokens.inc(r.usage().cacheReadTokens());
    cacheWriteTokens.inc(r.usage().cacheWriteTokens());
    costMicros.inc(cost);
    latencyMillis.update(r.latency().toMillis());
    if ("batch".equals(r.serviceTier().orElse(null))) {
      batchAnswers.inc();
    }
    LOCAL_INPUT.add(r.usage().inputTokens());
    LOCAL_OUTPUT.add(r.usage().outputTokens());
    LOCAL_COST.add(cost);
  }

  /**
   * Millionths of a dollar counted short so far: a text's embedding costs far less than one, so the
   * cost is counted whole millionths at a time and the rest carried to the next text.
   */
  private double costCarryMicros;

  /** A text embedded; a cache hit costs nothing. */
  void embedded(Embedding e) {
    successes.inc();
    LOCAL_ANSWERED.increment();
    if (e.cacheHit()) {
      cacheHits.inc();
      LOCAL_CACHE_HITS.increment();
      return;
    }
    costCarryMicros += e.cost() * 1_000_000;
    long cost = (long) costCarryMicros;
    costCarryMicros -= cost;
    inputTokens.inc(e.inputTokens());
    costMicros.inc(cost);
    LOCAL_INPUT.add(e.inputTokens());
    LOCAL_COST.add(cost);
  }

  /** A query ranked; a cache hit costs nothing. */
  void ranked(Ranking r) {
    successes.inc();
    LOCAL_ANSWERED.increment();
    if (r.cacheHit()) {
      cacheHits.inc();
      LOCAL_CACHE_HITS.increment();
      return;
    }
    long cost = Math.round(r.cost() * 1_000_000);
    costMicros.inc(cost);
    LOCAL_COST.add(cost);
  }

  /**
   * A file transcribed; a cache hit costs nothing. Its tokens (gpt-4o transcribe models) count as
   * input and output tokens; whisper-1's seconds are in its cost only. The cost is counted whole
   * millionths with the rest carried, as an embedding's.
   */
  void transcribed(Transcription t) {
    successes.inc();
    LOCAL_ANSWERED.increment();
    if (t.cacheHit()) {
      cacheHits.inc();
      LOCAL_CACHE_HITS.increment();
      return;
    }
    costCarryMicros += t.cost() * 1_000_000;
    long cost = (long) costCarryMicros;
    costCarryMicros -= cost;
    inputTokens.inc(t.inputTokens());
    outputTokens.inc(t.outputTokens());
    costMicros.inc(cost);
    LOCAL_INPUT.add(t.inputTokens());
    LOCAL_OUTPUT.add(t.outputTokens());
    LOCAL_COST.add(cost);
  }

  /**
   * Reports what the transform's shared client did and no instance reported yet: time waited for
   * rate-limit capacity and 429s.
   */
  void reportClient(String transformId) {
    long[] unreported = SharedClients.unreported(transformId);
    throttledMillis.inc(unreported[0]);
    rateLimited.inc(unreported[1]);
    providerCalls.inc(unreported[2]);
  }

  /** A row that ended in a failure record. */
  void failed() {
    failures.inc();
    LOCAL_FAILED.increment();
  }

  /**
   * The counter of answers a ready helper could not read (a score neither yes nor no, an empty
   * translation): counted among the answers, they end as failures.
   */
  static Counter unreadableAnswers() {
    return Metrics.counter(NAMESPACE, "unreadable_answers");
  }

  /** A row finished without a request: a text already in a translation's target language. */
  static void localKeptUnsent() {
    LOCAL_ANSWERED.increment();
  }

  /**
   * An answer counted as its row's end that was not: an extraction's invalid first answer, sent
   * back for a repair turn whose answer will be counted in turn.
   */
  static void localAnswerReopened() {
    LOCAL_ANSWERED.decrement();
  }

  /**
   * An answer counted as its row's end that turned out a failure: an extraction's answer still
   * invalid (its tokens and cost stay counted: they were paid).
   */
  static void localAnswerFailed() {
    LOCAL_ANSWERED.decrement();
    LOCAL_FAILED.increment();
  }

  /** This JVM's totals so far; {@code rateLimited} comes from the JVM's clients. */
  static LocalProgress local(long rateLimited) {
    return new LocalProgress(
        LOCAL_ANSWERED.sum(),
        LOCAL_FAILED.sum(),
        LOCAL_CACHE_HITS.sum(),
        LOCAL_INPUT.sum(),
        LOCAL_OUTPUT.sum(),
        LOCAL_COST.sum(),
        rateLimited);
  }
}

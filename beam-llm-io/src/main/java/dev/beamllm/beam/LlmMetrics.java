package dev.beamllm.beam;

import dev.beamllm.response.ApiResponse;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;

/** The transform's Beam metrics, in the namespace {@value #NAMESPACE}. */
public final class LlmMetrics {
  /** The metrics namespace. */
  public static final String NAMESPACE = "beamllm";

  final Counter requests = Metrics.counter(NAMESPACE, "requests");
  final Counter successes = Metrics.counter(NAMESPACE, "successes");
  final Counter failures = Metrics.counter(NAMESPACE, "failures");
  final Counter retries = Metrics.counter(NAMESPACE, "retries");
  /** Attempts sent to providers (cache hits send none): equals what the providers received. */
  final Counter attempts = Metrics.counter(NAMESPACE, "attempts");
  final Counter toRetryStage = Metrics.counter(NAMESPACE, "retry_stage");
  final Counter rateLimited = Metrics.counter(NAMESPACE, "rate_limited");
  final Counter cacheHits = Metrics.counter(NAMESPACE, "cache_hits");
  final Counter inputTokens = Metrics.counter(NAMESPACE, "input_tokens");
  final Counter outputTokens = Metrics.counter(NAMESPACE, "output_tokens");
  final Counter cachedTokens = Metrics.counter(NAMESPACE, "cached_tokens");
  final Counter costMicros = Metrics.counter(NAMESPACE, "cost_micro_usd");
  final Distribution latencyMillis = Metrics.distribution(NAMESPACE, "latency_ms");
  /** Read by Dataflow's autoscaler: time spent waiting for rate-limit capacity. */
  final Counter throttledMillis = Metrics.counter(Metrics.THROTTLE_TIME_NAMESPACE, Metrics.THROTTLE_TIME_COUNTER_NAME);

  LlmMetrics() {}

  void answered(ApiResponse r) {
    retries.inc(Math.max(0, r.attempts() - 1));
    if (r.cacheHit()) {
      cacheHits.inc();
      return;
    }
    inputTokens.inc(r.usage().inputTokens());
    outputTokens.inc(r.usage().outputTokens());
    cachedTokens.inc(r.usage().cacheReadTokens());
    costMicros.inc(Math.round(r.cost() * 1_000_000));
    latencyMillis.update(r.latency().toMillis());
  }
}

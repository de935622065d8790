package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.LlmClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * One client per JVM per transform (an {@link LlmClient} unless a test gives another {@link
 * LlmService}), shared by every DoFn instance (Beam makes one per thread), so the HTTP pool, the
 * limiter and the tracker are shared and the limits do not multiply by the thread count.
 * Reference-counted: the last release closes the client. Keyed by the transform's id, not by its
 * configuration, because a deserialized configuration is a new object on every instance.
 */
final class SharedClients {
  private static final Map<String, Entry> CLIENTS = new HashMap<>();

  private static final class Entry {
    final LlmService client;
    final java.util.concurrent.atomic.AtomicLong reportedThrottleMillis =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong reportedRateLimited =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong reportedCalls =
        new java.util.concurrent.atomic.AtomicLong();
    int users;

    Entry(LlmService client) {
      this.client = client;
    }
  }

  private SharedClients() {}

  /** The client for a transform, created by {@code factory} on first use. */
  static synchronized LlmService acquire(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> factory) {
    Entry e = CLIENTS.computeIfAbsent(transformId, id -> new Entry(factory.apply(config)));
    e.users++;
    return e.client;
  }

  /** Gives a client back; the last user closes it. */
  static synchronized void release(String transformId) {
    Entry e = CLIENTS.get(transformId);
    if (e != null && --e.users == 0) {
      CLIENTS.remove(transformId);
      retired = add(retired, e.client.status());
      e.client.close();
    }
  }

  /** The totals of the clients already closed, so the JVM's figures never go backwards. */
  private static dev.beamllm.client.StatusTracker.Status retired =
      new dev.beamllm.client.StatusTracker.Status(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private static dev.beamllm.client.StatusTracker.Status add(
      dev.beamllm.client.StatusTracker.Status a, dev.beamllm.client.StatusTracker.Status b) {
    return new dev.beamllm.client.StatusTracker.Status(
        0,
        a.started() + b.started(),
        a.inProgress() + b.inProgress(),
        a.succeeded() + b.succeeded(),
        a.failed() + b.failed(),
        a.retries() + b.retries(),
        a.rateLimited() + b.rateLimited(),
        a.inputTokens() + b.inputTokens(),
        a.outputTokens() + b.outputTokens(),
        a.cachedTokens() + b.cachedTokens(),
        a.cost() + b.cost(),
        0);
  }

  /**
   * What every LlmIO client in this JVM has done so far, closed ones included: live progress for
   * local runners (DirectRunner, in-process Flink), where the job runs in the launcher's JVM.
   */
  static synchronized dev.beamllm.client.StatusTracker.Status localStatus() {
    dev.beamllm.client.StatusTracker.Status total = retired;
    for (Entry e : CLIENTS.values()) {
      total = add(total, e.client.status());
    }
    return total;
  }

  /**
   * The throttled milliseconds, 429s and non-chat HTTP attempts ({@link LlmService#providerCalls})
   * of the transform's client not yet reported to Beam's metrics, so DoFn instances sharing a
   * client report each once.
   */
  static synchronized long[] unreported(String transformId) {
    Entry e = CLIENTS.get(transformId);
    if (e == null) {
      return new long[] {0, 0, 0};
    }
    long throttled = e.client.throttledMillis();
    long limited = e.client.status().rateLimited();
    long calls = e.client.providerCalls();
    return new long[] {
      throttled - e.reportedThrottleMillis.getAndSet(throttled),
      limited - e.reportedRateLimited.getAndSet(limited),
      calls - e.reportedCalls.getAndSet(calls)
    };
  }

  /** How many DoFn instances use the transform's client now (for tests). */
  static synchronized int users(String transformId) {
    Entry e = CLIENTS.get(transformId);
    return e == null ? 0 : e.users;
  }
}

package dev.beamllm.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the providers' batch APIs on one server share: when a batch completes, which of its requests
 * fail or expire, how a request is validated and answered (as the synchronous endpoint would), and
 * how many batches were created.
 *
 * <p>A batch is processed all at once when its completion delay has passed (at once by default: the
 * next poll finds it done). Request {@code i} (0-based) of {@code n} is then, in this order:
 * expired when {@link FakeProviderServer.Builder#batchExpire} is on and {@code i >= n / 2} (the
 * first half is processed, the rest was not reached in time); failed when {@link
 * FakeProviderServer.Builder#batchFailEvery} is {@code k > 0} and {@code (i + 1) % k == 0};
 * otherwise answered. A batch cancelled before its completion has every request cancelled.
 */
final class Batches {

  /** What happened to one request of a batch. */
  enum Outcome {
    SUCCEEDED,
    FAILED,
    EXPIRED,
    CANCELED
  }

  /** What the batch APIs need of the server for one request. */
  interface Lines {
    /**
     * The request validated as the synchronous endpoint validates it (token count, served models,
     * context window included).
     *
     * @param pathModel the model named in the path (Gemini), or null
     * @throws ProviderError with the synchronous endpoint's message
     */
    ParsedRequest validate(Dialect dialect, FakeHttpRequest request, String pathModel);

    /** The synchronous endpoint's 200 answer to a validated request, counted as accepted. */
    FakeHttpResponse answer(Dialect dialect, ParsedRequest request);
  }

  private final long completionNanos;
  private final int failEvery;
  private final boolean expire;
  private final Lines lines;
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong serial = new AtomicLong();

  Batches(Duration completion, int failEvery, boolean expire, Lines lines) {
    this.completionNanos = completion.toNanos();
    this.failEvery = failEvery;
    this.expire = expire;
    this.lines = lines;
  }

  Lines lines() {
    return lines;
  }

  /** When a batch created now completes, on {@link System#nanoTime()}'s clock. */
  long readyAtNanos() {
    return System.nanoTime() + completionNanos;
  }

  /** The completion delay in milliseconds, for wall-clock timestamps. */
  long completionMillis() {
    return completionNanos / 1_000_000;
  }

  /** Whether any request of a batch expires (then the batch itself ends expired). */
  boolean expires() {
    return expire;
  }

  /** What happens to request {@code i} of {@code n} in a batch that was not cancelled. */
  Outcome outcome(int i, int n) {
    if (expire && i >= n / 2) {
      return Outcome.EXPIRED;
    }
    if (failEvery > 0 && (i + 1) % failEvery == 0) {
      return Outcome.FAILED;
    }
    return Outcome.SUCCEEDED;
  }

  /** Counts a created batch and returns a fresh id with this prefix, unique on the server. */
  String newBatchId(String prefix) {
    created.incrementAndGet();
    return newId(prefix);
  }

  /** A fresh id with this prefix, unique on the server. */
  String newId(String prefix) {
    return Bodies.id(prefix, prefix + "#" + serial.incrementAndGet() + "#" + System.nanoTime());
  }

  /** Batches created since start or the last reset, on every provider. */
  long created() {
    return created.get();
  }

  void resetCount() {
    created.set(0);
  }
}

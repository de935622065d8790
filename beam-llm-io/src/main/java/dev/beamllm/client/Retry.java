package dev.beamllm.client;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The last step of a failed attempt: whether the request tries again, where and when. It tries
 * again while attempts are left and the error is retryable, or, when the error gave its model up,
 * while another model is left; then after the provider's retry-after, else at once after a give-up,
 * else after an exponential backoff. Thread-safe.
 */
final class Retry {
  private static final long BACKOFF_BASE_MILLIS = 500;
  private static final long BACKOFF_CAP_MILLIS = 30_000;

  private final Scheduler scheduler;
  private final ModelHealth health;
  private final StatusTracker tracker;
  private final List<String> models;
  private final int maxAttempts;

  /**
   * What to do next.
   *
   * @param end the error that ends the request, or null to try again
   * @param avoidModel whether the next attempt should prefer another model than the last
   * @param delayNanos the wait before the next attempt chooses its model
   */
  record Decision(ApiError end, boolean avoidModel, long delayNanos) {}

  /**
   * @param models the client's models (a sprayed request may go to another of them)
   * @param maxAttempts attempts per request, the first included
   */
  Retry(
      Scheduler scheduler,
      ModelHealth health,
      StatusTracker tracker,
      List<String> models,
      int maxAttempts) {
    this.scheduler = scheduler;
    this.health = health;
    this.tracker = tracker;
    this.models = models;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Decides after an attempt's error, and counts 429s and retries.
   *
   * @param model the attempt's model
   * @param ownModel whether the request names its model (then it goes nowhere else)
   * @param incapable the models that cannot serve the request
   * @param seen whether streamed text reached the caller
   * @param attempts the attempts made so far
   */
  Decision after(
      ApiError error,
      String model,
      boolean ownModel,
      Set<String> incapable,
      boolean seen,
      int attempts) {
    if (scheduler.closed()) {
      return new Decision(error, false, 0);
    }
    if (error.kind() == ErrorKind.RATE_LIMIT) {
      tracker.rateLimited();
    }
    boolean modelIsGone = health.isGone(model);
    boolean others =
        !ownModel
            && models.stream()
                .anyMatch(m -> !m.equals(model) && !health.isGone(m) && !incapable.contains(m));
    // Streamed text the caller has seen cannot be taken back, so such an attempt is the last.
    boolean again = !seen && attempts < maxAttempts && (modelIsGone ? others : error.retryable());
    if (!again) {
      return new Decision(
          modelIsGone
                  && !others
                  && (error.kind() == ErrorKind.CONNECTION
                      || error.kind() == ErrorKind.QUOTA_EXHAUSTED)
              ? health.reason(model)
              : error,
          false,
          0);
    }
    tracker.retried();
    long delayMillis =
        error.retryAfterMillis() >= 0
            ? error.retryAfterMillis()
            : modelIsGone ? 0 : backoffMillis(attempts);
    return new Decision(null, others, delayMillis * 1_000_000L);
  }

  /**
   * Exponential backoff with jitter: 0.5 s doubling per attempt, capped at 30 s, each between half
   * and all of it.
   */
  static long backoffMillis(int attempt) {
    long base =
        Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(20, Math.max(0, attempt - 1)));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }
}

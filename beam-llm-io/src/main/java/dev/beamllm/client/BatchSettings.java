package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How requests go through the providers' batch APIs ({@link LlmClient#startBatch}): half the price,
 * answers within the providers' completion window (a day) instead of seconds. Requests are put in
 * batches of at most {@link #maxRequestsPerBatch} (and within each provider's documented count and
 * byte limits), batches are polled on a timer that backs off to {@link #maxPollInterval}, and what
 * a batch did not answer (expired, cancelled, failed for a retryable reason) is sent online. With a
 * {@link #deadline}, batches still running {@link #onlineMargin} before it are cancelled and their
 * unanswered requests sent online. Immutable; each {@code withX} checks its argument at once.
 *
 * <pre>{@code BatchSettings.defaults().withDeadline(Instant.now().plus(Duration.ofHours(6)))}</pre>
 */
@AutoValue
public abstract class BatchSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  BatchSettings() {}

  /** At most 10,000 requests a batch, polled every minute at most, no deadline. */
  public static BatchSettings defaults() {
    return new AutoValue_BatchSettings.Builder()
        .setMaxRequestsPerBatch(10_000)
        .setFirstPoll(Duration.ofSeconds(1))
        .setMaxPollInterval(Duration.ofSeconds(60))
        .setOnlineMargin(Duration.ofMinutes(15))
        .build();
  }

  /**
   * The most requests in one batch; the provider's own limit applies too (OpenAI 50,000, Anthropic
   * 100,000, Gemini's 20 MB of inline requests). Smaller batches end sooner and lose less to one
   * failure; each is one more submission.
   */
  public abstract int maxRequestsPerBatch();

  /** The wait before a new batch's first poll; each later wait is a quarter longer. */
  public abstract Duration firstPoll();

  /** The longest wait between two polls of a batch. */
  public abstract Duration maxPollInterval();

  /** When answers are wanted, if ever. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadlineOrNull());
  }

  // Held as a nullable field: an Optional is not serializable, and the settings travel to workers.
  abstract @Nullable Instant deadlineOrNull();

  /** How long before the deadline unanswered requests go online. */
  public abstract Duration onlineMargin();

  abstract Builder toBuilder();

  /** The most requests in one batch, at least 1. */
  public BatchSettings withMaxRequestsPerBatch(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxRequestsPerBatch: must be at least 1, got " + n);
    }
    return toBuilder().setMaxRequestsPerBatch(n).build();
  }

  /** How often batches are polled: first after {@code first}, then backing off to {@code max}. */
  public BatchSettings withPollInterval(Duration first, Duration max) {
    if (first == null || first.isNegative() || first.isZero()) {
      throw new IllegalArgumentException(
          "poll interval: the first wait must be positive, got " + first);
    }
    if (max == null || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "poll interval: the longest wait must be at least the first (" + first + "), got " + max);
    }
    return toBuilder().setFirstPoll(first).setMaxPollInterval(max).build();
  }

  /**
   * When answers are wanted: at {@code deadline} minus {@link #onlineMargin} the batches still
   * running are cancelled and what they did not answer is sent online.
   */
  public BatchSettings withDeadline(Instant deadline) {
    if (deadline == null) {
      throw new IllegalArgumentException("deadline: must not be null");
    }
    return toBuilder().setDeadlineOrNull(deadline).build();
  }

  /**
   * How long before the deadline stragglers go online: enough to send them at the online limits.
   */
  public BatchSettings withOnlineMargin(Duration margin) {
    if (margin == null || margin.isNegative()) {
      throw new IllegalArgumentException("onlineMargin: must be zero or more, got " + margin);
    }
    return toBuilder().setOnlineMargin(margin).build();
  }

  /** When stragglers go online: the deadline minus the margin, if there is a deadline. */
  public Optional<Instant> onlineAt() {
    return deadline().map(d -> d.minus(onlineMargin()));
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setMaxRequestsPerBatch(int n);

    abstract Builder setFirstPoll(Duration d);

    abstract Builder setMaxPollInterval(Duration d);

    abstract Builder setDeadlineOrNull(@Nullable Instant deadline);

    abstract Builder setOnlineMargin(Duration d);

    abstract BatchSettings build();
  }
}

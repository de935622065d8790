package dev.beamllm.client;

/**
 * A requests/min or tokens/min budget the {@link Scheduler} admits against: held in this JVM
 * ({@link TokenBucket}) or leased in chunks from one that every worker of a cluster shares ({@link
 * LeasedBucket}). Levels are in requests or tokens; rates per minute. Called under the scheduler's
 * lock.
 */
interface Bucket {
  /** Adds what the time since the last refill earned. */
  void refill(long now);

  /**
   * Nanoseconds until {@code amount} can be taken while {@code reserve} stays in the bucket (0:
   * now). The reserve absorbs the delay between our admission and the provider's.
   */
  long nanosUntilAdmits(double amount, double reserve);

  /** Takes what an admission reserves. */
  void take(double amount);

  /** Returns what an admission did not use (negative: takes a charge above its reservation). */
  void give(double amount);

  /** Lowers the level to what the provider says is left. */
  void capAt(double amount);

  /** Adopts a lower per-minute rate (and capacity), e.g. from the provider's headers. */
  void lowerRate(double perMinute);

  /** Sets the rate (and capacity), e.g. when slowing down after a 429 or recovering. */
  void setRate(double perMinute);

  /** The per-minute rate, which is also the capacity. */
  double capacity();
}

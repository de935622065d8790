package dev.beamllm.client;

/**
 * A continuously refilled bucket, full at start, like the providers'. Not thread-safe: the {@link
 * Scheduler} guards it.
 */
final class TokenBucket {
  private double capacity;
  private double perNano;
  private double level;
  private long last;

  TokenBucket(double perMinute, long now) {
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
    this.level = perMinute;
    this.last = now;
  }

  void refill(long now) {
    if (now > last) {
      level = Math.min(capacity, level + (now - last) * perNano);
      last = now;
    }
  }

  double level() {
    return level;
  }

  double capacity() {
    return capacity;
  }

  /** Nanoseconds until the level reaches {@code amount} (0 if it already has). */
  long nanosUntil(double amount) {
    if (level >= amount) {
      return 0;
    }
    return (long) Math.ceil((amount - level) / perNano);
  }

  void take(double amount) {
    level -= amount;
  }

  void give(double amount) {
    level = Math.min(capacity, level + amount);
  }

  /** Lowers the level to what the provider says is left. */
  void capAt(double amount) {
    level = Math.min(level, amount);
  }

  /** Adopts a lower per-minute rate (and capacity), e.g. from the provider's headers. */
  void lowerRate(double perMinute) {
    if (perMinute < capacity) {
      capacity = perMinute;
      perNano = perMinute / 60e9;
      level = Math.min(level, capacity);
    }
  }

  /** Sets the rate (and capacity), e.g. when slowing down after a 429 or recovering. */
  void setRate(double perMinute) {
    capacity = perMinute;
    perNano = perMinute / 60e9;
    level = Math.min(level, capacity);
  }
}

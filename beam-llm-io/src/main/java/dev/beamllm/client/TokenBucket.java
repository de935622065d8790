package dev.beamllm.client;

import java.util.function.DoubleSupplier;

/**
 * A continuously refilled bucket, full at start, like the providers', held in this JVM. It never
 * fills above its capacity less what is still on its way to the provider ({@link InTransit}): the
 * provider's bucket, full until those requests arrive, earns nothing meanwhile. Not thread-safe:
 * the {@link Scheduler} guards it.
 */
final class TokenBucket implements Bucket {
  private final DoubleSupplier inTransit;
  private double capacity;
  private double perNano;
  private double level;
  private long last;

  /**
   * @param inTransit what of this bucket's kind (requests or tokens) is admitted and may not have
   *     reached the provider yet
   */
  TokenBucket(double perMinute, long now, DoubleSupplier inTransit) {
    this.inTransit = inTransit;
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
    this.level = perMinute - inTransit.getAsDouble();
    this.last = now;
  }

  @Override
  public void refill(long now) {
    if (now > last) {
      double room = room();
      if (level < room) {
        level = Math.min(room, level + (now - last) * perNano);
      }
      last = now;
    }
  }

  private double room() {
    return capacity - inTransit.getAsDouble();
  }

  double level() {
    return level;
  }

  @Override
  public double capacity() {
    return capacity;
  }

  @Override
  public long nanosUntilAdmits(double amount, double reserve) {
    return nanosUntil(Math.min(capacity, amount + reserve));
  }

  /** Nanoseconds until the level reaches {@code amount} (0 if it already has). */
  long nanosUntil(double amount) {
    if (level >= amount) {
      return 0;
    }
    return (long) Math.ceil((amount - level) / perNano);
  }

  @Override
  public void take(double amount) {
    level -= amount;
  }

  @Override
  public void give(double amount) {
    level = Math.min(Math.max(level, room()), level + amount);
  }

  /** Lowers the level to what the provider says is left. */
  @Override
  public void capAt(double amount) {
    level = Math.min(level, amount);
  }

  /** Adopts a lower per-minute rate (and capacity), e.g. from the provider's headers. */
  @Override
  public void lowerRate(double perMinute) {
    if (perMinute < capacity) {
      capacity = perMinute;
      perNano = perMinute / 60e9;
      level = Math.min(level, capacity);
    }
  }

  /** Sets the rate (and capacity), e.g. when slowing down after a 429 or recovering. */
  @Override
  public void setRate(double perMinute) {
    capacity = perMinute;
    perNano = perMinute / 60e9;
    level = Math.min(level, capacity);
  }
}

package dev.beamllm.client;

import java.util.function.DoubleSupplier;

/**
 * A share of a bucket that every worker of a cluster draws from ({@link RedisQuota}): this worker
 * leases chunks of about a quarter of a second's worth and admits from what it holds, so Redis sees
 * a few calls per second whatever the request rate. A lease is asked for ahead, before the chunk
 * runs out; when the worker holds three chunks (unused reservations come back) all but one go back.
 * While the shared bucket is empty the scheduler waits, and is woken when a lease arrives or when
 * Redis says one can.
 *
 * <p>What this worker tells Redis it holds includes what it admitted that may not have reached the
 * provider yet ({@link InTransit}): the shared bucket, like a local one, must not refill while the
 * provider's, full until those requests arrive, cannot.
 *
 * <p>Called by the {@link Scheduler} under its lock, and by the Redis thread with a lease; the
 * wake-up runs outside this object's lock.
 */
final class LeasedBucket implements Bucket {
  /** Seconds of the rate one lease asks for. */
  private static final double CHUNK_SECONDS = 0.25;

  /** How long the scheduler is told to wait while a lease is on its way: the lease wakes it. */
  private static final long AWAIT_LEASE_NANOS = 1_000_000_000L;

  private final RedisQuota quota;
  private final String key;
  private final Runnable wake;
  private final DoubleSupplier inTransit;
  private double rate;
  private double held;
  private double reserve;
  private boolean asking;
  private long retryAt;

  /**
   * @param inTransit what of this bucket's kind this worker admitted and the provider may not have
   *     received yet (read under the scheduler's lock)
   */
  LeasedBucket(
      RedisQuota quota, String key, double perMinute, Runnable wake, DoubleSupplier inTransit) {
    this.quota = quota;
    this.key = key;
    this.rate = perMinute;
    this.wake = wake;
    this.inTransit = inTransit;
  }

  /** What counts against the shared bucket's refill on this worker's behalf. */
  private double counted() {
    return held + inTransit.getAsDouble();
  }

  private double chunk() {
    return Math.max(1, rate / 60 * CHUNK_SECONDS);
  }

  @Override
  public void refill(long now) {
    // The shared bucket refills in Redis; what this worker holds is already its own.
  }

  @Override
  public synchronized long nanosUntilAdmits(double amount, double reserve) {
    this.reserve = reserve;
    if (held >= amount) {
      return 0;
    }
    long now = System.nanoTime();
    if (asking) {
      return AWAIT_LEASE_NANOS;
    }
    if (now < retryAt) {
      return retryAt - now;
    }
    ask(amount - held);
    return AWAIT_LEASE_NANOS;
  }

  @Override
  public synchronized void take(double amount) {
    held -= amount;
    if (held < chunk() / 2 && !asking && System.nanoTime() >= retryAt) {
      // Ask for the next chunk before this one runs out, so admissions do not wait on Redis.
      ask(0);
    }
  }

  @Override
  public synchronized void give(double amount) {
    held += amount;
    if (held >= 3 * chunk()) {
      // Unused reservations pile up when answers are shorter than their limit: give back all but
      // a chunk, in one call rather than one per answer.
      double surplus = held - chunk();
      held -= surplus;
      quota.bucketCall(key, "give", rate, surplus, 0, 0, counted(), g -> {});
    }
  }

  @Override
  public synchronized void capAt(double amount) {
    held = Math.min(held, amount);
    // What the provider says is left bounds every worker's share, not only this one's.
    quota.bucketCall(key, "cap", rate, Math.max(0, amount), 0, 0, counted(), g -> {});
  }

  @Override
  public synchronized void lowerRate(double perMinute) {
    rate = Math.min(rate, perMinute);
  }

  @Override
  public synchronized void setRate(double perMinute) {
    rate = perMinute;
  }

  @Override
  public synchronized double capacity() {
    return rate;
  }

  /** What this worker holds (tests). */
  synchronized double held() {
    return held;
  }

  /** Gives back what this worker holds: it is closing. */
  synchronized void returnAll() {
    if (held >= 1) {
      quota.bucketCall(key, "give", rate, held, 0, 0, 0, g -> {});
    }
    held = 0;
  }

  /**
   * Asks Redis for at least {@code min} (0: whatever it has, up to a chunk) and a chunk if it can.
   */
  private void ask(double min) {
    asking = true;
    double want = Math.max(chunk(), min);
    quota.bucketCall(
        key, "take", rate, want, Math.max(min, Math.min(1, want)), reserve, counted(), this::got);
  }

  private void got(RedisQuota.Grant grant) {
    boolean wakeNow;
    long wakeIn = 0;
    synchronized (this) {
      asking = false;
      if (grant == null) {
        // Redis failed: try again in a second; requests wait rather than exceed the quota.
        retryAt = System.nanoTime() + 1_000_000_000L;
        wakeIn = 1_000;
        wakeNow = false;
      } else if (grant.granted() > 0) {
        held += grant.granted();
        wakeNow = true;
      } else {
        retryAt = System.nanoTime() + grant.waitMillis() * 1_000_000L;
        wakeIn = Math.max(1, grant.waitMillis());
        wakeNow = false;
      }
    }
    if (wakeNow) {
      wake.run();
    } else {
      quota.later(wake, wakeIn);
    }
  }
}

package dev.beamllm.client;

/**
 * This worker's part of the requests in flight that a cluster shares ({@link RedisQuota}): slots
 * are acquired in small chunks as requests need them and held under a lease that this worker
 * renews; when three chunks lie idle all but one go back, a worker with nothing in flight and
 * nothing asking gives back all it holds after {@link #IDLE_RELEASE_MILLIS} (so an idle worker
 * never keeps a slot a busy one waits for), and if the worker dies its slots come back when the
 * lease runs out.
 *
 * <p>Called by the {@link Scheduler} under its lock, and by the Redis thread with a result; the
 * wake-up runs outside this object's lock.
 */
final class SharedSlots {
  private final RedisQuota quota;
  private final int max;
  private final Runnable wake;
  private final int chunk;

  /**
   * How long a worker with nothing in flight keeps its slots: long enough that a worker between two
   * requests does not pay a Redis round trip for each, short enough that a cluster whose limit is
   * no larger than its worker count does not wait on idle workers.
   */
  static final long IDLE_RELEASE_MILLIS = 250;

  private long held;
  private boolean asking;
  private long retryAt;
  private int out;
  private long lastUse = System.nanoTime();
  private boolean idleCheckDue;

  SharedSlots(RedisQuota quota, int max, Runnable wake) {
    this.quota = quota;
    this.max = max;
    this.wake = wake;
    this.chunk = Math.max(1, Math.min(64, max / 32));
    renewLater();
  }

  /**
   * Whether one more request may go while {@code inFlight} are out; when not, more slots are asked
   * for and the scheduler is woken when they come.
   */
  synchronized boolean admits(int inFlight) {
    lastUse = System.nanoTime();
    if (inFlight < held) {
      out = inFlight + 1;
      return true;
    }
    if (!asking && System.nanoTime() >= retryAt) {
      asking = true;
      quota.slotsCall("acquire", chunk, max, this::acquired);
    }
    return false;
  }

  /**
   * A request ended with {@code inFlight} still out: when three chunks lie idle, all but one go
   * back, in one call.
   */
  synchronized void ended(int inFlight) {
    out = inFlight;
    lastUse = System.nanoTime();
    long idle = held - inFlight;
    if (idle >= 3L * chunk) {
      long surplus = idle - chunk;
      held -= surplus;
      quota.slotsCall("release", surplus, max, s -> {});
    }
    if (inFlight == 0 && held > 0 && !idleCheckDue) {
      idleCheckDue = true;
      quota.later(this::releaseIfIdle, IDLE_RELEASE_MILLIS);
    }
  }

  /** Gives every slot back when nothing went out or asked to since the last request ended. */
  private synchronized void releaseIfIdle() {
    idleCheckDue = false;
    if (held == 0 || out > 0) {
      return;
    }
    long idleMillis = (System.nanoTime() - lastUse) / 1_000_000L;
    if (idleMillis < IDLE_RELEASE_MILLIS) {
      idleCheckDue = true;
      quota.later(this::releaseIfIdle, IDLE_RELEASE_MILLIS - idleMillis);
      return;
    }
    quota.slotsCall("release", held, max, s -> {});
    held = 0;
  }

  /** Slots this worker holds. */
  synchronized long held() {
    return held;
  }

  /** Gives every slot back: the client is closing. */
  synchronized void releaseAll() {
    if (held > 0) {
      quota.slotsCall("release", held, max, s -> {});
    }
    held = 0;
  }

  private void acquired(RedisQuota.Slots slots) {
    boolean more;
    synchronized (this) {
      asking = false;
      if (slots == null || slots.granted() == 0) {
        // None free (or Redis failed): others finish and give back; look again shortly.
        retryAt = System.nanoTime() + 50_000_000L;
        more = false;
      } else {
        held += slots.granted();
        more = true;
      }
    }
    if (more) {
      wake.run();
    } else {
      quota.later(wake, 50);
    }
  }

  /** Renews the lease a third of its length before it would run out, while slots are held. */
  private void renewLater() {
    quota.later(
        () -> {
          boolean renew;
          synchronized (this) {
            renew = held > 0;
          }
          if (renew) {
            quota.slotsCall(
                "renew",
                0,
                max,
                s -> {
                  if (s != null) {
                    synchronized (this) {
                      // A lease that ran out (a stall longer than the lease) lost its slots.
                      held = Math.min(held, s.held());
                    }
                  }
                });
          }
          renewLater();
        },
        quota.slotLeaseMillis() / 3);
  }
}

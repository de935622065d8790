package dev.beamllm.client;

import java.util.List;

/**
 * The cluster's ledger of one spending cap, held on the Redis server of the shared limits ({@link
 * SharedLimits}): the money every worker has spent, and what each worker holds reserved for its
 * attempts in flight. A worker asks for room before it sends, tells what its answers cost and gives
 * back what it no longer needs, all in one atomic Lua script per exchange, so the spent money plus
 * every worker's reservations never pass the cap however many workers ask at once.
 *
 * <p>A worker's reservations are a lease: each exchange renews it, and a worker silent past its
 * lease (it died) loses them at the next exchange of any worker, so a crashed worker does not hold
 * the cap forever. What it had spent stays spent. Keys are {@code beamllm:<namespace>:budget:<cap
 * in millionths>:...}: the clients of one namespace with the same cap share one ledger (a job-wide
 * cap when every transform of the job names the same one), and a job resumed under the same
 * namespace finds what it spent before. The keys expire after a day untouched.
 *
 * <p>Calls run on the shared limits' Redis thread ({@link RedisQuota}); amounts are in millionths
 * of a dollar.
 */
final class RedisBudget {
  /** How long a ledger nobody touches lives. */
  static final long IDLE_MILLIS = 86_400_000L;

  /**
   * One exchange of a worker with the ledger. KEYS[1]: the money spent (an integer); KEYS[2]: what
   * each worker holds (worker -> millionths); KEYS[3]: each worker's lease expiry. ARGV: cap,
   * worker, lease ms, release, cost, want, min, idle ms. The worker gives back {@code release} of
   * what it holds and adds {@code cost} to the money spent; then, when {@code want} is positive, it
   * is granted up to {@code want} and at least {@code min} if the cap has that much room beside the
   * money spent and every worker's holdings, or nothing. Workers whose lease ran out lose their
   * holdings first. Returns the granted amount, the money spent, the holdings of all workers and
   * this worker's.
   */
  private static final String SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local cap = tonumber(ARGV[1])
      local worker = ARGV[2]
      local lease = tonumber(ARGV[3])
      local want = tonumber(ARGV[6])
      local min = tonumber(ARGV[7])
      for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
        redis.call('HDEL', KEYS[2], w)
        redis.call('ZREM', KEYS[3], w)
      end
      local spent = tonumber(redis.call('INCRBY', KEYS[1], ARGV[5]))
      local total = 0
      for _, v in ipairs(redis.call('HVALS', KEYS[2])) do total = total + tonumber(v) end
      local mine = tonumber(redis.call('HGET', KEYS[2], worker) or '0')
      local others = total - mine
      mine = math.max(0, mine - tonumber(ARGV[4]))
      local granted = 0
      if want > 0 then
        local free = cap - spent - others - mine
        if free >= min then granted = math.min(want, free) end
      end
      mine = mine + granted
      if mine > 0 then
        redis.call('HSET', KEYS[2], worker, string.format('%.0f', mine))
        redis.call('ZADD', KEYS[3], now + lease, worker)
      else
        redis.call('HDEL', KEYS[2], worker)
        redis.call('ZREM', KEYS[3], worker)
      end
      for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[8]) end
      return {granted, spent, others + mine, mine}
      """;

  /**
   * What the ledger answered.
   *
   * @param granted the room granted to this worker
   * @param spent the money every worker has spent
   * @param held what every worker holds reserved, this one included
   * @param mine what this worker holds, the room granted included
   */
  record Reply(long granted, long spent, long held, long mine) {}

  private final RedisQuota quota;
  private final long capMicros;
  private final List<String> keys;

  /** The ledger of this cap in the namespace of {@code quota}. */
  RedisBudget(RedisQuota quota, long capMicros) {
    this.quota = quota;
    this.capMicros = capMicros;
    String prefix = "beamllm:" + quota.namespace() + ":budget:" + capMicros + ":";
    this.keys = List.of(prefix + "spent", prefix + "held", prefix + "leases");
  }

  /** How long this worker's holdings outlive its last exchange. */
  long leaseMillis() {
    return quota.slotLeaseMillis();
  }

  /** Runs a task on the Redis thread; dropped once the client is closing. */
  void run(Runnable task) {
    quota.run(task);
  }

  /** Runs a task on the Redis thread after a delay; dropped once the client is closing. */
  void later(Runnable task, long delayMillis) {
    quota.later(task, delayMillis);
  }

  /**
   * Exchanges with the ledger, on the Redis thread ({@link #run}, {@link #later}): gives back
   * {@code release}, adds {@code cost} to the money spent, and asks for room (see {@link #SCRIPT}).
   *
   * @return the answer, or null when Redis failed; the caller tells it again at its next exchange
   *     (should the failure have come after the script ran, that exchange counts twice: its cost,
   *     erring on the side of the cap, and its release, which the cluster may then overspend by)
   */
  Reply exchange(long release, long cost, long want, long min) {
    List<Object> r =
        quota.evalHere(
            SCRIPT,
            keys,
            List.of(
                Long.toString(capMicros),
                quota.worker(),
                Long.toString(leaseMillis()),
                Long.toString(release),
                Long.toString(cost),
                Long.toString(want),
                Long.toString(Math.max(1, min)),
                Long.toString(IDLE_MILLIS)));
    return r == null
        ? null
        : new Reply((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), (Long) r.get(3));
  }
}

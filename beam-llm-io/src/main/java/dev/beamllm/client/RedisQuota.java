package dev.beamllm.client;

import dev.beamllm.redis.RedisConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The quota every worker of a cluster shares, held on a Redis server: buckets that workers lease
 * chunks from ({@link LeasedBucket}), requests in flight that workers hold as leases which expire
 * when a worker dies ({@link SharedSlots}), and what workers learn from the providers (a model's
 * real limits, a cool-down after a 429). Each change is one Lua script, so it is atomic however
 * many workers call at once; workers call a few times per second, not once per request.
 *
 * <p>All Redis calls run on one thread of this JVM, in order, so the scheduler never waits on the
 * network: results come back through callbacks. Keys are {@code beamllm:<namespace>:<account>:...},
 * where the account is a fingerprint of the client's provider keys (never the keys), and expire
 * when no worker touches them.
 */
final class RedisQuota implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisQuota.class.getName());

  /** How long a bucket nobody touches lives: after a minute idle it is full, as a new one is. */
  private static final long BUCKET_IDLE_MILLIS = 120_000;

  /** How long a worker's slots outlive its last renewal. */
  private static final long SLOT_LEASE_MILLIS = 10_000;

  private static final long POLL_MILLIS = 250;

  /**
   * Takes, gives back or caps a bucket. KEYS[1]: the bucket (level, ts); KEYS[2]: what each worker
   * holds of it (worker -> "amount|ms"). ARGV: op, rate per minute, amount, min, reserve, idle ms,
   * worker, what the worker holds now. A bucket starts full and refills continuously, by the
   * server's clock, so the workers' clocks do not matter. What workers hold and have not spent yet
   * counts against it: the level never refills above the rate less their leases, or a full bucket
   * plus the leases would go out in one burst. A worker silent for {@value #HOLDER_STALE_MILLIS} ms
   * no longer counts (it died, or spent what it held). 'take' grants up to amount and at least min,
   * keeping the reserve, or grants nothing and says how many milliseconds until min can be granted.
   */
  private static final String BUCKET_SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
      local rate = tonumber(ARGV[2])
      local amount = tonumber(ARGV[3])
      local worker = ARGV[7]
      local mine = tonumber(ARGV[8])
      local others = 0
      local holders = redis.call('HGETALL', KEYS[2])
      for i = 1, #holders, 2 do
        if holders[i] ~= worker then
          local sep = string.find(holders[i + 1], '|', 1, true)
          local held = tonumber(string.sub(holders[i + 1], 1, sep - 1))
          local at = tonumber(string.sub(holders[i + 1], sep + 1))
          if now - at < tonumber(ARGV[9]) then
            others = others + held
          else
            redis.call('HDEL', KEYS[2], holders[i])
          end
        end
      end
      local cap = math.max(0, rate - others - mine)
      local level = tonumber(redis.call('HGET', KEYS[1], 'level'))
      local ts = tonumber(redis.call('HGET', KEYS[1], 'ts'))
      if level == nil or ts == nil then level = cap; ts = now end
      if now > ts then level = level + (now - ts) * rate / 60000; ts = now end
      level = math.min(level, cap)
      local granted = 0
      local wait = 0
      local op = ARGV[1]
      if op == 'take' then
        local min = tonumber(ARGV[4])
        local reserve = tonumber(ARGV[5])
        local need = math.min(rate, min + reserve)
        if level >= need then
          granted = math.min(amount, math.max(min, level - reserve))
          level = level - granted
        else
          wait = math.ceil((need - level) * 60000 / rate)
        end
      elseif op == 'give' then
        level = math.min(cap, level + amount)
      elseif op == 'cap' then
        level = math.min(level, amount - others - mine)
      end
      redis.call('HSET', KEYS[1], 'level', tostring(level), 'ts', tostring(ts))
      redis.call('HSET', KEYS[2], worker, tostring(mine + granted) .. '|' .. tostring(now))
      redis.call('PEXPIRE', KEYS[1], ARGV[6])
      redis.call('PEXPIRE', KEYS[2], ARGV[6])
      return {tostring(granted), tostring(wait)}
      """;

  /** A worker that has not called for this long no longer counts as holding any lease. */
  private static final long HOLDER_STALE_MILLIS = 3_000;

  /**
   * Acquires, releases or renews a worker's requests in flight. KEYS[1]: slots held per worker,
   * KEYS[2]: each worker's lease expiry. ARGV: op, worker, amount, max, lease ms. Workers whose
   * lease ran out (they died, or stalled past it) lose their slots first. Returns the slots granted
   * and the worker's slots after the call.
   */
  private static final String SLOTS_SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local lease = tonumber(ARGV[5])
      for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
        redis.call('HDEL', KEYS[1], w)
        redis.call('ZREM', KEYS[2], w)
      end
      local worker = ARGV[2]
      local amount = tonumber(ARGV[3])
      local held = tonumber(redis.call('HGET', KEYS[1], worker) or '0')
      local granted = 0
      if ARGV[1] == 'acquire' then
        local total = 0
        for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
        granted = math.max(0, math.min(amount, tonumber(ARGV[4]) - total))
        held = held + granted
      elseif ARGV[1] == 'release' then
        held = math.max(0, held - amount)
      end
      if held > 0 then
        redis.call('HSET', KEYS[1], worker, held)
        redis.call('ZADD', KEYS[2], now + lease, worker)
      else
        redis.call('HDEL', KEYS[1], worker)
        redis.call('ZREM', KEYS[2], worker)
      end
      redis.call('PEXPIRE', KEYS[1], lease * 6)
      redis.call('PEXPIRE', KEYS[2], lease * 6)
      return {granted, held}
      """;

  /** What workers learned about one model, as read from Redis. */
  record ModelFacts(String model, long coolDownMillis, long requestLimit, long tokenLimit) {}

  /** Receives what other workers learned. */
  interface FactsListener {
    void learned(ModelFacts facts);
  }

  private final SharedLimits config;
  private final long slotLeaseMillis;
  private final String prefix;
  private final String worker = UUID.randomUUID().toString();
  private final RedisClient redis;
  private final ScheduledThreadPoolExecutor executor;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong();
  private volatile FactsListener listener = facts -> {};

  /**
   * Connects and checks that the server answers.
   *
   * @param account a fingerprint of the provider account (keys), never a key
   * @throws IllegalStateException naming the server (password masked) when it cannot be reached
   */
  RedisQuota(SharedLimits config, String account) {
    this(config, account, SLOT_LEASE_MILLIS);
  }

  /** As above, with the slot lease's length (tests). */
  RedisQuota(SharedLimits config, String account, long slotLeaseMillis) {
    this.config = config;
    this.slotLeaseMillis = slotLeaseMillis;
    this.prefix = "beamllm:" + config.namespace() + ":" + account + ":";
    this.redis = RedisConnections.client(config.server());
    ping(config);
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "beamllm-shared-limits");
              t.setDaemon(true);
              return t;
            });
    // At close, what is queued (leases given back) runs; retries waiting for later do not.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Checks that the server of {@code config} answers PING. */
  static void ping(SharedLimits config) {
    try {
      RedisConnections.client(config.server()).ping();
    } catch (JedisException e) {
      throw unreachable(config, e);
    }
  }

  private static IllegalStateException unreachable(SharedLimits config, JedisException e) {
    return new IllegalStateException(
        "sharedLimits: cannot reach "
            + config.displayUri()
            + ": "
            + SharedLimits.masked(rootCause(e).getMessage()));
  }

  /** The key prefix of this job and account. */
  String prefix() {
    return prefix;
  }

  /** This worker's id in the slot leases. */
  String worker() {
    return worker;
  }

  /** How long this worker's slots outlive its last renewal. */
  long slotLeaseMillis() {
    return slotLeaseMillis;
  }

  /** Redis calls made so far. */
  long calls() {
    return calls.get();
  }

  void listen(FactsListener listener) {
    this.listener = listener;
  }

  /** A bucket of the shared quota, by its name within the job's namespace. */
  LeasedBucket bucket(String name, double perMinute, Runnable wake, DoubleSupplier inTransit) {
    return new LeasedBucket(this, prefix + "bucket:" + name, perMinute, wake, inTransit);
  }

  /** The shared requests in flight, at most {@code max} across the cluster. */
  SharedSlots slots(int max, Runnable wake) {
    return new SharedSlots(this, max, wake);
  }

  /** Result of a bucket call: granted amount, and milliseconds until a refused take can go. */
  record Grant(double granted, long waitMillis) {}

  /** Result of a slots call. */
  record Slots(long granted, long held) {}

  interface Callback<T> {
    void done(T result);
  }

  /**
   * Runs a bucket operation on the Redis thread; {@code done} gets null when Redis failed.
   *
   * @param held what this worker holds of the bucket, not counting what this call grants
   */
  void bucketCall(
      String key,
      String op,
      double perMinute,
      double amount,
      double min,
      double reserve,
      double held,
      Callback<Grant> done) {
    script(
        BUCKET_SCRIPT,
        List.of(key, key + ":holders"),
        List.of(
            op,
            num(perMinute),
            num(amount),
            num(min),
            num(reserve),
            Long.toString(BUCKET_IDLE_MILLIS),
            worker,
            num(Math.max(0, held)),
            Long.toString(HOLDER_STALE_MILLIS)),
        r ->
            new Grant(
                Double.parseDouble(r.get(0).toString()),
                (long) Double.parseDouble(r.get(1).toString())),
        done);
  }

  /** Runs a slots operation on the Redis thread; {@code done} gets null when Redis failed. */
  void slotsCall(String op, long amount, int max, Callback<Slots> done) {
    script(
        SLOTS_SCRIPT,
        List.of(prefix + "slots", prefix + "slot-leases"),
        List.of(
            op,
            worker,
            Long.toString(amount),
            Integer.toString(max),
            Long.toString(slotLeaseMillis)),
        r -> new Slots((Long) r.get(0), (Long) r.get(1)),
        done);
  }

  /**
   * Runs a task on the Redis thread, after the calls queued before it; dropped once the client is
   * closing.
   */
  void run(Runnable task) {
    submit(task);
  }

  /**
   * Evaluates a script now, on the calling thread (which must be the Redis thread: {@link #run} or
   * {@link #later}), so that a caller can read its state, call and apply the reply in one task.
   *
   * @return the script's reply, or null when Redis failed (logged, at most every ten seconds)
   */
  @SuppressWarnings("unchecked")
  List<Object> evalHere(String script, List<String> keys, List<String> args) {
    try {
      calls.incrementAndGet();
      return (List<Object>) redis.eval(script, keys, args);
    } catch (RuntimeException e) {
      failed(e);
      return null;
    }
  }

  /** The namespace of the job's keys. */
  String namespace() {
    return config.namespace();
  }

  /** Runs a script on the Redis thread and hands its parsed reply, or null on failure, on. */
  private <T> void script(
      String script,
      List<String> keys,
      List<String> args,
      java.util.function.Function<List<Object>, T> parse,
      Callback<T> done) {
    submit(
        () -> {
          T result = null;
          try {
            calls.incrementAndGet();
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) redis.eval(script, keys, args);
            result = parse.apply(reply);
          } catch (RuntimeException e) {
            failed(e);
          }
          done.done(result);
        });
  }

  /** Runs a task on the Redis thread after a delay. */
  void later(Runnable task, long delayMillis) {
    try {
      executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // the client is closing; nothing waits for this any more
    }
  }

  /** Reads what other workers learned about this model from now on. */
  void watch(String model) {
    watched.add(model);
  }

  /** Tells every worker to pause this model for {@code millis}: it answered 429. */
  void publishCoolDown(String model, long millis) {
    submit(
        () -> {
          try {
            calls.incrementAndGet();
            String key = prefix + "model:" + model + ":cool";
            long left = redis.pttl(key);
            if (left < millis) {
              redis.psetex(key, Math.max(1, millis), "1");
            }
          } catch (RuntimeException e) {
            failed(e);
          }
        });
  }

  /** Tells every worker the model's real limits, read from the provider's headers. */
  void publishLimits(String model, long requestLimit, long tokenLimit) {
    submit(
        () -> {
          try {
            calls.incrementAndGet();
            String key = prefix + "model:" + model + ":limits";
            Map<String, String> fields = new java.util.HashMap<>();
            if (requestLimit > 0) {
              fields.put("requests", Long.toString(requestLimit));
            }
            if (tokenLimit > 0) {
              fields.put("tokens", Long.toString(tokenLimit));
            }
            if (!fields.isEmpty()) {
              redis.hset(key, fields);
              redis.pexpire(key, BUCKET_IDLE_MILLIS * 5);
            }
          } catch (RuntimeException e) {
            failed(e);
          }
        });
  }

  /** Reads cool-downs and limits other workers published for the models this worker uses. */
  private void poll() {
    if (watched.isEmpty()) {
      return;
    }
    List<ModelFacts> facts = new ArrayList<>();
    calls.incrementAndGet();
    List<String> models = new ArrayList<>(watched);
    try (var p = redis.pipelined()) {
      List<redis.clients.jedis.Response<Long>> cools = new ArrayList<>();
      List<redis.clients.jedis.Response<List<String>>> limits = new ArrayList<>();
      for (String m : models) {
        cools.add(p.pttl(prefix + "model:" + m + ":cool"));
        limits.add(p.hmget(prefix + "model:" + m + ":limits", "requests", "tokens"));
      }
      p.sync();
      for (int i = 0; i < models.size(); i++) {
        long cool = Math.max(0, cools.get(i).get());
        List<String> l = limits.get(i).get();
        long rpm = l.get(0) == null ? 0 : Long.parseLong(l.get(0));
        long tpm = l.get(1) == null ? 0 : Long.parseLong(l.get(1));
        if (cool > 0 || rpm > 0 || tpm > 0) {
          facts.add(new ModelFacts(models.get(i), cool, rpm, tpm));
        }
      }
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    for (ModelFacts f : facts) {
      try {
        listener.learned(f);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "shared limits: " + e);
      }
    }
  }

  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      // the client is closing: what was leased is given back by expiry
    }
  }

  /** Logs a Redis failure at most every ten seconds; the password never appears. */
  private void failed(Exception e) {
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if (now - last > 10_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "shared limits: Redis at "
              + config.displayUri()
              + " failed ("
              + SharedLimits.masked(rootMessage(e))
              + "); requests wait until it answers again");
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = rootCause(e);
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * Runs what is queued (slots and leases given back), then stops the Redis thread and closes the
   * connections.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(
          RedisConnections.SOCKET_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    // The connection pool is the JVM's, shared with other clients and caches on the server.
  }
}

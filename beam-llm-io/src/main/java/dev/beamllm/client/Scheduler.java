package dev.beamllm.client;

import dev.beamllm.provider.RateLimitInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Admits requests so that requests/min, tokens/min and requests in flight stay within the client's
 * limits and within what each provider says it allows, without polling: when nothing can go, one
 * timer is set for the moment something can.
 *
 * <ul>
 *   <li>Buckets start full, as the providers' do, less a small reserve that absorbs the delay
 *       between our admission and the provider's, so the steady rate is the full limit.
 *   <li>Tokens are reserved at admission (input estimate + output limit, the estimate scaled by
 *       what the model's provider has been charging for such estimates) and settled when the
 *       answer's usage is known: the unused part comes back, a charge above the reservation is
 *       taken.
 *   <li>Until the first answer arrives only a probe window of requests goes out, so limits set
 *       higher than the provider's do not turn into a burst of 429s.
 *   <li>A provider's rate-limit headers give each model its own buckets: their limit becomes the
 *       model's rate, and what they say is left (less what we sent since) caps the model's level.
 *   <li>A 429 pauses new dispatches to the model that drew it (only that model: the others keep
 *       going) for the provider's retry-after; without rate-limit headers it also slows the model
 *       down by a fifth, recovering gradually.
 * </ul>
 */
final class Scheduler implements AutoCloseable {
  /** Work waiting for admission. */
  interface Job {
    String model();

    /** The tokens to reserve, asked when the job is looked at for admission. */
    long tokens();

    long submittedNanos();

    /**
     * Starts the work; {@link Scheduler#finished} or {@link Scheduler#release} must follow exactly
     * once.
     */
    void start(Admission admission);
  }

  /**
   * The scheduler's record of one admission.
   *
   * @param seq the model's dispatch number
   * @param tokensBefore the model's tokens reserved before this one
   * @param tokens the tokens reserved
   * @param at when it was admitted ({@link System#nanoTime()})
   */
  record Admission(long seq, long tokensBefore, long tokens, long at) {}

  private static final double RESERVE_SHARE = 0.005;
  private static final double SLOW_DOWN = 0.8;
  private static final long DEFAULT_COOL_DOWN_NANOS = 1_000_000_000L;

  /** How many jobs of held-back models one pass looks past, so a long queue costs bounded time. */
  private static final int MAX_SKIPPED = 256;

  private final Limits limits;
  private final Bucket requests;
  private final Bucket tokens;
  private final RedisQuota quota;
  private final SharedSlots slots;
  private final double requestReserve;
  private final double tokenReserve;
  private final int probeWindow;
  private final Map<String, ModelState> models = new HashMap<>();
  private final Map<String, Limits> perModel;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final InTransit transit = new InTransit();
  private final ScheduledExecutorService timer;
  private final AtomicLong throttledNanos = new AtomicLong();
  private int inFlight;
  private boolean closed;
  private boolean probing = true;
  private ScheduledFuture<?> wakeup;
  private long wakeupAt = Long.MAX_VALUE;

  /** Per-model state learned from the provider. */
  private static final class ModelState {
    Bucket requests;
    Bucket tokens;
    boolean headers;
    long seq;
    long reserved;
    double slowedRate;

    /** No dispatch to this model before this time: the provider answered 429 (nanoTime). */
    long coolDownUntil;

    /**
     * Whether the provider's headers have been read once: the first reading is the cautious one.
     */
    boolean synced;

    /** The requests in flight, by dispatch number. */
    final TreeMap<Long, Reservation> inFlight = new TreeMap<>();
  }

  /** What a request in flight holds: its tokens (which may grow in flight) and its transit. */
  private static final class Reservation {
    long tokens;
    final InTransit.Sent sent;

    Reservation(long tokens, InTransit.Sent sent) {
      this.tokens = tokens;
      this.sent = sent;
    }
  }

  Scheduler(Limits limits) {
    this(limits, Map.of(), null);
  }

  /** Where the cluster's shared limits are held, or null: this JVM's limits only. */
  RedisQuota sharedQuota() {
    return quota;
  }

  /**
   * A scheduler with limits of single models as well, by the names jobs give ({@link Job#model()}):
   * their buckets start full at the given rates, and a provider's headers can only lower them.
   *
   * @param quota where the limits every worker of a cluster shares are held, or null: the limits
   *     are this JVM's
   */
  Scheduler(Limits limits, Map<String, Limits> perModel, RedisQuota quota) {
    this.limits = limits;
    this.perModel = Map.copyOf(perModel);
    this.quota = quota;
    long now = System.nanoTime();
    this.requests =
        limits.requestsPerMinute() > 0
            ? bucket("requests", limits.requestsPerMinute(), now, transit::requests)
            : null;
    this.tokens =
        limits.tokensPerMinute() > 0
            ? bucket("tokens", limits.tokensPerMinute(), now, transit::tokens)
            : null;
    this.slots =
        quota != null && limits.maxConcurrentRequests() > 0
            ? quota.slots(limits.maxConcurrentRequests(), this::poke)
            : null;
    this.requestReserve = Math.max(1, limits.requestsPerMinute() * RESERVE_SHARE);
    this.tokenReserve = limits.tokensPerMinute() * RESERVE_SHARE;
    this.probeWindow =
        limits.requestsPerMinute() > 0
            ? (int) Math.max(8, Math.min(200, limits.requestsPerMinute() / 20))
            : Integer.MAX_VALUE;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "beamllm-scheduler");
              t.setDaemon(true);
              return t;
            });
    if (quota != null) {
      quota.listen(this::learnedElsewhere);
    }
  }

  /**
   * A bucket of this JVM, or a lease of the cluster's bucket of that name.
   *
   * @param inTransit what of the bucket's kind is on its way to the provider
   */
  private Bucket bucket(String name, double perMinute, long now, DoubleSupplier inTransit) {
    return quota == null
        ? new TokenBucket(perMinute, now, inTransit)
        : quota.bucket(name, perMinute, this::poke, inTransit);
  }

  private Bucket modelRequests(String model, double perMinute, long now) {
    return bucket("model:" + model + ":requests", perMinute, now, () -> transit.requests(model));
  }

  private Bucket modelTokens(String model, double perMinute, long now) {
    return bucket("model:" + model + ":tokens", perMinute, now, () -> transit.tokens(model));
  }

  /**
   * Brings the client's buckets and a model's up to {@code now}: done before anything in transit
   * changes, so the time before is earned under what was in transit then.
   */
  private void refill(ModelState m, long now) {
    refill(requests, now);
    refill(tokens, now);
    refill(m.requests, now);
    refill(m.tokens, now);
  }

  private static void refill(Bucket b, long now) {
    if (b != null) {
      b.refill(now);
    }
  }

  /** Looks at the queue again soon, on the scheduler's thread: shared capacity arrived. */
  private synchronized void poke() {
    if (!closed) {
      wakeAt(System.nanoTime());
    }
  }

  /** Queues a job; it starts as soon as the limits allow. */
  void submit(Job job) {
    List<Runnable> go;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the client is closed");
      }
      queue.add(job);
      go = pump();
    }
    runAll(go);
  }

  /**
   * Runs a task after a delay on the scheduler's timer (a retry's backoff before it picks a model).
   */
  void later(Runnable task, long delayNanos) {
    if (delayNanos <= 0) {
      task.run();
      return;
    }
    try {
      timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closedMeanwhile) {
      task.run();
    }
  }

  /**
   * Records the end of an admitted job and lets the next ones go.
   *
   * @param model the model it went to
   * @param admission its admission
   * @param usedTokens the tokens the provider charged (0 for errors: the reservation comes back)
   * @param info the answer's rate-limit headers
   * @param rateLimited whether the answer was a 429
   * @param retryAfterNanos the provider's retry-after, or -1
   */
  void finished(
      String model,
      Admission admission,
      long usedTokens,
      RateLimitInfo info,
      boolean rateLimited,
      long retryAfterNanos) {
    List<Runnable> go;
    synchronized (this) {
      long now = System.nanoTime();
      inFlight--;
      probing = false;
      if (slots != null) {
        slots.ended(inFlight);
      }
      // Settled with what the provider charged: the unused part comes back, and a charge above
      // the reservation (a provider counting the prompt its own way) is taken, so the next
      // admissions wait for it instead of drawing 429s. The reservation may have grown in flight
      // (see rescale).
      ModelState m = models.computeIfAbsent(model, this::newModelState);
      refill(m, now);
      Reservation reserved = m.inFlight.remove(admission.seq());
      if (reserved != null) {
        transit.arrived(reserved.sent);
      }
      long unused = (reserved != null ? reserved.tokens : admission.tokens()) - usedTokens;
      if (tokens != null && unused != 0) {
        tokens.give(unused);
      }
      if (m.tokens != null && unused != 0) {
        m.tokens.give(unused);
      }
      learn(model, m, admission, info, now, rateLimited);
      if (rateLimited) {
        long coolDown = retryAfterNanos >= 0 ? retryAfterNanos : DEFAULT_COOL_DOWN_NANOS;
        m.coolDownUntil = Math.max(m.coolDownUntil, now + coolDown);
        if (quota != null) {
          quota.publishCoolDown(model, Math.max(1, coolDown / 1_000_000));
        }
        if (!m.headers && limits.requestsPerMinute() > 0) {
          slowDown(model, m, now);
        }
      } else if (m.slowedRate > 0) {
        recover(m);
      }
      go = pump();
    }
    runAll(go);
  }

  /**
   * A model's provider turned out to charge {@code factor} times what the reservations in flight
   * assumed (the client just learnt how it counts prompts): the difference is taken now, rather
   * than as each of them is settled, so that what is admitted meanwhile does not overspend. The
   * output part of each reservation is scaled too, which errs on the safe side: settlement gives
   * the excess back.
   */
  void rescale(String model, double factor) {
    if (!(factor > 1)) {
      return;
    }
    synchronized (this) {
      ModelState m = models.get(model);
      if (m == null || m.inFlight.isEmpty()) {
        return;
      }
      refill(m, System.nanoTime());
      long extra = 0;
      for (Reservation r : m.inFlight.values()) {
        long add = (long) Math.ceil(r.tokens * (factor - 1));
        r.tokens += add;
        transit.grew(r.sent, add);
        extra += add;
      }
      // Counted as reserved after every admission so far: a first reading of the provider's
      // headers then subtracts it (see learn), which errs on the safe side.
      m.reserved += extra;
      if (tokens != null) {
        tokens.take(extra);
      }
      if (m.tokens != null) {
        m.tokens.take(extra);
      }
    }
  }

  /**
   * Frees the slot of an admitted job that charged nothing and learned nothing from the provider:
   * it was never sent (its model was given up while it waited, a key is missing, the model's API
   * cannot carry it), or no answer came back (a transport error). Its reserved tokens come back.
   */
  void release(String model, Admission admission) {
    finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
  }

  private ModelState newModelState(String model) {
    ModelState m = new ModelState();
    Limits own = perModel.get(model);
    if (own != null) {
      long now = System.nanoTime();
      m.requests =
          own.requestsPerMinute() > 0 ? modelRequests(model, own.requestsPerMinute(), now) : null;
      m.tokens = own.tokensPerMinute() > 0 ? modelTokens(model, own.tokensPerMinute(), now) : null;
    }
    if (quota != null) {
      quota.watch(model);
    }
    return m;
  }

  /**
   * Adopts what another worker learned about a model: a cool-down after its 429, and the model's
   * real limits from its provider's headers.
   */
  private void learnedElsewhere(RedisQuota.ModelFacts facts) {
    synchronized (this) {
      if (closed) {
        return;
      }
      long now = System.nanoTime();
      ModelState m = models.computeIfAbsent(facts.model(), this::newModelState);
      if (facts.coolDownMillis() > 0) {
        m.coolDownUntil = Math.max(m.coolDownUntil, now + facts.coolDownMillis() * 1_000_000);
        wakeAt(m.coolDownUntil);
      }
      adoptLimits(m, facts.model(), facts.requestLimit(), facts.tokenLimit(), now);
    }
  }

  /** Starts this thread is running now; starts admitted meanwhile join them instead of nesting. */
  private static final ThreadLocal<ArrayDeque<Runnable>> RUNNING = new ThreadLocal<>();

  /**
   * Runs admitted starts outside the lock. A start may end at once and free its slot (a request to
   * a model given up, a key that is missing), which admits the next start: run on this thread's
   * outer loop rather than nested, a queue of thousands such requests cannot overflow the stack.
   */
  private static void runAll(List<Runnable> go) {
    if (go.isEmpty()) {
      return;
    }
    ArrayDeque<Runnable> running = RUNNING.get();
    if (running != null) {
      running.addAll(go);
      return;
    }
    running = new ArrayDeque<>(go);
    RUNNING.set(running);
    try {
      for (Runnable r; (r = running.poll()) != null; ) {
        try {
          r.run();
        } catch (RuntimeException e) {
          // One start's bug must not strand the starts queued behind it.
          System.getLogger(Scheduler.class.getName())
              .log(System.Logger.Level.WARNING, "a request could not start: " + e);
        }
      }
    } finally {
      RUNNING.remove();
    }
  }

  /** Nanoseconds until the model may be sent to again after a 429 (0: now). */
  synchronized long coolDownNanos(String model) {
    ModelState m = models.get(model);
    return m == null ? 0 : Math.max(0, m.coolDownUntil - System.nanoTime());
  }

  /** Milliseconds jobs have waited for admission, summed. */
  long throttledMillis() {
    return throttledNanos.get() / 1_000_000;
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int queued() {
    return queue.size();
  }

  /**
   * Adopts what the provider's headers say. Its limits always become the model's rates. What it
   * says is left is used only when our own count may be wrong: on the first answer (the probe
   * window went out on the client's belief) and on a 429 (someone else shares the quota, or the
   * belief drifted). Then what it had left when it answered, less what we sent after, bounds what
   * it has left now from below (its refill since is not counted: a provider may state what is left
   * as of the request's arrival or of its answer, and only the later is safe to assume); the first
   * reading also subtracts what we sent before that is still in flight, because on new connections
   * requests overtake each other. The bound is never below zero: a request that overtook is counted
   * twice, and the provider is never in debt, so a negative bound would only stall the client.
   * Reading every answer would let each reordered answer push the level down for good.
   */
  private void learn(
      String model, ModelState m, Admission a, RateLimitInfo info, long now, boolean rateLimited) {
    if (!info.known()) {
      return;
    }
    m.headers = true;
    boolean news =
        (info.requestLimit() > 0
                && (m.requests == null || info.requestLimit() < m.requests.capacity()))
            || (info.tokenLimit() > 0
                && (m.tokens == null || info.tokenLimit() < m.tokens.capacity()));
    adoptLimits(m, model, info.requestLimit(), info.tokenLimit(), now);
    if (news && quota != null) {
      quota.publishLimits(model, info.requestLimit(), info.tokenLimit());
    }
    if (m.synced && !rateLimited) {
      return;
    }
    var overtaking =
        m.synced
            ? Collections.<Long, Reservation>emptySortedMap()
            : m.inFlight.headMap(a.seq(), false);
    if (info.requestsRemaining() >= 0 && m.requests != null) {
      m.requests.refill(now);
      m.requests.capAt(
          Math.max(0, info.requestsRemaining() - (m.seq - a.seq()) - overtaking.size()));
    }
    if (info.tokensRemaining() >= 0 && m.tokens != null) {
      long overtakingTokens = 0;
      for (Reservation r : overtaking.values()) {
        overtakingTokens += r.tokens;
      }
      m.tokens.refill(now);
      m.tokens.capAt(
          Math.max(
              0,
              info.tokensRemaining()
                  - (m.reserved - a.tokensBefore() - a.tokens())
                  - overtakingTokens));
    }
    m.synced = true;
  }

  /** A model's limits as its provider states them become its rates; they can only go down. */
  private void adoptLimits(
      ModelState m, String model, long requestLimit, long tokenLimit, long now) {
    if (requestLimit > 0) {
      if (m.requests == null) {
        m.requests = modelRequests(model, requestLimit, now);
      } else {
        m.requests.refill(now);
        m.requests.lowerRate(requestLimit);
      }
    }
    if (tokenLimit > 0) {
      if (m.tokens == null) {
        m.tokens = modelTokens(model, tokenLimit, now);
      } else {
        m.tokens.refill(now);
        m.tokens.lowerRate(tokenLimit);
      }
    }
  }

  private void slowDown(String model, ModelState m, long now) {
    double current = m.slowedRate > 0 ? m.slowedRate : limits.requestsPerMinute();
    m.slowedRate = Math.max(1, current * SLOW_DOWN);
    if (m.requests == null) {
      // This worker's own caution, without headers to tell the real limit: held locally.
      TokenBucket slowed = new TokenBucket(m.slowedRate, now, () -> transit.requests(model));
      slowed.capAt(0);
      m.requests = slowed;
    } else {
      m.requests.refill(now);
      m.requests.setRate(m.slowedRate);
    }
  }

  /** Each success after a slow-down wins back a little of the rate, up to the client's limit. */
  private void recover(ModelState m) {
    m.slowedRate = Math.min(limits.requestsPerMinute(), m.slowedRate * 1.002 + 0.1);
    m.requests.setRate(m.slowedRate);
    if (m.slowedRate >= limits.requestsPerMinute()) {
      m.slowedRate = 0;
    }
  }

  /** Admits what can go now; returns the starts to run outside the lock. */
  private List<Runnable> pump() {
    List<Runnable> go = new ArrayList<>();
    long now = System.nanoTime();
    int max =
        limits.maxConcurrentRequests() > 0 ? limits.maxConcurrentRequests() : Integer.MAX_VALUE;
    // Jobs keep their order per model; a model held back by its own provider limits does not hold
    // back the models queued behind it. The client-wide budget stays first come, first served.
    Set<String> heldBack = null;
    long modelWait = Long.MAX_VALUE;
    int skipped = 0;
    expireTransit(now);
    for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
      if (inFlight >= max || (probing && inFlight >= probeWindow)) {
        return go;
      }
      if (slots != null && !slots.admits(inFlight)) {
        return go;
      }
      Job job = it.next();
      if (heldBack != null && heldBack.contains(job.model())) {
        if (++skipped >= MAX_SKIPPED) {
          break;
        }
        continue;
      }
      // Priced once per look: the price may change while a job waits (see Job#tokens).
      long jobTokens = job.tokens();
      long clientWait = 0;
      if (requests != null) {
        requests.refill(now);
        clientWait = Math.max(clientWait, requests.nanosUntilAdmits(1, requestReserve));
      }
      if (tokens != null) {
        tokens.refill(now);
        clientWait = Math.max(clientWait, tokens.nanosUntilAdmits(jobTokens, tokenReserve));
      }
      if (clientWait > 0) {
        wakeAt(now + clientWait);
        return go;
      }
      ModelState m = models.computeIfAbsent(job.model(), this::newModelState);
      long wait = Math.max(0, m.coolDownUntil - now);
      if (m.requests != null) {
        m.requests.refill(now);
        wait =
            Math.max(wait, m.requests.nanosUntilAdmits(1, m.requests.capacity() * RESERVE_SHARE));
      }
      if (m.tokens != null) {
        m.tokens.refill(now);
        wait =
            Math.max(
                wait, m.tokens.nanosUntilAdmits(jobTokens, m.tokens.capacity() * RESERVE_SHARE));
      }
      if (wait > 0) {
        if (heldBack == null) {
          heldBack = new HashSet<>();
        }
        heldBack.add(job.model());
        modelWait = Math.min(modelWait, wait);
        continue;
      }
      it.remove();
      if (requests != null) {
        requests.take(1);
      }
      if (tokens != null) {
        tokens.take(jobTokens);
      }
      if (m.requests != null) {
        m.requests.take(1);
      }
      if (m.tokens != null) {
        m.tokens.take(jobTokens);
      }
      m.seq++;
      if (requests != null
          || tokens != null
          || m.headers
          || m.requests != null
          || m.tokens != null) {
        // Only needed where there are buckets to keep or headers to read, and not free.
        m.inFlight.put(
            m.seq, new Reservation(jobTokens, transit.sent(job.model(), jobTokens, now)));
      }
      Admission admission = new Admission(m.seq, m.reserved, jobTokens, now);
      m.reserved += jobTokens;
      inFlight++;
      throttledNanos.addAndGet(Math.max(0, now - job.submittedNanos()));
      go.add(() -> job.start(admission));
    }
    if (modelWait != Long.MAX_VALUE) {
      wakeAt(now + modelWait);
    }
    return go;
  }

  /** Ends the transit of admissions old enough, after bringing every bucket up to {@code now}. */
  private void expireTransit(long now) {
    refill(requests, now);
    refill(tokens, now);
    for (ModelState m : models.values()) {
      refill(m.requests, now);
      refill(m.tokens, now);
    }
    transit.expire(now);
  }

  private void wakeAt(long at) {
    if (wakeup != null && !wakeup.isDone() && wakeupAt <= at) {
      return;
    }
    if (wakeup != null) {
      wakeup.cancel(false);
    }
    wakeupAt = at;
    wakeup =
        timer.schedule(
            () -> {
              List<Runnable> go;
              synchronized (this) {
                wakeupAt = Long.MAX_VALUE;
                go = pump();
              }
              runAll(go);
            },
            Math.max(0, at - System.nanoTime()),
            TimeUnit.NANOSECONDS);
  }

  /** Stops the timer and returns the jobs that were still waiting, for the caller to end. */
  synchronized List<Job> shutdown() {
    closed = true;
    // Retries waiting out their backoff must still end their requests (as cancelled): run them now.
    for (Runnable pending : timer.shutdownNow()) {
      try {
        pending.run();
      } catch (RuntimeException ignored) {
        // a task of a closed client; its request ends through its own error path
      }
    }
    List<Job> waiting = new ArrayList<>(queue);
    queue.clear();
    returnLeases();
    return waiting;
  }

  /** Gives the cluster back the capacity this worker leased and did not use. */
  private void returnLeases() {
    if (quota == null) {
      return;
    }
    List<Bucket> all = new ArrayList<>();
    all.add(requests);
    all.add(tokens);
    for (ModelState m : models.values()) {
      all.add(m.requests);
      all.add(m.tokens);
    }
    for (Bucket b : all) {
      if (b instanceof LeasedBucket leased) {
        leased.returnAll();
      }
    }
    if (slots != null) {
      slots.releaseAll();
    }
  }

  /** Whether {@link #shutdown} was called. */
  synchronized boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    shutdown();
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.ServerToolFees;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * A hard cap on what a client spends ({@link ClientConfig#withMaxCost}): before an attempt is sent,
 * its worst case ({@link #worstCaseMicros}) is reserved; when the attempt ends, the reservation is
 * settled with the answer's real cost, released when the attempt was surely not billed, or kept
 * whole when it may have been (a timeout, an answer that could not be read). An attempt whose worst
 * case does not fit beside the reservations in flight waits for them to settle, first come first
 * served; one that does not fit even beside none is not sent and ends with a {@code BUDGET} error.
 * So the money spent plus what the attempts in flight may still cost stays within the cap, as long
 * as no answer costs more than its worst case. Thread-safe; amounts in millionths of a dollar.
 *
 * <p>With shared limits ({@link ClientConfig#withSharedLimits}) the cap is the cluster's: the money
 * spent and reserved lives in Redis ({@link RedisBudget}), and this client holds there the room its
 * attempts in flight reserve. An attempt that does not fit in what the client holds waits, and the
 * client asks the ledger for room for all its waiting attempts at once, on the Redis thread, never
 * on the caller's; when the cluster has none, the client asks again on its one timer, every {@value
 * #TICK_MILLIS} ms at most, while attempts wait. Settled money goes to the ledger; the room an
 * attempt frees goes to the attempts waiting here that it fits, and the rest back to the ledger, so
 * no worker sits on a remainder too small for its next attempt that another could use.
 */
final class Budget {
  private static final System.Logger LOG = System.getLogger(Budget.class.getName());

  /** Searches assumed for a web search tool without {@code maxUses}. */
  static final int ASSUMED_SEARCHES = 10;

  /** How far an input estimate may fall short of what the provider counts. */
  private static final double INPUT_MARGIN = 1.1;

  /** How often a client with attempts waiting for room in the cluster asks the ledger again. */
  static final long TICK_MILLIS = 250;

  private final long capMicros;
  private final String clientTier;
  private final PromptCache promptCache;

  /** The cluster's ledger, or null: the cap is this client's. */
  private final RedisBudget shared;

  /** Where attempts given room by a ledger answer are woken: never the Redis thread. */
  private final Executor wakeups;

  /** This client's money spent; shared: the cluster's as last seen, a lower bound. */
  private long spentMicros;

  /** What this client's attempts in flight have reserved. */
  private long reservedMicros;

  /** Shared: what the ledger holds for this client, at least {@link #reservedMicros}. */
  private long heldMicros;

  /** Shared: what to give back to the ledger at the next exchange. */
  private long releaseMicros;

  /** Shared: money spent that the ledger has not been told yet. */
  private long untoldMicros;

  /** Shared: the worst cases asked for since the timer last ticked, and in the tick before. */
  private long demandMicros;

  private long lastDemandMicros;

  private boolean exchangeQueued;
  private long lastExchangeNanos = System.nanoTime();
  private boolean closed;
  private boolean leaseLostLogged;
  private final Deque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(long micros, LongConsumer retry) {}

  private Budget(
      long capMicros,
      String clientTier,
      PromptCache promptCache,
      RedisQuota quota,
      Executor wakeups) {
    this.capMicros = capMicros;
    this.clientTier = clientTier;
    this.promptCache = promptCache;
    this.shared = quota == null ? null : new RedisBudget(quota, capMicros);
    this.wakeups = wakeups;
  }

  /**
   * A budget of this many dollars, or null for none.
   *
   * @param clientTier the client's service tier, which prices requests that name none, or null
   * @param promptCache the client's prompt-cache marks, whose writes cost more than input
   * @param quota the cluster's shared limits, whose Redis server then holds the cap for every
   *     worker, or null: the cap is this client's
   * @param wakeups runs the retries of attempts that waited for room in the cluster (a thread of
   *     the client's, so that the Redis thread never prepares a request)
   */
  static Budget of(
      Double dollars,
      String clientTier,
      PromptCache promptCache,
      RedisQuota quota,
      Executor wakeups) {
    if (dollars == null) {
      return null;
    }
    Budget b = new Budget(Math.round(dollars * 1_000_000), clientTier, promptCache, quota, wakeups);
    if (b.shared != null) {
      b.shared.later(b::tick, TICK_MILLIS);
    }
    return b;
  }

  /**
   * The most an attempt may cost: its input estimate with a margin, priced as input or, when the
   * prompt is marked for the provider's cache, as a cache write (an hour's at twice the input); its
   * output limit; and the fees of the tools the provider may run ({@value #ASSUMED_SEARCHES}
   * searches for a web search without a limit), at the request's tier or the client's.
   *
   * @param maxOutputTokens the output the request may produce, thinking included
   */
  long worstCaseMicros(
      ModelSpec spec, long inputTokens, long maxOutputTokens, String tier, List<Tool> tools) {
    String t = tier != null ? tier : clientTier;
    long input = (long) Math.ceil(inputTokens * INPUT_MARGIN);
    double cost = spec.cost(Usage.of(input, maxOutputTokens), t);
    if (promptCache.isOn()) {
      Usage written =
          spec.wireFormat().inputIncludesCached()
              ? new Usage(input, maxOutputTokens, 0, input)
              : new Usage(0, maxOutputTokens, 0, input);
      long hour = promptCache.ttl() == PromptCache.Ttl.ONE_HOUR ? input : 0;
      cost = Math.max(cost, spec.cost(written, t, hour));
    }
    int searches = 0;
    int code = 0;
    for (Tool tool : tools) {
      if (tool.builtin() instanceof WebSearch w) {
        searches += w.maxUses().orElse(ASSUMED_SEARCHES);
      } else if (tool.builtin() instanceof CodeInterpreter) {
        code++;
      }
    }
    cost += ServerToolFees.of(spec, Map.of("web_search", searches, "code_interpreter", code));
    return (long) Math.ceil(cost * 1_000_000);
  }

  /**
   * The most an attempt of this request on this model may cost ({@link #worstCaseMicros(ModelSpec,
   * long, long, String, List)}): its input as admission counts it, and its output limit, with its
   * whole thinking when the model may think.
   *
   * @param tier the tier it is priced at, or null for the client's
   * @param inputTokens what admission learnt of the request's input on each model
   */
  long worstCaseMicros(
      Admit admit,
      LlmRequest request,
      String model,
      ModelSpec spec,
      SamplingParams params,
      String tier,
      Map<String, Long> inputTokens) {
    int maxOut = Admit.maxOutput(spec, params);
    boolean thinks =
        spec.capabilities().reasoning()
            && (params.reasoningEffort().isPresent()
                || spec.reasoningEffort().isPresent()
                || params.thinkingBudget().isPresent());
    long out =
        thinks
            ? Math.max(maxOut, spec.maxOutputTokens()) + params.thinkingBudget().orElse(0)
            : maxOut;
    long input = Math.max(0, admit.tokens(request, model, spec, params, inputTokens) - maxOut);
    return worstCaseMicros(spec, input, out, tier, admit.toolsOf(request));
  }

  /** What {@link #reserve} decided. */
  enum Verdict {
    /** Reserved: the attempt may be sent. */
    RESERVED,
    /**
     * It fits once the attempts in flight have settled (they usually cost far less than their worst
     * case): {@code retry} gets the room reserved for it when there is, in the order of waiting.
     */
    WAIT,
    /** It does not fit even with nothing in flight: the request ends unsent. */
    REFUSED
  }

  /**
   * Reserves an attempt's worst case, or queues it: {@code retry} is called with the millionths
   * reserved for it once it fits, or with 0 when it no longer can (or the client closes).
   */
  Verdict reserve(long micros, LongConsumer retry) {
    synchronized (this) {
      if (spentMicros + micros > capMicros) {
        return Verdict.REFUSED;
      }
      demandMicros += micros;
      if (waiting.isEmpty() && micros <= room()) {
        reservedMicros += micros;
        return Verdict.RESERVED;
      }
      waiting.add(new Waiter(micros, retry));
      if (shared != null && queueExchange()) {
        shared.run(this::exchange);
      }
      return Verdict.WAIT;
    }
  }

  /** What a new reservation may take: the cap's room, or the cluster room this client holds. */
  private long room() {
    return (shared != null ? heldMicros : capMicros - spentMicros) - reservedMicros;
  }

  /** Why an attempt of this worst case was refused. */
  synchronized ApiError refusal(long micros) {
    return ApiError.of(
        ErrorKind.BUDGET,
        String.format(
            Locale.ROOT,
            "not sent: its worst case of $%.6f would pass the spending cap of $%.2f ($%.6f spent%s)",
            micros / 1e6,
            capMicros / 1e6,
            spentMicros / 1e6,
            shared != null ? " by the cluster" : ""));
  }

  /**
   * Settles a reservation with what the attempt cost, and hands the room it frees to the attempts
   * waiting, first come first served, reserved for them here.
   */
  void settle(long reservedMicros, double costDollars) {
    List<Runnable> retry;
    synchronized (this) {
      long cost = Math.round(costDollars * 1_000_000);
      this.reservedMicros -= reservedMicros;
      this.spentMicros += cost;
      if (shared != null) {
        // The money spent leaves what this client holds (all it can: an answer may cost more
        // than its worst case) and joins the cluster's spent; the rest of the reservation goes
        // first to the attempts waiting here, then back to the cluster.
        long paid = Math.min(cost, heldMicros - this.reservedMicros);
        heldMicros -= paid;
        releaseMicros += paid;
        untoldMicros += cost;
      }
      retry = drain();
      if (shared != null && afterDrain(true)) {
        shared.run(this::exchange);
      }
    }
    retry.forEach(Runnable::run);
  }

  /**
   * Takes the waiting attempts that fit off the queue, in order: those that can no longer fit are
   * woken with nothing reserved (to end with a {@code BUDGET} error), those that fit now with their
   * reservation. Called holding the lock; returns the wake-ups to run without it.
   */
  private List<Runnable> drain() {
    List<Runnable> retry = new ArrayList<>();
    while (!waiting.isEmpty()) {
      Waiter head = waiting.peek();
      if (spentMicros + head.micros() > capMicros) {
        waiting.poll();
        retry.add(() -> head.retry().accept(0));
      } else if (head.micros() <= room()) {
        waiting.poll();
        reservedMicros += head.micros();
        retry.add(() -> head.retry().accept(head.micros()));
      } else {
        break;
      }
    }
    return retry;
  }

  /**
   * Shared: gives the room no attempt here has taken back to the cluster, but for an advance when
   * none waits, and says whether an exchange with the ledger is to be queued (something to tell,
   * or, when {@code askForRoom}, attempts waiting). Called holding the lock, after {@link #drain}.
   *
   * <p>With attempts waiting, what is left is less than the first of them needs, and two workers
   * each keeping such a remainder while asking for the rest could wait on each other for ever:
   * given back, it is granted whole to whichever asks first. With none waiting, the room that the
   * last quarter second's attempts asked for is kept, so the next attempts reserve at once instead
   * of waiting for an exchange (and going through admission twice); a client that stops asking
   * gives it back within two ticks.
   */
  private boolean afterDrain(boolean askForRoom) {
    long unused = heldMicros - reservedMicros;
    long keep = waiting.isEmpty() && !closed ? Math.min(unused, advance()) : 0;
    if (unused > keep) {
      releaseMicros += unused - keep;
      heldMicros -= unused - keep;
    }
    boolean tell = releaseMicros > 0 || untoldMicros > 0 || (askForRoom && !waiting.isEmpty());
    return tell && queueExchange();
  }

  /** The room kept in advance: what attempts asked for in the last tick, or this one so far. */
  private long advance() {
    return Math.max(demandMicros, lastDemandMicros);
  }

  /** Whether an exchange is to be queued: none is queued yet. Called holding the lock. */
  private boolean queueExchange() {
    if (exchangeQueued) {
      return false;
    }
    exchangeQueued = true;
    return true;
  }

  /**
   * One exchange with the cluster's ledger, on the Redis thread: tells what was spent and given
   * back since the last one, and asks for room for every attempt waiting here and the advance
   * ({@link #afterDrain}): at least the first's worth, or nothing, so that the first in line is
   * served first. Wakes the attempts that then fit, and ends those that no longer can.
   */
  private void exchange() {
    long release;
    long cost;
    long want = 0;
    long min = 0;
    synchronized (this) {
      exchangeQueued = false;
      release = releaseMicros;
      cost = untoldMicros;
      releaseMicros = 0;
      untoldMicros = 0;
      if (!closed && !waiting.isEmpty()) {
        long room = heldMicros - reservedMicros;
        long all = 0;
        for (Waiter w : waiting) {
          all += w.micros();
        }
        want = all - room + advance();
        min = waiting.peek().micros() - room;
      }
    }
    RedisBudget.Reply reply = shared.exchange(release, cost, want, min);
    List<Runnable> retry;
    boolean again;
    synchronized (this) {
      lastExchangeNanos = System.nanoTime();
      if (reply == null) {
        // Redis failed: told at the next exchange, which the timer makes.
        releaseMicros += release;
        untoldMicros += cost;
        return;
      }
      heldMicros += reply.granted();
      spentMicros = Math.max(spentMicros, reply.spent());
      // What the ledger holds for this client is what it holds here, less what it has yet to
      // give back: less means its lease ran out (a stall longer than the lease, Redis away as
      // long) and other workers may have been granted the difference.
      long lost = heldMicros + releaseMicros - reply.mine();
      if (lost > 0 && !leaseLostLogged) {
        leaseLostLogged = true;
        LOG.log(
            System.Logger.Level.WARNING,
            String.format(
                Locale.ROOT,
                "spending cap: this worker's reservations in Redis expired (no exchange for %d"
                    + " ms); the cluster may spend up to $%.6f past the cap of $%.2f",
                shared.leaseMillis(),
                lost / 1e6,
                capMicros / 1e6));
      }
      retry = drain();
      // Not asking again for attempts still waiting: the cluster has no room now; the timer asks.
      again = afterDrain(false);
    }
    if (again) {
      shared.run(this::exchange);
    }
    if (!retry.isEmpty()) {
      wakeups.execute(() -> retry.forEach(Runnable::run));
    }
  }

  /**
   * The client's one timer, on the Redis thread: while attempts wait for room in the cluster, or
   * something is yet to be told (an advance no longer asked for), asks the ledger again; while this
   * client holds room, renews its lease well before it runs out.
   */
  private void tick() {
    boolean due;
    synchronized (this) {
      if (closed) {
        return;
      }
      lastDemandMicros = demandMicros;
      demandMicros = 0;
      // An advance no longer asked for goes back (told by the exchange below).
      boolean giveBack = afterDrain(false);
      long leaseNanos = shared.leaseMillis() * 1_000_000;
      due =
          giveBack
              || !waiting.isEmpty()
              || releaseMicros > 0
              || untoldMicros > 0
              || (heldMicros > 0 && System.nanoTime() - lastExchangeNanos > leaseNanos / 3);
    }
    try {
      if (due) {
        exchange();
      }
    } finally {
      // Whatever one exchange threw, the timer goes on: attempts waiting depend on it.
      shared.later(this::tick, Math.min(TICK_MILLIS, Math.max(1, shared.leaseMillis() / 4)));
    }
  }

  /** Retries every waiting attempt with nothing reserved: the client is closing. */
  void wakeAll() {
    List<Waiter> all;
    boolean tell = false;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(waiting);
      waiting.clear();
      if (shared != null) {
        tell = afterDrain(false);
      }
    }
    if (tell) {
      shared.run(this::exchange);
    }
    all.forEach(w -> w.retry().accept(0));
  }

  /** The state, in millionths of a dollar, for a diagnosis. */
  @Override
  public synchronized String toString() {
    return String.format(
        Locale.ROOT,
        "Budget{cap=%d, spent=%d, reserved=%d, held=%d, waiting=%d%s}",
        capMicros,
        spentMicros,
        reservedMicros,
        heldMicros,
        waiting.size(),
        shared != null ? ", shared, release=" + releaseMicros + ", untold=" + untoldMicros : "");
  }

  /** The dollars spent so far: by this client, or shared, by the cluster as last seen. */
  synchronized double spent() {
    return spentMicros / 1e6;
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
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
 */
final class Budget {
  /** Searches assumed for a web search tool without {@code maxUses}. */
  static final int ASSUMED_SEARCHES = 10;

  /** How far an input estimate may fall short of what the provider counts. */
  private static final double INPUT_MARGIN = 1.1;

  private final long capMicros;
  private final String clientTier;
  private final PromptCache promptCache;
  private long spentMicros;
  private long reservedMicros;
  private final Deque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(long micros, LongConsumer retry) {}

  private Budget(long capMicros, String clientTier, PromptCache promptCache) {
    this.capMicros = capMicros;
    this.clientTier = clientTier;
    this.promptCache = promptCache;
  }

  /**
   * A budget of this many dollars, or null for none.
   *
   * @param clientTier the client's service tier, which prices requests that name none, or null
   * @param promptCache the client's prompt-cache marks, whose writes cost more than input
   */
  static Budget of(Double dollars, String clientTier, PromptCache promptCache) {
    return dollars == null
        ? null
        : new Budget(Math.round(dollars * 1_000_000), clientTier, promptCache);
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
      if (waiting.isEmpty() && spentMicros + reservedMicros + micros <= capMicros) {
        reservedMicros += micros;
        return Verdict.RESERVED;
      }
      waiting.add(new Waiter(micros, retry));
      return Verdict.WAIT;
    }
  }

  /** Why an attempt of this worst case was refused. */
  synchronized ApiError refusal(long micros) {
    return ApiError.of(
        ErrorKind.BUDGET,
        String.format(
            Locale.ROOT,
            "not sent: its worst case of $%.6f would pass the spending cap of $%.2f ($%.6f spent)",
            micros / 1e6,
            capMicros / 1e6,
            spentMicros / 1e6));
  }

  /**
   * Settles a reservation with what the attempt cost, and hands the room it frees to the attempts
   * waiting, first come first served, reserved for them here.
   */
  void settle(long reservedMicros, double costDollars) {
    List<Runnable> retry = new ArrayList<>();
    synchronized (this) {
      this.reservedMicros -= reservedMicros;
      this.spentMicros += Math.round(costDollars * 1_000_000);
      while (!waiting.isEmpty()) {
        Waiter head = waiting.peek();
        if (spentMicros + head.micros() > capMicros) {
          waiting.poll();
          retry.add(() -> head.retry().accept(0));
        } else if (spentMicros + this.reservedMicros + head.micros() <= capMicros) {
          waiting.poll();
          this.reservedMicros += head.micros();
          retry.add(() -> head.retry().accept(head.micros()));
        } else {
          break;
        }
      }
    }
    retry.forEach(Runnable::run);
  }

  /** Retries every waiting attempt with nothing reserved: the client is closing. */
  void wakeAll() {
    List<Waiter> all;
    synchronized (this) {
      all = new ArrayList<>(waiting);
      waiting.clear();
    }
    all.forEach(w -> w.retry().accept(0));
  }

  /** The dollars spent so far. */
  synchronized double spent() {
    return spentMicros / 1e6;
  }
}

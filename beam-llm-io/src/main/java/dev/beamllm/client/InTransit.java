package dev.beamllm.client;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Admissions the provider may not have received yet. A provider's bucket that is full earns nothing
 * while our requests travel to it, but ours, already lowered by them, would go on earning: after a
 * burst from a full bucket (a job's start, or after a pause) the client would believe in capacity
 * the provider never had, by the time the requests took to arrive times the rate. On a loaded
 * machine opening hundreds of connections that is a second or more, and it came back as 429s where
 * the burst ended. So each {@link TokenBucket} stays below its capacity less what is in transit
 * (provably then never above the provider's level, if the reservations are right).
 *
 * <p>An admission stops being in transit when its answer arrives, or {@link #MAX_TRANSIT_NANOS}
 * after it was admitted: the provider has it by then even when its answer takes minutes, and slow
 * answers must not hold the buckets down. Not thread-safe: the {@link Scheduler} guards it, and
 * refills its buckets before anything here changes, so the time before a change is earned under the
 * amounts that held then.
 */
final class InTransit {
  /** How long a request may take to reach the provider, at most, by this class's assumption. */
  static final long MAX_TRANSIT_NANOS = 5_000_000_000L;

  /** One admission on its way. */
  static final class Sent {
    private final String model;
    private final long at;
    private double tokens;
    private boolean arrived;

    private Sent(String model, long at, double tokens) {
      this.model = model;
      this.at = at;
      this.tokens = tokens;
    }
  }

  /** Tokens and requests in transit. */
  private static final class Totals {
    double tokens;
    int requests;
  }

  private final ArrayDeque<Sent> order = new ArrayDeque<>();
  private final Totals all = new Totals();
  private final Map<String, Totals> byModel = new HashMap<>();

  /** Records an admission of {@code tokens} to {@code model} at {@code at}. */
  Sent sent(String model, long tokens, long at) {
    Sent s = new Sent(model, at, tokens);
    order.addLast(s);
    add(s, 1, tokens);
    return s;
  }

  /** The provider has it: its answer arrived (or it was never sent). */
  void arrived(Sent s) {
    if (s != null && !s.arrived) {
      s.arrived = true;
      add(s, -1, -s.tokens);
    }
  }

  /** An admission's reservation grew in flight (the client learnt how the provider counts). */
  void grew(Sent s, double extra) {
    if (s != null && !s.arrived) {
      s.tokens += extra;
      add(s, 0, extra);
    }
  }

  /**
   * Ends the transit of what was admitted {@link #MAX_TRANSIT_NANOS} or more before {@code now}.
   */
  void expire(long now) {
    for (Sent s; (s = order.peekFirst()) != null; ) {
      if (!s.arrived && now - s.at < MAX_TRANSIT_NANOS) {
        return;
      }
      order.pollFirst();
      arrived(s);
    }
  }

  /** Tokens in transit to any model. */
  double tokens() {
    return all.tokens;
  }

  /** Requests in transit to any model. */
  double requests() {
    return all.requests;
  }

  /** Tokens in transit to one model. */
  double tokens(String model) {
    Totals t = byModel.get(model);
    return t == null ? 0 : t.tokens;
  }

  /** Requests in transit to one model. */
  double requests(String model) {
    Totals t = byModel.get(model);
    return t == null ? 0 : t.requests;
  }

  private void add(Sent s, int requests, double tokens) {
    all.requests += requests;
    all.tokens += tokens;
    Totals t = byModel.computeIfAbsent(s.model, k -> new Totals());
    t.requests += requests;
    t.tokens += tokens;
    if (t.requests == 0) {
      // Nothing of the model in transit: drop the float residue with the entry.
      byModel.remove(s.model);
    }
    if (all.requests == 0) {
      all.tokens = 0;
    }
  }
}

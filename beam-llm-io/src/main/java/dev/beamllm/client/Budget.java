package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hard cap on what a client spends ({@link ClientConfig#withMaxCost}): before an attempt is sent,
 * its worst case (its estimated input, and its whole output limit, at the model's prices for that
 * prompt length and tier) is reserved; when the answer comes, the reservation is settled with the
 * answer's real cost, or released when the attempt was not billed. An attempt whose worst case does
 * not fit beside the reservations in flight waits for them to settle; one that does not fit even
 * beside none is not sent and ends with a {@code BUDGET} error. So the money spent, plus what the
 * attempts in flight could still cost, never passes the cap. Thread-safe; amounts in millionths of
 * a dollar.
 */
final class Budget {
  private final long capMicros;
  private final String clientTier;
  private long spentMicros;
  private long reservedMicros;
  private final List<Runnable> waiting = new ArrayList<>();

  private Budget(long capMicros, String clientTier) {
    this.capMicros = capMicros;
    this.clientTier = clientTier;
  }

  /**
   * A budget of this many dollars, or null for none.
   *
   * @param clientTier the client's service tier, which prices requests that name none, or null
   */
  static Budget of(Double dollars, String clientTier) {
    return dollars == null ? null : new Budget(Math.round(dollars * 1_000_000), clientTier);
  }

  /**
   * The most an attempt may cost: its input estimate and its output limit, priced as the model
   * prices them at the request's tier (or the client's).
   */
  long worstCaseMicros(ModelSpec spec, long inputTokens, long maxOutputTokens, String tier) {
    return (long)
        Math.ceil(
            spec.cost(Usage.of(inputTokens, maxOutputTokens), tier != null ? tier : clientTier)
                * 1_000_000);
  }

  /** What {@link #reserve} decided. */
  enum Verdict {
    /** Reserved: the attempt may be sent. */
    RESERVED,
    /**
     * It fits once the attempts in flight have settled (they usually cost far less than their worst
     * case): the callback runs when one has.
     */
    WAIT,
    /** It does not fit even with nothing in flight: the request ends unsent. */
    REFUSED
  }

  /**
   * Reserves an attempt's worst case, or registers {@code onRoom} to be run once an attempt in
   * flight settles when that may make room.
   */
  Verdict reserve(long micros, Runnable onRoom) {
    synchronized (this) {
      if (spentMicros + reservedMicros + micros <= capMicros) {
        reservedMicros += micros;
        return Verdict.RESERVED;
      }
      if (spentMicros + micros <= capMicros && reservedMicros > 0) {
        waiting.add(onRoom);
        return Verdict.WAIT;
      }
      return Verdict.REFUSED;
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
   * Settles a reservation with what the attempt really cost (0 when it was not billed), and lets
   * the attempts waiting for room try again.
   */
  void settle(long reservedMicros, double costDollars) {
    List<Runnable> retry;
    synchronized (this) {
      this.reservedMicros -= reservedMicros;
      this.spentMicros += Math.round(costDollars * 1_000_000);
      retry = new ArrayList<>(waiting);
      waiting.clear();
    }
    retry.forEach(Runnable::run);
  }

  /** The dollars spent so far. */
  synchronized double spent() {
    return spentMicros / 1e6;
  }
}

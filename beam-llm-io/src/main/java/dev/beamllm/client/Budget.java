package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import java.util.Locale;

/**
 * A hard cap on what a client spends ({@link ClientConfig#withMaxCost}): before an attempt is sent,
 * its worst case (its estimated input, and its whole output limit, at the model's prices for that
 * prompt length and tier) is reserved; when the answer comes, the reservation is settled with the
 * answer's real cost, or released when the attempt was not billed. An attempt whose worst case does
 * not fit in what is left is not sent and ends with a {@code BUDGET} error. So the money spent,
 * plus what the attempts in flight could still cost, never passes the cap. Thread-safe; amounts in
 * millionths of a dollar.
 */
final class Budget {
  private final long capMicros;
  private final String clientTier;
  private long spentMicros;
  private long reservedMicros;

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

  /**
   * Reserves an attempt's worst case.
   *
   * @return null when reserved, else the error that ends the request unsent
   */
  synchronized ApiError reserve(long micros) {
    if (spentMicros + reservedMicros + micros > capMicros) {
      return ApiError.of(
          ErrorKind.BUDGET,
          String.format(
              Locale.ROOT,
              "not sent: its worst case of $%.6f would pass the spending cap of $%.2f ($%.6f spent,"
                  + " $%.6f reserved by requests in flight)",
              micros / 1e6,
              capMicros / 1e6,
              spentMicros / 1e6,
              reservedMicros / 1e6));
    }
    reservedMicros += micros;
    return null;
  }

  /** Settles a reservation with what the attempt really cost (0 when it was not billed). */
  synchronized void settle(long reservedMicros, double costDollars) {
    this.reservedMicros -= reservedMicros;
    this.spentMicros += Math.round(costDollars * 1_000_000);
  }

  /** The dollars spent so far. */
  synchronized double spent() {
    return spentMicros / 1e6;
  }
}

package dev.beamllm.model;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dollars per million tokens.
 *
 * @param input uncached input tokens
 * @param output output tokens, including reasoning
 * @param cachedInput input tokens read from the prompt cache, or null when the provider has no such
 *     price
 * @param cacheWrite input tokens written to the prompt cache, or null when the provider has no such
 *     price
 * @param serviceTiers the prices the provider publishes for other service tiers of this model, by
 *     the tier's name as its answers report it (lower case, e.g. {@code priority}); a tier not here
 *     is priced by {@link ServiceTierRules}
 * @param longPrompt the prices of a request whose prompt passes a threshold, or null when the
 *     provider prices every prompt length alike
 */
public record Prices(
    double input,
    double output,
    Double cachedInput,
    Double cacheWrite,
    Map<String, Prices> serviceTiers,
    LongPromptPrices longPrompt)
    implements Serializable {
  /** Free, as for a local server. */
  public static final Prices FREE = new Prices(0, 0, null, null);

  /** Checks that prices are not negative; copies the tiers with lower-case names. */
  public Prices {
    if (input < 0
        || output < 0
        || (cachedInput != null && cachedInput < 0)
        || (cacheWrite != null && cacheWrite < 0)) {
      throw new IllegalArgumentException("prices must not be negative");
    }
    Map<String, Prices> tiers = new TreeMap<>();
    if (serviceTiers != null) {
      serviceTiers.forEach((name, p) -> tiers.put(name.toLowerCase(Locale.ROOT), p));
    }
    serviceTiers = Map.copyOf(tiers);
  }

  /** Prices with no tier of their own. */
  public Prices(double input, double output, Double cachedInput, Double cacheWrite) {
    this(input, output, cachedInput, cacheWrite, Map.of(), null);
  }

  /**
   * The prices of a request with a prompt of this many tokens: the long-prompt prices past their
   * threshold, else these.
   */
  public Prices forPrompt(long promptTokens) {
    return longPrompt != null && longPrompt.applies(promptTokens) ? longPrompt.prices() : this;
  }

  /** The cache-read price, or the input price when the provider has none. */
  public double cachedInputOrInput() {
    return cachedInput != null ? cachedInput : input;
  }

  /** The cache-write price, or the input price when the provider has none. */
  public double cacheWriteOrInput() {
    return cacheWrite != null ? cacheWrite : input;
  }

  /** Every price multiplied by a factor (a tier's discount or premium), without tiers. */
  public Prices times(double factor) {
    return new Prices(
        input * factor,
        output * factor,
        cachedInput == null ? null : cachedInput * factor,
        cacheWrite == null ? null : cacheWrite * factor);
  }
}

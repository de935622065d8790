package dev.beamllm.model;

import java.io.Serializable;

/**
 * Dollars per million tokens.
 *
 * @param input uncached input tokens
 * @param output output tokens, including reasoning
 * @param cachedInput input tokens read from the prompt cache, or null when the provider has no such
 *     price
 * @param cacheWrite input tokens written to the prompt cache, or null when the provider has no such
 *     price
 */
public record Prices(double input, double output, Double cachedInput, Double cacheWrite)
    implements Serializable {
  /** Free, as for a local server. */
  public static final Prices FREE = new Prices(0, 0, null, null);

  /** Checks that prices are not negative. */
  public Prices {
    if (input < 0
        || output < 0
        || (cachedInput != null && cachedInput < 0)
        || (cacheWrite != null && cacheWrite < 0)) {
      throw new IllegalArgumentException("prices must not be negative");
    }
  }

  /** The cache-read price, or the input price when the provider has none. */
  public double cachedInputOrInput() {
    return cachedInput != null ? cachedInput : input;
  }

  /** The cache-write price, or the input price when the provider has none. */
  public double cacheWriteOrInput() {
    return cacheWrite != null ? cacheWrite : input;
  }
}

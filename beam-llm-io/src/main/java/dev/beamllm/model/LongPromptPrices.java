package dev.beamllm.model;

import java.io.Serializable;

/**
 * The prices of a request whose prompt is longer than a threshold. Providers that price long
 * prompts higher (Gemini 2.5 Pro and 3 Pro above 200k prompt tokens, Claude Sonnet 4 and 4.5 with
 * the 1M context above 200k input tokens) bill the whole request at these prices, its output and
 * cache reads included, not only the tokens past the threshold.
 *
 * @param aboveTokens the threshold: a prompt of more tokens than this is priced by {@code prices}.
 *     The prompt counts every input token, cache reads and writes included, as both providers count
 *     it
 * @param prices the prices of such a request
 */
public record LongPromptPrices(long aboveTokens, Prices prices) implements Serializable {
  /** Checks the threshold is positive and the prices given. */
  public LongPromptPrices {
    if (aboveTokens <= 0) {
      throw new IllegalArgumentException("a long-prompt threshold must be positive");
    }
    if (prices == null) {
      throw new IllegalArgumentException("long-prompt prices are missing");
    }
  }

  /** True when a prompt of this many tokens is priced by these prices. */
  public boolean applies(long promptTokens) {
    return promptTokens > aboveTokens;
  }
}

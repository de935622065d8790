package dev.beamllm.response;

import java.io.Serializable;
import java.util.List;

/**
 * One output token's log-probability and the most likely alternatives.
 *
 * @param token the token text
 * @param logprob its natural-log probability
 * @param top the most likely tokens at this position, with their log-probabilities
 */
public record TokenLogprob(String token, double logprob, List<Alternative> top)
    implements Serializable {

  /** Copies the alternatives. */
  public TokenLogprob {
    top = List.copyOf(top);
  }

  /**
   * An alternative token.
   *
   * @param token the token text
   * @param logprob its log-probability
   */
  public record Alternative(String token, double logprob) implements Serializable {}
}

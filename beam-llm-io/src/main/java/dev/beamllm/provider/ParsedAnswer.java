package dev.beamllm.provider;

import dev.beamllm.prompt.Message;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import java.util.List;

/**
 * What an adapter reads from a successful answer.
 *
 * @param message the assistant message
 * @param finishReason the provider's finish reason, or null
 * @param usage the usage as reported
 * @param logprobs per-token log-probabilities, or empty
 * @param serviceTier the service tier the provider says served the request ({@code default}, {@code
 *     flex}, {@code priority}, {@code standard}, {@code batch}, ...), or null when it says none;
 *     the answer is priced by it
 */
public record ParsedAnswer(
    Message message,
    String finishReason,
    Usage usage,
    List<TokenLogprob> logprobs,
    String serviceTier) {
  /** Copies the list. */
  public ParsedAnswer {
    logprobs = List.copyOf(logprobs);
  }

  /** An answer that reports no service tier. */
  public ParsedAnswer(
      Message message, String finishReason, Usage usage, List<TokenLogprob> logprobs) {
    this(message, finishReason, usage, logprobs, null);
  }

  /** This answer with the tier the provider reported (null or blank: none). */
  public ParsedAnswer withServiceTier(String tier) {
    return new ParsedAnswer(
        message, finishReason, usage, logprobs, tier == null || tier.isBlank() ? null : tier);
  }
}

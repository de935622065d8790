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
 * @param hourCacheWriteTokens of the usage's cache writes, those written to live an hour
 *     (Anthropic's {@code ephemeral_1h_input_tokens}), which are priced at twice the input price
 *     instead of the cache-write price
 */
public record ParsedAnswer(
    Message message,
    String finishReason,
    Usage usage,
    List<TokenLogprob> logprobs,
    String serviceTier,
    long hourCacheWriteTokens) {
  /** Copies the list. */
  public ParsedAnswer {
    logprobs = List.copyOf(logprobs);
  }

  /** An answer with no hour-long cache writes. */
  public ParsedAnswer(
      Message message,
      String finishReason,
      Usage usage,
      List<TokenLogprob> logprobs,
      String serviceTier) {
    this(message, finishReason, usage, logprobs, serviceTier, 0);
  }

  /** An answer that reports no service tier. */
  public ParsedAnswer(
      Message message, String finishReason, Usage usage, List<TokenLogprob> logprobs) {
    this(message, finishReason, usage, logprobs, null);
  }

  /** This answer with the tier the provider reported (null or blank: none). */
  public ParsedAnswer withServiceTier(String tier) {
    return new ParsedAnswer(
        message,
        finishReason,
        usage,
        logprobs,
        tier == null || tier.isBlank() ? null : tier,
        hourCacheWriteTokens);
  }
}

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
 */
public record ParsedAnswer(
    Message message, String finishReason, Usage usage, List<TokenLogprob> logprobs) {
  /** Copies the list. */
  public ParsedAnswer {
    logprobs = List.copyOf(logprobs);
  }
}

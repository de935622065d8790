package dev.beamllm.client;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Usage;
import java.util.Objects;
import java.util.Optional;

/**
 * How an agent loop ended: the whole conversation (every turn, tool calls and their results), the
 * last answer, and what the loop cost over all its turns.
 *
 * @param conversation the conversation as it ended: the input, then each answer and each turn's
 *     tool results
 * @param last the last answer: the final one, or the failed turn's error
 * @param turns the model turns taken (requests answered or failed), at least 1
 * @param toolCalls the tool calls run
 * @param attempts requests sent over every turn, retries included (a turn answered from the cache
 *     sent none)
 * @param usage the tokens of every turn together
 * @param cost the dollar cost of every turn together
 * @param paidUsage the tokens of the turns the provider answered in this run (not the cache's)
 * @param paidCost the dollar cost of those turns: what this run paid
 */
public record AgentResult(
    Conversation conversation,
    ApiResponse last,
    int turns,
    int toolCalls,
    int attempts,
    Usage usage,
    double cost,
    Usage paidUsage,
    double paidCost) {

  /** Checks the parts. */
  public AgentResult {
    Objects.requireNonNull(conversation, "conversation");
    Objects.requireNonNull(last, "last");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(paidUsage, "paidUsage");
  }

  /** Why the loop failed (the failed turn's error, or {@code MAX_TURNS}), if it did. */
  public Optional<ApiError> error() {
    return last.error();
  }

  /** Whether the loop failed. */
  public boolean isError() {
    return last.isError();
  }

  /** The final answer's text. */
  public String completion() {
    return last.completion();
  }

  /** The turn the loop failed on (1-based), or 0 when it did not fail. */
  public int failedTurn() {
    return isError() ? turns : 0;
  }
}

package dev.beamllm.provider.anthropic;

import dev.beamllm.model.EffortSupport;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import java.util.Optional;

/**
 * Claude's extended thinking, sized from a reasoning effort. Anthropic takes a token budget, not an
 * effort, so each effort maps to a budget:
 *
 * <table>
 *   <caption>effort to {@code budget_tokens}</caption>
 *   <tr><th>effort</th><th>budget</th></tr>
 *   <tr><td>none</td><td>no thinking</td></tr>
 *   <tr><td>minimal, low</td><td>1024 (Anthropic's minimum)</td></tr>
 *   <tr><td>medium</td><td>4096</td></tr>
 *   <tr><td>high</td><td>16000</td></tr>
 *   <tr><td>xhigh</td><td>32000</td></tr>
 * </table>
 *
 * <p>Anthropic counts thinking inside {@code max_tokens} and requires {@code budget_tokens <
 * max_tokens}, so {@code max_tokens} is raised to budget plus the answer's own allowance, capped by
 * the model's output limit; when the cap bites, the budget shrinks to leave the answer its room,
 * but never below 1024. Reference: docs.anthropic.com/en/docs/build-with-claude/extended-thinking.
 *
 * @param maxTokens the {@code max_tokens} to send
 * @param budget the {@code budget_tokens}, or 0 for no thinking
 */
public record ThinkingBudget(int maxTokens, int budget) {
  /** The smallest budget Anthropic accepts. */
  static final int MIN_BUDGET = EffortSupport.CLAUDE_MIN_BUDGET;

  /**
   * The plan for a request whose answer may use {@code answerTokens}: thinking only for a reasoning
   * model with an effort other than {@code none}.
   */
  public static ThinkingBudget plan(
      ModelSpec model, int answerTokens, Optional<ReasoningEffort> effort) {
    return plan(model, answerTokens, effort, Optional.empty());
  }

  /**
   * The plan with an explicit budget, which wins over the effort's; 0 turns thinking off.
   *
   * @throws UnsupportedOperationException for an explicit budget below Anthropic's minimum
   */
  public static ThinkingBudget plan(
      ModelSpec model,
      int answerTokens,
      Optional<ReasoningEffort> effort,
      Optional<Integer> explicit) {
    if (explicit.isPresent() && explicit.get() > 0 && explicit.get() < MIN_BUDGET) {
      throw new UnsupportedOperationException(
          "thinking_budget: Claude takes at least "
              + MIN_BUDGET
              + " tokens, got "
              + explicit.get());
    }
    int budget =
        explicit
            .or(() -> effort.map(ThinkingBudget::tokensFor))
            .filter(b -> model.capabilities().reasoning())
            .orElse(0);
    if (budget == 0) {
      return new ThinkingBudget(answerTokens, 0);
    }
    int cap = model.maxOutputTokens() > 0 ? model.maxOutputTokens() : Integer.MAX_VALUE;
    if (cap <= MIN_BUDGET) {
      return new ThinkingBudget(answerTokens, 0);
    }
    budget = Math.max(MIN_BUDGET, (int) Math.min(budget, (long) cap - answerTokens));
    int maxTokens = (int) Math.min(cap, (long) budget + answerTokens);
    return new ThinkingBudget(maxTokens, budget);
  }

  /** Whether thinking is on. */
  public boolean enabled() {
    return budget > 0;
  }

  private static int tokensFor(ReasoningEffort e) {
    return switch (e) {
      case NONE -> 0;
      case MINIMAL, LOW -> MIN_BUDGET;
      case MEDIUM -> 4096;
      case HIGH -> 16000;
      case XHIGH -> 32000;
    };
  }
}

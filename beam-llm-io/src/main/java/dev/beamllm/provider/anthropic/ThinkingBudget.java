package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.EffortSupport;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import java.util.Optional;
import java.util.Set;

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
 * <p>Claude 4.6 and later think adaptively instead: {@code thinking: {"type": "adaptive"}} with the
 * effort by name in {@code output_config.effort}, no budget, and {@code max_tokens} left as asked
 * (Opus 4.7 and later refuse a budget). The registry marks these models by the efforts they take by
 * name ({@code reasoning_efforts}). Reference:
 * docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html.
 *
 * @param maxTokens the {@code max_tokens} to send
 * @param budget the {@code budget_tokens}, or 0 for no thinking or adaptive thinking
 * @param adaptiveEffort the effort of adaptive thinking, or null
 */
public record ThinkingBudget(int maxTokens, int budget, String adaptiveEffort) {
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
    Set<ReasoningEffort> named = model.capabilities().reasoningEfforts();
    if (!named.isEmpty()) {
      // The client has refused a budget, or an effort the model does not take, before this.
      String adaptive =
          effort
              .filter(e -> model.capabilities().reasoning() && named.contains(e))
              .map(ReasoningEffort::wireName)
              .orElse(null);
      return new ThinkingBudget(answerTokens, 0, adaptive);
    }
    int budget =
        explicit
            .or(() -> effort.map(ThinkingBudget::tokensFor))
            .filter(b -> model.capabilities().reasoning())
            .orElse(0);
    if (budget == 0) {
      return new ThinkingBudget(answerTokens, 0, null);
    }
    int cap = model.maxOutputTokens() > 0 ? model.maxOutputTokens() : Integer.MAX_VALUE;
    if (cap <= MIN_BUDGET) {
      return new ThinkingBudget(answerTokens, 0, null);
    }
    budget = Math.max(MIN_BUDGET, (int) Math.min(budget, (long) cap - answerTokens));
    int maxTokens = (int) Math.min(cap, (long) budget + answerTokens);
    return new ThinkingBudget(maxTokens, budget, null);
  }

  /** Whether thinking is on. */
  public boolean enabled() {
    return budget > 0 || adaptiveEffort != null;
  }

  /**
   * Writes the thinking into a Messages body (or Converse's {@code additionalModelRequestFields}):
   * {@code thinking} with its budget, or adaptive thinking with {@code output_config.effort}.
   */
  public void writeTo(ObjectNode body) {
    if (adaptiveEffort != null) {
      body.putObject("thinking").put("type", "adaptive");
      body.with("output_config").put("effort", adaptiveEffort);
    } else if (budget > 0) {
      body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }
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

package dev.beamllm.model;

import java.util.Map;

/**
 * What a provider charges for the tools it runs, beside the tokens (list prices of the providers'
 * pricing pages, in dollars): Anthropic's web search $10 per 1,000 searches; OpenAI's web search
 * $10 per 1,000 calls and its code interpreter $0.03 per 1 GB container, counted once per answer
 * that ran code; Gemini's grounding with Google Search $35 per 1,000 grounded answers (Gemini 2),
 * $14 per 1,000 search queries (Gemini 3). Failed calls, and calls a paused answer has not run, are
 * not charged. A container reused across answers, or a free daily allowance, makes the true bill
 * lower; a container with more memory (OpenAI bills 4 GB at four times 1 GB, and so on) makes it
 * higher.
 */
public final class ServerToolFees {
  private ServerToolFees() {}

  /**
   * The fee for one answer's tool calls.
   *
   * @param model the model that answered
   * @param succeededCalls the calls that ran and did not fail, by their kind ({@code web_search},
   *     each query of a grounded Gemini answer; {@code code_interpreter}, ...)
   */
  public static double of(ModelSpec model, Map<String, Integer> succeededCalls) {
    if (succeededCalls.isEmpty()) {
      return 0;
    }
    int searches = succeededCalls.getOrDefault("web_search", 0);
    int codeRuns = succeededCalls.getOrDefault("code_interpreter", 0);
    return switch (model.wireFormat()) {
      case ANTHROPIC -> searches * 0.01;
      case OPENAI, OPENAI_RESPONSES ->
          model.provider().equals("openai") ? searches * 0.01 + (codeRuns > 0 ? 0.03 : 0) : 0;
      case GEMINI ->
          model.apiName().startsWith("gemini-3") ? searches * 0.014 : (searches > 0 ? 0.035 : 0);
      default -> 0;
    };
  }
}

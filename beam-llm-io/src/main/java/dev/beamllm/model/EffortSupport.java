package dev.beamllm.model;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a model takes a reasoning effort, from its registry entry: a model that lists efforts
 * ({@code capabilities.reasoning_efforts}) takes exactly those; one that lists none takes any
 * effort when its wire format turns an effort into a thinking budget, and none when its format
 * sends the effort only by name ({@link WireFormat#effortByNameOnly}). A model that does not reason
 * gets no effort at all, whatever is asked, so it refuses none.
 */
public final class EffortSupport {
  private EffortSupport() {}

  /**
   * Why the model cannot take this effort, naming the model and what it takes, or empty when it
   * can; checked before anything is sent, since the provider would refuse the request.
   */
  public static Optional<String> refusal(ModelSpec model, ReasoningEffort effort) {
    Capabilities caps = model.capabilities();
    Set<ReasoningEffort> named = caps.reasoningEfforts();
    if (!caps.reasoning()
        || named.contains(effort)
        || (named.isEmpty() && !model.wireFormat().effortByNameOnly())) {
      return Optional.empty();
    }
    String takes =
        named.isEmpty()
            ? "it takes no reasoning effort (its capabilities.reasoning_efforts is empty)"
            : "it takes "
                + named.stream().map(ReasoningEffort::wireName).collect(Collectors.joining(", "));
    return Optional.of(
        "model '"
            + model.id()
            + "' does not take reasoning effort "
            + effort.wireName()
            + "; "
            + takes);
  }

  /**
   * The effort a request to this model runs with: the parameters' own, else the one its id names
   * ({@code o3-high}), if any.
   */
  public static Optional<ReasoningEffort> effective(ModelSpec model, SamplingParams params) {
    return params.reasoningEffort().or(model::reasoningEffort);
  }

  /** The smallest thinking budget Claude takes (Anthropic's extended-thinking guide). */
  public static final int CLAUDE_MIN_BUDGET = 1024;

  /**
   * Why the model cannot take this explicit thinking budget, or empty when it can: Claude
   * (Anthropic, Bedrock invoke and Converse; at least 1024 tokens, or 0 for no thinking), Gemini
   * 2.5 and Cohere's reasoning models think within a budget; models that take an effort by name
   * (OpenAI's, Gemini 3) and models that do not reason take none.
   */
  public static Optional<String> budgetRefusal(ModelSpec model, int budget) {
    Capabilities caps = model.capabilities();
    boolean claude =
        switch (model.wireFormat()) {
          case ANTHROPIC, BEDROCK_ANTHROPIC -> true;
          case BEDROCK_CONVERSE -> model.apiName().contains("anthropic.claude");
          default -> false;
        };
    boolean takes =
        caps.reasoning()
            && caps.reasoningEfforts().isEmpty()
            && (claude
                || model.wireFormat() == WireFormat.GEMINI
                || model.wireFormat() == WireFormat.COHERE);
    if (!takes) {
      return Optional.of(
          "model '"
              + model.id()
              + "' takes no thinking budget"
              + (caps.reasoningEfforts().isEmpty()
                  ? ""
                  : "; it takes a reasoning effort: "
                      + caps.reasoningEfforts().stream()
                          .map(ReasoningEffort::wireName)
                          .collect(Collectors.joining(", "))));
    }
    if (claude && budget > 0 && budget < CLAUDE_MIN_BUDGET) {
      return Optional.of(
          "model '"
              + model.id()
              + "' takes a thinking budget of at least "
              + CLAUDE_MIN_BUDGET
              + " tokens (or 0 for none), got "
              + budget);
    }
    return Optional.empty();
  }
}

package dev.beamllm.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a model can serve; requests needing something it lacks fail before they are sent.
 *
 * @param jsonMode JSON-object output mode
 * @param jsonSchema output constrained by a JSON schema
 * @param images image inputs
 * @param pdfs PDF inputs
 * @param audioInput audio inputs in a conversation (OpenAI's {@code input_audio}, Gemini's inline
 *     audio, Voxtral's); registry key {@code audio_input}
 * @param logprobs token log-probabilities
 * @param tools tool (function) calling
 * @param reasoning a reasoning model that takes a reasoning effort or thinking budget
 * @param responsesApi served by the OpenAI Responses API
 * @param reasoningEfforts the efforts the model takes by name (OpenAI's {@code reasoning_effort},
 *     Gemini 3's {@code thinkingLevel}); empty when it takes none by name, either because it takes
 *     a thinking budget in tokens (Claude, Gemini 2.5) or because its effort cannot be set
 */
public record Capabilities(
    boolean jsonMode,
    boolean jsonSchema,
    boolean images,
    boolean pdfs,
    boolean audioInput,
    boolean logprobs,
    boolean tools,
    boolean reasoning,
    boolean responsesApi,
    Set<ReasoningEffort> reasoningEfforts)
    implements Serializable {
  /** Text in, text out, nothing more. */
  public static final Capabilities TEXT_ONLY =
      new Capabilities(false, false, false, false, false, false, false, false, false, Set.of());

  /** Copies the efforts into an unmodifiable set in the enum's order. */
  public Capabilities {
    reasoningEfforts =
        Collections.unmodifiableSet(
            reasoningEfforts.isEmpty()
                ? EnumSet.noneOf(ReasoningEffort.class)
                : EnumSet.copyOf(reasoningEfforts));
  }

  /**
   * Capabilities without audio input, the shape before audio parts existed; kept so code that
   * builds capabilities by hand still compiles.
   */
  public Capabilities(
      boolean jsonMode,
      boolean jsonSchema,
      boolean images,
      boolean pdfs,
      boolean logprobs,
      boolean tools,
      boolean reasoning,
      boolean responsesApi,
      Set<ReasoningEffort> reasoningEfforts) {
    this(
        jsonMode,
        jsonSchema,
        images,
        pdfs,
        false,
        logprobs,
        tools,
        reasoning,
        responsesApi,
        reasoningEfforts);
  }

  /** The same capabilities with these named efforts. */
  public Capabilities withReasoningEfforts(Set<ReasoningEffort> efforts) {
    return new Capabilities(
        jsonMode,
        jsonSchema,
        images,
        pdfs,
        audioInput,
        logprobs,
        tools,
        reasoning,
        responsesApi,
        efforts);
  }

  /** The same capabilities with audio input on or off. */
  public Capabilities withAudioInput(boolean audioInput) {
    return new Capabilities(
        jsonMode,
        jsonSchema,
        images,
        pdfs,
        audioInput,
        logprobs,
        tools,
        reasoning,
        responsesApi,
        reasoningEfforts);
  }
}

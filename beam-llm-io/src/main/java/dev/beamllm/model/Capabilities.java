package dev.beamllm.model;

import java.io.Serializable;

/**
 * What a model can serve; requests needing something it lacks fail before they are sent.
 *
 * @param jsonMode JSON-object output mode
 * @param jsonSchema output constrained by a JSON schema
 * @param images image inputs
 * @param pdfs PDF inputs
 * @param logprobs token log-probabilities
 * @param tools tool (function) calling
 * @param reasoning a reasoning model that takes a reasoning effort or thinking budget
 * @param responsesApi served by the OpenAI Responses API
 */
public record Capabilities(
    boolean jsonMode,
    boolean jsonSchema,
    boolean images,
    boolean pdfs,
    boolean logprobs,
    boolean tools,
    boolean reasoning,
    boolean responsesApi)
    implements Serializable {
  /** Text in, text out, nothing more. */
  public static final Capabilities TEXT_ONLY =
      new Capabilities(false, false, false, false, false, false, false, false);
}

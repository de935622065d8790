package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * Everything an {@link EmbeddingApi} needs to build one embedding call.
 *
 * @param model the embedding model
 * @param texts the texts, each embedded apart; at most {@link EmbeddingApi.Limits#maxInputs} of
 *     them
 * @param dimensions the vector length asked for, or null for the model's native one; an API that
 *     cannot shorten this model's vectors refuses any other length
 * @param inputType whether the texts are queries or documents, for the APIs that embed the two
 *     apart (Cohere, Gemini); null when it does not matter
 * @param credentials the key (or AWS credentials), never logged
 * @param extraHeaders headers added to the call, after the adapter's own, as for chat requests
 */
public record EmbeddingRequest(
    ModelSpec model,
    List<String> texts,
    Integer dimensions,
    InputType inputType,
    Credentials credentials,
    Map<String, String> extraHeaders) {

  /** Copies the lists; refuses an empty request. */
  public EmbeddingRequest {
    texts = List.copyOf(texts);
    extraHeaders = Map.copyOf(extraHeaders);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("an embedding request needs at least one text");
    }
    if (dimensions != null && dimensions <= 0) {
      throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
    }
  }

  /**
   * What the embedded texts are for: retrieval models embed a search query and the documents it
   * searches apart (Cohere's {@code input_type}, Gemini's {@code taskType}); APIs without the
   * distinction (OpenAI, Mistral, Titan) ignore it.
   */
  public enum InputType {
    /** A search query, matched against documents. */
    QUERY,
    /** A document to be found by queries. */
    DOCUMENT
  }
}

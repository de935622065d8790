package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.List;
import java.util.OptionalLong;

/**
 * A provider's embedding endpoint (OpenAI and Azure {@code /embeddings}, Mistral {@code
 * /embeddings}, Cohere v2 {@code /embed}, Gemini {@code batchEmbedContents}, Titan and Cohere Embed
 * on Bedrock through {@code InvokeModel}). {@link Adapters#embeddingApi} finds the one of a wire
 * format; it builds every call as the format's chat adapter builds its own, so keys, API versions,
 * extra headers and Bedrock's signing apply alike, and a non-2xx answer is classified by that
 * adapter's {@link ProviderAdapter#error error}.
 */
public interface EmbeddingApi {

  /** Whether this API embeds with the model: an embedding model of the API's provider. */
  boolean embeds(ModelSpec model);

  /** The provider's documented limits of one call with this model. */
  Limits limits(ModelSpec model);

  /**
   * The call that embeds the request's texts.
   *
   * @throws UnsupportedOperationException when the API cannot carry the request as asked: a vector
   *     length the model cannot give, more texts than one call takes
   */
  HttpCall embed(EmbeddingRequest request);

  /**
   * The vectors of a 2xx answer, one per text in the request's order.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read or does
   *     not hold one vector per text
   */
  Embedded parse(EmbeddingRequest request, HttpAnswer answer);

  /**
   * The documented size limits of one call. A caller splits its texts so that no call passes any of
   * them; a text longer than {@link #maxTokensPerInput} is cut or refused by the provider.
   *
   * @param maxInputs the most texts in one call
   * @param maxTokensPerRequest the most tokens of all the texts of one call together
   * @param maxTokensPerInput the most tokens of one text
   */
  record Limits(int maxInputs, long maxTokensPerRequest, long maxTokensPerInput) {}

  /**
   * An embedding call's result.
   *
   * @param vectors one vector per text, in the request's order (arrays: compare them with {@code
   *     Arrays.equals}, not this record's {@code equals})
   * @param inputTokens the input tokens the provider billed, when its answer says (Gemini's does
   *     not)
   */
  record Embedded(List<float[]> vectors, OptionalLong inputTokens) {
    /** Copies the list (not the arrays). */
    public Embedded {
      vectors = List.copyOf(vectors);
    }
  }
}

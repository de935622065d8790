package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import dev.beamllm.provider.EmbeddingRequest;
import java.io.Serializable;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How texts are embedded ({@link LlmClient#embed}): the model, the vector's length where the
 * provider lets it be chosen, whether the texts are queries or documents where the provider asks,
 * and the most texts in one request (the provider's documented limits apply too). Immutable; each
 * {@code withX} checks its argument at once.
 */
@AutoValue
public abstract class EmbedSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  EmbedSettings() {}

  /**
   * Embeddings from this model (by id or alias), at its full length, as many texts a request as the
   * provider takes.
   */
  public static EmbedSettings of(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("embedding model: must be given");
    }
    return new AutoValue_EmbedSettings.Builder()
        .setModel(model.strip())
        .setMaxInputsPerRequest(0)
        .build();
  }

  /** The embedding model. */
  public abstract String model();

  abstract @Nullable Integer dimensionsOrNull();

  abstract EmbeddingRequest.@Nullable InputType inputTypeOrNull();

  /** The most texts in one request; 0 for the provider's limit. */
  public abstract int maxInputsPerRequest();

  abstract Builder toBuilder();

  /** The vector's length, when asked for (OpenAI text-embedding-3, Gemini, Cohere v4, Titan). */
  public Optional<Integer> dimensions() {
    return Optional.ofNullable(dimensionsOrNull());
  }

  /** Whether the texts are queries or documents, when said (Cohere, Gemini take it). */
  public Optional<EmbeddingRequest.InputType> inputType() {
    return Optional.ofNullable(inputTypeOrNull());
  }

  /** Vectors of this length, at least 1; a model that cannot shorten its vectors refuses it. */
  public EmbedSettings withDimensions(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions: must be at least 1, got " + dimensions);
    }
    return toBuilder().setDimensionsOrNull(dimensions).build();
  }

  /** The texts are queries or documents (retrieval models embed them differently). */
  public EmbedSettings withInputType(EmbeddingRequest.InputType type) {
    if (type == null) {
      throw new IllegalArgumentException("inputType: must not be null");
    }
    return toBuilder().setInputTypeOrNull(type).build();
  }

  /** At most this many texts in one request (at least 1); the provider's limit applies too. */
  public EmbedSettings withMaxInputsPerRequest(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxInputsPerRequest: must be at least 1, got " + n);
    }
    return toBuilder().setMaxInputsPerRequest(n).build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setModel(String model);

    abstract Builder setDimensionsOrNull(@Nullable Integer d);

    abstract Builder setInputTypeOrNull(EmbeddingRequest.@Nullable InputType t);

    abstract Builder setMaxInputsPerRequest(int n);

    abstract EmbedSettings build();
  }
}

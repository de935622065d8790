package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.EmbedSettings;
import dev.beamllm.client.TextInput;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.response.Embedding;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code PTransform<PCollection<TextInput>, EmbedResult>} ({@link LlmIO#embed}): every text's
 * vector through one client per JVM, under the limits, retries and cache of completions; a bundle's
 * texts are started in groups, which the client cuts into requests by the provider's documented
 * limits. {@link #forTexts()} takes plain strings. Immutable; each {@code withX} returns a new
 * transform.
 */
@AutoValue
public abstract class EmbedTexts
    extends ProviderTransform<TextInput, Embedding, EmbedResult, EmbedTexts> {
  private static final long serialVersionUID = 1L;

  /** Texts a bundle starts at once: the client cuts them into requests by the provider's limits. */
  private static final int GROUP = 2_048;

  private static final Feature<Embedding, EmbedResult> FEATURE =
      new Feature<>("Embed", "embeddings", "Embedding", EmbeddingCoder.of(), EmbedResult::new);

  /** The model and its options. */
  public abstract EmbedSettings settings();

  static EmbedTexts of(String model) {
    return new AutoValue_EmbedTexts(ClientSpec.of(model), EmbedSettings.of(model));
  }

  @Override
  EmbedTexts withSpec(ClientSpec spec) {
    return new AutoValue_EmbedTexts(spec, settings());
  }

  private EmbedTexts with(EmbedSettings s) {
    return new AutoValue_EmbedTexts(spec(), s);
  }

  /**
   * Vectors of this length where the model can shorten them; see {@link
   * EmbedSettings#withDimensions}.
   */
  public EmbedTexts withDimensions(int dimensions) {
    return with(settings().withDimensions(dimensions));
  }

  /** Queries or documents; see {@link EmbedSettings#withInputType}. */
  public EmbedTexts withInputType(EmbeddingRequest.InputType type) {
    return with(settings().withInputType(type));
  }

  /** At most this many texts a request; see {@link EmbedSettings#withMaxInputsPerRequest}. */
  public EmbedTexts withMaxInputsPerRequest(int n) {
    return with(settings().withMaxInputsPerRequest(n));
  }

  /** The same transform over plain strings (texts without ids). */
  public PTransform<PCollection<String>, EmbedResult> forTexts() {
    return new OverStrings<>(this, "Embed");
  }

  @Override
  ServiceCallFn.Call<TextInput, Embedding> call() {
    EmbedSettings s = settings();
    return new ServiceCallFn.Call<>(
        (client, texts) -> client.embed(texts, s), GROUP, Embedding::isError, LlmMetrics::embedded);
  }

  @Override
  Feature<Embedding, EmbedResult> feature() {
    return FEATURE;
  }

  @Override
  String model() {
    return settings().model();
  }
}

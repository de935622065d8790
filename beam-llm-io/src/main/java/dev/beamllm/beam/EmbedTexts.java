package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.EmbedSettings;
import dev.beamllm.client.Limits;
import dev.beamllm.client.SharedLimits;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.client.TextInput;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.response.Embedding;
import java.time.Duration;
import java.util.UUID;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code PTransform<PCollection<TextInput>, EmbedResult>} ({@link LlmIO#embed}): every text's
 * vector through one client per JVM, under the limits, retries and cache of completions; a bundle's
 * texts are started in groups, which the client cuts into requests by the provider's documented
 * limits. {@link #forTexts()} takes plain strings.
 */
@AutoValue
public abstract class EmbedTexts extends PTransform<PCollection<TextInput>, EmbedResult> {
  private static final long serialVersionUID = 1L;

  /** Texts a bundle starts at once: the client cuts them into requests by the provider's limits. */
  private static final int GROUP = 2_048;

  abstract String transformId();

  /** The client configuration; each worker builds its client from its share of it. */
  public abstract ClientConfig config();

  /** The model and its options. */
  public abstract EmbedSettings settings();

  abstract int numWorkers();

  abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactory();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTransformId(String id);

    abstract Builder setConfig(ClientConfig config);

    abstract Builder setSettings(EmbedSettings settings);

    abstract Builder setNumWorkers(int n);

    abstract Builder setClientFactory(@Nullable SerializableFunction<ClientConfig, LlmService> f);

    abstract EmbedTexts build();
  }

  static EmbedTexts of(String model) {
    EmbedSettings settings = EmbedSettings.of(model);
    return new AutoValue_EmbedTexts.Builder()
        .setTransformId(UUID.randomUUID().toString())
        .setConfig(
            ClientConfig.defaults().withModels(model).withProgress(StatusTracker.Display.NONE))
        .setSettings(settings)
        .setNumWorkers(1)
        .build();
  }

  private EmbedTexts with(ClientConfig c) {
    return toBuilder().setConfig(c).build();
  }

  /**
   * Vectors of this length where the model can shorten them; see {@link
   * EmbedSettings#withDimensions}.
   */
  public EmbedTexts withDimensions(int dimensions) {
    return toBuilder().setSettings(settings().withDimensions(dimensions)).build();
  }

  /** Queries or documents; see {@link EmbedSettings#withInputType}. */
  public EmbedTexts withInputType(EmbeddingRequest.InputType type) {
    return toBuilder().setSettings(settings().withInputType(type)).build();
  }

  /** At most this many texts a request; see {@link EmbedSettings#withMaxInputsPerRequest}. */
  public EmbedTexts withMaxInputsPerRequest(int n) {
    return toBuilder().setSettings(settings().withMaxInputsPerRequest(n)).build();
  }

  /** The registry to find the model in; see {@link ClientConfig#withRegistry}. */
  public EmbedTexts withRegistry(ModelRegistry registry) {
    return with(config().withRegistry(registry));
  }

  /**
   * The limits of the whole job, each worker taking its share; see {@link ClientConfig#withLimits}.
   */
  public EmbedTexts withLimits(Limits limits) {
    return with(config().withLimits(limits));
  }

  /** Attempts per request; see {@link ClientConfig#withMaxAttempts}. */
  public EmbedTexts withMaxAttempts(int attempts) {
    return with(config().withMaxAttempts(attempts));
  }

  /** The timeout of one attempt; see {@link ClientConfig#withRequestTimeout}. */
  public EmbedTexts withRequestTimeout(Duration timeout) {
    return with(config().withRequestTimeout(timeout));
  }

  /** Where vectors are stored as they come and looked up first (the job's checkpoint). */
  public EmbedTexts withCache(ResponseCache cache) {
    return with(config().withCache(cache));
  }

  /**
   * The limits held in Redis for every worker; see {@link LlmIO.Complete#withSharedLimits(String)}.
   */
  public EmbedTexts withSharedLimits(String redisUri) {
    return with(config().withSharedLimits(SharedLimits.redis(redisUri)));
  }

  /** How many workers share the limits: each JVM enforces limits / n. */
  public EmbedTexts withNumWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("numWorkers: must be at least 1, got " + n);
    }
    return toBuilder().setNumWorkers(n).build();
  }

  /** The client each JVM's stage shares: a test seam, as {@link LlmIO.Complete}'s. */
  EmbedTexts withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
    return toBuilder().setClientFactory(factory).build();
  }

  /** The same transform over plain strings (texts without ids). */
  public PTransform<PCollection<String>, EmbedResult> forTexts() {
    EmbedTexts self = this;
    return new PTransform<>() {
      @Override
      public EmbedResult expand(PCollection<String> input) {
        return input
            .apply(
                "ToTextInputs",
                MapElements.into(TypeDescriptor.of(TextInput.class)).via(TextInput::of))
            .setCoder(TextInputCoder.of())
            .apply("Embed", self);
      }
    };
  }

  private static final TupleTag<Embedding> EMBEDDINGS = new TupleTag<>("embeddings") {};
  private static final TupleTag<Embedding> FAILURES = new TupleTag<>("failures") {};

  ClientConfig workerConfig(PipelineOptions options) {
    ClientConfig c = config();
    if (c.sharedLimits().isPresent()) {
      return c.withSharedLimits(c.sharedLimits().get().withDefaultNamespace(options.getJobName()));
    }
    return c.withLimits(c.limits().share(numWorkers()));
  }

  @Override
  public EmbedResult expand(PCollection<TextInput> input) {
    ClientConfig config = workerConfig(input.getPipeline().getOptions());
    config.check();
    SerializableFunction<ClientConfig, LlmService> factory =
        clientFactory() != null ? clientFactory() : LlmService::fromConfig;
    PCollectionTuple out =
        input.apply(
            "Embed",
            ParDo.of(
                    new EmbedFn(
                        transformId(), config, factory, settings(), GROUP, EMBEDDINGS, FAILURES))
                .withOutputTags(EMBEDDINGS, TupleTagList.of(FAILURES)));
    return new EmbedResult(
        input.getPipeline(),
        EMBEDDINGS,
        out.get(EMBEDDINGS).setCoder(EmbeddingCoder.of()),
        FAILURES,
        out.get(FAILURES).setCoder(EmbeddingCoder.of()));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("model", settings().model()).withLabel("Embedding model"))
        .add(DisplayData.item("settings", settings().toString()).withLabel("Embedding settings"))
        .add(
            DisplayData.item("limits", config().limits().toString())
                .withLabel("Limits (whole job)"))
        .add(
            DisplayData.item("cache", config().cache().map(String::valueOf).orElse("none"))
                .withLabel("Cache"));
  }
}

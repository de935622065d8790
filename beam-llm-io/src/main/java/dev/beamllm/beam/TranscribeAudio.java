package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.AudioInput;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.SharedLimits;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.client.TranscribeSettings;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.response.Transcription;
import java.time.Duration;
import java.util.UUID;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code PTransform<PCollection<AudioInput>, TranscribeResult>} ({@link LlmIO#transcribe}): every
 * audio file's transcript through one client per JVM, under the limits, retries and cache of
 * completions; each file is one request. Immutable; each {@code withX} returns a new transform.
 */
@AutoValue
public abstract class TranscribeAudio
    extends PTransform<PCollection<AudioInput>, TranscribeResult> {
  private static final long serialVersionUID = 1L;

  abstract String transformId();

  /** The client configuration; each worker builds its client from its share of it. */
  public abstract ClientConfig config();

  /** The model and its options. */
  public abstract TranscribeSettings settings();

  abstract int numWorkers();

  abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactory();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTransformId(String id);

    abstract Builder setConfig(ClientConfig config);

    abstract Builder setSettings(TranscribeSettings settings);

    abstract Builder setNumWorkers(int n);

    abstract Builder setClientFactory(@Nullable SerializableFunction<ClientConfig, LlmService> f);

    abstract TranscribeAudio build();
  }

  static TranscribeAudio of(String model) {
    TranscribeSettings settings = TranscribeSettings.of(model);
    return new AutoValue_TranscribeAudio.Builder()
        .setTransformId(UUID.randomUUID().toString())
        .setConfig(
            ClientConfig.defaults().withModels(model).withProgress(StatusTracker.Display.NONE))
        .setSettings(settings)
        .setNumWorkers(1)
        .build();
  }

  private TranscribeAudio with(ClientConfig c) {
    return toBuilder().setConfig(c).build();
  }

  /** The audio's language; see {@link TranscribeSettings#withLanguage}. */
  public TranscribeAudio withLanguage(String language) {
    return toBuilder().setSettings(settings().withLanguage(language)).build();
  }

  /** A prompt guiding the model; see {@link TranscribeSettings#withPrompt}. */
  public TranscribeAudio withPrompt(String prompt) {
    return toBuilder().setSettings(settings().withPrompt(prompt)).build();
  }

  /** The sampling temperature; see {@link TranscribeSettings#withTemperature}. */
  public TranscribeAudio withTemperature(double temperature) {
    return toBuilder().setSettings(settings().withTemperature(temperature)).build();
  }

  /** The registry to find the model in; see {@link ClientConfig#withRegistry}. */
  public TranscribeAudio withRegistry(ModelRegistry registry) {
    return with(config().withRegistry(registry));
  }

  /**
   * The limits of the whole job, each worker taking its share; see {@link ClientConfig#withLimits}.
   * The requests in flight also bound the audio each worker holds in memory.
   */
  public TranscribeAudio withLimits(Limits limits) {
    return with(config().withLimits(limits));
  }

  /** Attempts per request; see {@link ClientConfig#withMaxAttempts}. */
  public TranscribeAudio withMaxAttempts(int attempts) {
    return with(config().withMaxAttempts(attempts));
  }

  /** The timeout of one attempt; see {@link ClientConfig#withRequestTimeout}. */
  public TranscribeAudio withRequestTimeout(Duration timeout) {
    return with(config().withRequestTimeout(timeout));
  }

  /** Where transcripts are stored as they come and looked up first (the job's checkpoint). */
  public TranscribeAudio withCache(ResponseCache cache) {
    return with(config().withCache(cache));
  }

  /**
   * The limits held in Redis for every worker; see {@link LlmIO.Complete#withSharedLimits(String)}.
   */
  public TranscribeAudio withSharedLimits(String redisUri) {
    return with(config().withSharedLimits(SharedLimits.redis(redisUri)));
  }

  /** How many workers share the limits: each JVM enforces limits / n. */
  public TranscribeAudio withNumWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("numWorkers: must be at least 1, got " + n);
    }
    return toBuilder().setNumWorkers(n).build();
  }

  /** The client each JVM's stage shares: a test seam, as {@link LlmIO.Complete}'s. */
  TranscribeAudio withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
    return toBuilder().setClientFactory(factory).build();
  }

  private static final TupleTag<Transcription> TRANSCRIPTIONS = new TupleTag<>("transcriptions") {};
  private static final TupleTag<Transcription> FAILURES = new TupleTag<>("failures") {};

  ClientConfig workerConfig(PipelineOptions options) {
    ClientConfig c = config();
    if (c.sharedLimits().isPresent()) {
      return c.withSharedLimits(c.sharedLimits().get().withDefaultNamespace(options.getJobName()));
    }
    return c.withLimits(c.limits().share(numWorkers()));
  }

  @Override
  public TranscribeResult expand(PCollection<AudioInput> input) {
    ClientConfig config = workerConfig(input.getPipeline().getOptions());
    config.check();
    SerializableFunction<ClientConfig, LlmService> factory =
        clientFactory() != null ? clientFactory() : LlmService::fromConfig;
    PCollectionTuple out =
        input.apply(
            "Transcribe",
            ParDo.of(
                    new TranscribeFn(
                        transformId(), config, factory, settings(), TRANSCRIPTIONS, FAILURES))
                .withOutputTags(TRANSCRIPTIONS, TupleTagList.of(FAILURES)));
    return new TranscribeResult(
        input.getPipeline(),
        TRANSCRIPTIONS,
        out.get(TRANSCRIPTIONS).setCoder(TranscriptionCoder.of()),
        FAILURES,
        out.get(FAILURES).setCoder(TranscriptionCoder.of()));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("model", settings().model()).withLabel("Transcription model"))
        .add(
            DisplayData.item("settings", settings().toString()).withLabel("Transcription settings"))
        .add(
            DisplayData.item("limits", config().limits().toString())
                .withLabel("Limits (whole job)"))
        .add(
            DisplayData.item("cache", config().cache().map(String::valueOf).orElse("none"))
                .withLabel("Cache"));
  }
}

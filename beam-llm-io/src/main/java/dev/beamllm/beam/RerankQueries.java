package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.RerankQuery;
import dev.beamllm.client.RerankSettings;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.response.Ranking;
import java.time.Duration;
import java.util.UUID;
import org.apache.beam.sdk.coders.SerializableCoder;
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
 * {@code PTransform<PCollection<RerankQuery>, RerankResult>} ({@link LlmIO#rerank}): each query's
 * documents ranked by a rerank model through one client per JVM, under the limits, retries and
 * cache of completions.
 */
@AutoValue
public abstract class RerankQueries extends PTransform<PCollection<RerankQuery>, RerankResult> {
  private static final long serialVersionUID = 1L;

  abstract String transformId();

  /** The client configuration; each worker builds its client from its share of it. */
  public abstract ClientConfig config();

  /** The model and top-n. */
  public abstract RerankSettings settings();

  abstract int numWorkers();

  abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactory();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTransformId(String id);

    abstract Builder setConfig(ClientConfig config);

    abstract Builder setSettings(RerankSettings settings);

    abstract Builder setNumWorkers(int n);

    abstract Builder setClientFactory(@Nullable SerializableFunction<ClientConfig, LlmService> f);

    abstract RerankQueries build();
  }

  static RerankQueries of(String model) {
    return new AutoValue_RerankQueries.Builder()
        .setTransformId(UUID.randomUUID().toString())
        .setConfig(
            ClientConfig.defaults().withModels(model).withProgress(StatusTracker.Display.NONE))
        .setSettings(RerankSettings.of(model))
        .setNumWorkers(1)
        .build();
  }

  private RerankQueries with(ClientConfig c) {
    return toBuilder().setConfig(c).build();
  }

  /** Keeps the best {@code n} documents of each query; see {@link RerankSettings#withTopN}. */
  public RerankQueries withTopN(int n) {
    return toBuilder().setSettings(settings().withTopN(n)).build();
  }

  /** The registry to find the model in; see {@link ClientConfig#withRegistry}. */
  public RerankQueries withRegistry(ModelRegistry registry) {
    return with(config().withRegistry(registry));
  }

  /** The limits of the whole job, each worker taking its share. */
  public RerankQueries withLimits(Limits limits) {
    return with(config().withLimits(limits));
  }

  /** Attempts per request; see {@link ClientConfig#withMaxAttempts}. */
  public RerankQueries withMaxAttempts(int attempts) {
    return with(config().withMaxAttempts(attempts));
  }

  /** The timeout of one attempt; see {@link ClientConfig#withRequestTimeout}. */
  public RerankQueries withRequestTimeout(Duration timeout) {
    return with(config().withRequestTimeout(timeout));
  }

  /** Where rankings are stored as they come and looked up first. */
  public RerankQueries withCache(ResponseCache cache) {
    return with(config().withCache(cache));
  }

  /** How many workers share the limits: each JVM enforces limits / n. */
  public RerankQueries withNumWorkers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("numWorkers: must be at least 1, got " + n);
    }
    return toBuilder().setNumWorkers(n).build();
  }

  /** The client each JVM's stage shares: a test seam, as {@link LlmIO.Complete}'s. */
  RerankQueries withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
    return toBuilder().setClientFactory(factory).build();
  }

  private static final TupleTag<Ranking> RANKINGS = new TupleTag<>("rankings") {};
  private static final TupleTag<Ranking> FAILURES = new TupleTag<>("failures") {};

  @Override
  public RerankResult expand(PCollection<RerankQuery> input) {
    ClientConfig c = config();
    ClientConfig config = c.withLimits(c.limits().share(numWorkers()));
    config.check();
    SerializableFunction<ClientConfig, LlmService> factory =
        clientFactory() != null ? clientFactory() : LlmService::fromConfig;
    PCollectionTuple out =
        input.apply(
            "Rerank",
            ParDo.of(new RerankFn(transformId(), config, factory, settings(), RANKINGS, FAILURES))
                .withOutputTags(RANKINGS, TupleTagList.of(FAILURES)));
    // Java serialization: rankings are small (indexes and scores).
    return new RerankResult(
        input.getPipeline(),
        RANKINGS,
        out.get(RANKINGS).setCoder(SerializableCoder.of(Ranking.class)),
        FAILURES,
        out.get(FAILURES).setCoder(SerializableCoder.of(Ranking.class)));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("model", settings().model()).withLabel("Rerank model"))
        .add(DisplayData.item("settings", settings().toString()).withLabel("Rerank settings"))
        .add(
            DisplayData.item("limits", config().limits().toString())
                .withLabel("Limits (whole job)"));
  }
}

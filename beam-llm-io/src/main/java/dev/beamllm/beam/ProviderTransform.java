package dev.beamllm.beam;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.SharedLimits;
import dev.beamllm.model.ModelRegistry;
import java.time.Duration;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The client settings and the expansion shared by the non-chat transforms ({@link EmbedTexts},
 * {@link RerankQueries}, {@link TranscribeAudio}): each holds a {@link ClientSpec} and its
 * feature's settings, and says only how its feature starts its inputs and what it outputs.
 * Immutable; each {@code withX} returns a new transform.
 *
 * @param <InputT> an input
 * @param <ResultT> an input's result, or its failure
 * @param <OutputT> what the transform produces
 * @param <SelfT> the transform itself, which every {@code withX} returns
 */
abstract class ProviderTransform<
        InputT,
        ResultT,
        OutputT extends SplitOutput<ResultT, ResultT>,
        SelfT extends ProviderTransform<InputT, ResultT, OutputT, SelfT>>
    extends PTransform<PCollection<InputT>, OutputT> {
  private static final long serialVersionUID = 1L;

  /** Builds a feature's output over its results and failures. */
  interface Output<ResultT, OutputT> {
    OutputT of(
        Pipeline pipeline,
        TupleTag<ResultT> resultsTag,
        PCollection<ResultT> results,
        TupleTag<ResultT> failuresTag,
        PCollection<ResultT> failures);
  }

  /**
   * What tells one feature's expansion from another's.
   *
   * @param step the ParDo's name ("Embed"), kept stable for pipeline updates
   * @param results the results' tag id ("embeddings")
   * @param display the feature in display data ("Embedding")
   * @param coder the results' coder, also the failures'
   * @param output builds the output
   */
  record Feature<ResultT, OutputT>(
      String step,
      String results,
      String display,
      Coder<ResultT> coder,
      Output<ResultT, OutputT> output) {}

  /** The shared client's id, configuration, worker count and factory. */
  abstract ClientSpec spec();

  /** The same transform with another client spec. */
  abstract SelfT withSpec(ClientSpec spec);

  /** How the feature's DoFn starts inputs, tells failures and counts successes. */
  abstract ServiceCallFn.Call<InputT, ResultT> call();

  /** The feature's names, coder and output. */
  abstract Feature<ResultT, OutputT> feature();

  /** The model's name as the user gave it, for display data. */
  abstract String model();

  /** The feature's settings (the model and its options), each subclass giving their type. */
  abstract Object settings();

  /** The client configuration; each worker builds its client from its share of it. */
  public ClientConfig config() {
    return spec().config();
  }

  private SelfT with(ClientConfig c) {
    return withSpec(spec().withConfig(c));
  }

  /** The registry to find the model in; see {@link ClientConfig#withRegistry}. */
  public SelfT withRegistry(ModelRegistry registry) {
    return with(config().withRegistry(registry));
  }

  /**
   * The limits of the whole job, each worker taking its share; see {@link ClientConfig#withLimits}.
   * Where each input is one request (a query, an audio file), the requests in flight also bound the
   * inputs each worker holds in memory.
   */
  public SelfT withLimits(Limits limits) {
    return with(config().withLimits(limits));
  }

  /** Attempts per request; see {@link ClientConfig#withMaxAttempts}. */
  public SelfT withMaxAttempts(int attempts) {
    return with(config().withMaxAttempts(attempts));
  }

  /** The timeout of one attempt; see {@link ClientConfig#withRequestTimeout}. */
  public SelfT withRequestTimeout(Duration timeout) {
    return with(config().withRequestTimeout(timeout));
  }

  /** Where results are stored as they come and looked up first (the job's checkpoint). */
  public SelfT withCache(ResponseCache cache) {
    return with(config().withCache(cache));
  }

  /**
   * The limits held in Redis for every worker; see {@link LlmIO.Complete#withSharedLimits(String)}.
   */
  public SelfT withSharedLimits(String redisUri) {
    return with(config().withSharedLimits(SharedLimits.redis(redisUri)));
  }

  /** How many workers share the limits: each JVM enforces limits / n. */
  public SelfT withNumWorkers(int n) {
    return withSpec(spec().withNumWorkers(n));
  }

  /** The client each JVM's stage shares: a test seam, as {@link LlmIO.Complete}'s. */
  SelfT withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
    return withSpec(spec().withClientFactory(factory));
  }

  @Override
  public OutputT expand(PCollection<InputT> input) {
    ClientConfig config = spec().workerConfig(input.getPipeline().getOptions());
    config.check();
    Feature<ResultT, OutputT> f = feature();
    TupleTag<ResultT> results = new TupleTag<>(f.results());
    TupleTag<ResultT> failures = new TupleTag<>("failures");
    PCollectionTuple out =
        input.apply(
            f.step(),
            ParDo.of(
                    new ServiceCallFn<>(
                        spec().transformId(),
                        config,
                        spec().clientFactory(),
                        call(),
                        results,
                        failures))
                .withOutputTags(results, TupleTagList.of(failures)));
    return f.output()
        .of(
            input.getPipeline(),
            results,
            out.get(results).setCoder(f.coder()),
            failures,
            out.get(failures).setCoder(f.coder()));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    String name = feature().display();
    builder
        .add(DisplayData.item("model", model()).withLabel(name + " model"))
        .add(DisplayData.item("settings", settings().toString()).withLabel(name + " settings"))
        .add(
            DisplayData.item("limits", config().limits().toString())
                .withLabel("Limits (whole job)"))
        .add(
            DisplayData.item("cache", config().cache().map(String::valueOf).orElse("none"))
                .withLabel("Cache"));
  }
}

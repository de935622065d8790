package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.Postprocessor;
import dev.beamllm.client.SamplingParams;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Beam transforms for LLM inference.
 *
 * <pre>{@code
 * LlmResult result = conversations.apply(
 *     LlmIO.complete()
 *         .withModels("gpt-4.1-mini", "claude-3.5-haiku").withModelWeights(0.7, 0.3)
 *         .withSamplingParams(SamplingParams.builder().temperature(0.2).maxNewTokens(300).build())
 *         .withLimits(Limits.perMinute(10_000, 2_000_000).maxConcurrent(500))
 *         .withNumWorkers(4)
 *         .withCache(ResponseCache.sqlite(Path.of("cache.db"))));
 * result.responses();   // PCollection<ApiResponse>, each with its conversation's id
 * result.failures();    // PCollection<LlmFailure>, never silently dropped
 * }</pre>
 *
 * Traceability: give each {@link Conversation} an id ({@link Conversation#withId}); every answer
 * carries it in {@link ApiResponse#conversationId()} and every failure carries the input.
 */
public final class LlmIO {
  private LlmIO() {}

  /**
   * Everything the LlmIO clients in this JVM have done so far (answers, failures, retries, 429s,
   * tokens, cost): live progress for local runners, where the job runs in this JVM. On a cluster
   * read the job's {@link LlmMetrics} instead.
   */
  public static dev.beamllm.client.StatusTracker.Status localStatus() {
    return SharedClients.localStatus();
  }

  /**
   * The rows the LlmIO transforms in this JVM have finished so far, counted as the job's metrics
   * count them: live progress for local runners (DirectRunner, embedded Flink) that never exceeds
   * the rows put in, and agrees with the metrics at the end.
   */
  public static LocalProgress localProgress() {
    return LlmMetrics.local(SharedClients.localStatus().rateLimited());
  }

  /** The completion transform with no models yet; add them with {@link Complete#withModels}. */
  public static Complete complete() {
    return new AutoValue_LlmIO_Complete.Builder()
        .setTransformId(UUID.randomUUID().toString())
        .setModels(List.of())
        .setWeights(List.of())
        .setRegistry(ModelRegistry.defaults())
        .setSamplingParams(SamplingParams.defaults())
        .setPerModelParams(Map.of())
        .setLimits(Limits.unlimited())
        .setPerModelLimits(Map.of())
        .setMaxAttempts(ClientConfig.DEFAULT_MAX_ATTEMPTS)
        .setRequestTimeout(ClientConfig.DEFAULT_REQUEST_TIMEOUT)
        .setTools(List.of())
        .setExtraHeaders(Map.of())
        .setNumWorkers(1)
        .setBatchSize(0)
        .setDedupe(true)
        .setMaxBufferingDuration(Duration.ofSeconds(5))
        .setApiKeys(ApiKeys.fromEnvironment())
        .build();
  }

  /**
   * {@code PTransform<PCollection<Conversation>, LlmResult>}: cache lookup (hits use no rate-limit
   * capacity), optional batching, the call through one client per JVM with many requests in flight,
   * every success written to the cache as it arrives, a retry stage for what is still retryable
   * (preferring another model, after the cool-down), and failure records for the rest.
   */
  @AutoValue
  public abstract static class Complete extends PTransform<PCollection<Conversation>, LlmResult> {
    abstract String transformId();

    abstract List<String> models();

    abstract List<Double> weights();

    abstract ModelRegistry registry();

    abstract SamplingParams samplingParams();

    abstract Map<String, SamplingParams> perModelParams();

    abstract Limits limits();

    abstract Map<String, Limits> perModelLimits();

    abstract int maxAttempts();

    abstract Duration requestTimeout();

    abstract List<Tool> tools();

    abstract Map<String, String> extraHeaders();

    abstract int numWorkers();

    abstract int batchSize();

    abstract boolean dedupe();

    abstract Duration maxBufferingDuration();

    abstract ApiKeys apiKeys();

    abstract @Nullable ResponseCache cache();

    abstract @Nullable Postprocessor postprocess();

    abstract @Nullable ErrorHandler<BadRecord, ?> badRecordErrorHandler();

    abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactory();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setTransformId(String id);

      abstract Builder setModels(List<String> models);

      abstract Builder setWeights(List<Double> weights);

      abstract Builder setRegistry(ModelRegistry registry);

      abstract Builder setSamplingParams(SamplingParams params);

      abstract Builder setPerModelParams(Map<String, SamplingParams> params);

      abstract Builder setLimits(Limits limits);

      abstract Builder setPerModelLimits(Map<String, Limits> limits);

      abstract Builder setMaxAttempts(int attempts);

      abstract Builder setRequestTimeout(Duration timeout);

      abstract Builder setTools(List<Tool> tools);

      abstract Builder setExtraHeaders(Map<String, String> headers);

      abstract Builder setNumWorkers(int workers);

      abstract Builder setBatchSize(int size);

      abstract Builder setDedupe(boolean on);

      abstract Builder setMaxBufferingDuration(Duration d);

      abstract Builder setApiKeys(ApiKeys keys);

      abstract Builder setCache(@Nullable ResponseCache cache);

      abstract Builder setPostprocess(@Nullable Postprocessor postprocess);

      abstract Builder setBadRecordErrorHandler(@Nullable ErrorHandler<BadRecord, ?> handler);

      abstract Builder setClientFactory(
          @Nullable SerializableFunction<ClientConfig, LlmService> factory);

      abstract Complete build();
    }

    /** The models to spray across, by id or alias. */
    public Complete withModels(String... models) {
      return toBuilder().setModels(List.of(models)).build();
    }

    /** The models' weights (normalised; uniform when not given). */
    public Complete withModelWeights(double... weights) {
      return toBuilder().setWeights(Arrays.stream(weights).boxed().toList()).build();
    }

    /** The registry to find models in (with custom models). */
    public Complete withRegistry(ModelRegistry registry) {
      return toBuilder().setRegistry(registry).build();
    }

    /** Sampling parameters for every model. */
    public Complete withSamplingParams(SamplingParams params) {
      return toBuilder().setSamplingParams(params).build();
    }

    /** Sampling parameters per model id. */
    public Complete withSamplingParams(Map<String, SamplingParams> perModel) {
      return toBuilder().setPerModelParams(Map.copyOf(perModel)).build();
    }

    /** The limits of the whole job; each worker takes its share (see {@link #withNumWorkers}). */
    public Complete withLimits(Limits limits) {
      return toBuilder().setLimits(limits).build();
    }

    /**
     * Limits of single models (id or alias: requests/min and tokens/min), as providers limit each
     * model, held within {@link #withLimits}; each worker takes its share like the job's limits.
     */
    public Complete withModelLimits(Map<String, Limits> perModel) {
      return toBuilder().setPerModelLimits(Map.copyOf(perModel)).build();
    }

    /** Attempts per request in each stage. */
    public Complete withMaxAttempts(int attempts) {
      return toBuilder().setMaxAttempts(attempts).build();
    }

    /** The timeout of one attempt. */
    public Complete withRequestTimeout(Duration timeout) {
      return toBuilder().setRequestTimeout(timeout).build();
    }

    /** Tools offered with every request. */
    public Complete withTools(Tool... tools) {
      return toBuilder().setTools(List.of(tools)).build();
    }

    /** Headers added to every request (no secrets: they would enter the pipeline). */
    public Complete withExtraHeaders(Map<String, String> headers) {
      return toBuilder().setExtraHeaders(Map.copyOf(headers)).build();
    }

    /** How many workers share the limits; each JVM enforces limits / n. */
    public Complete withNumWorkers(int n) {
      return toBuilder().setNumWorkers(n).build();
    }

    /**
     * Groups conversations into batches of {@code size} before calling (for streaming input, with
     * at most {@code maxBuffering} of waiting). Off (0) by default: the call stage already keeps
     * many requests in flight per thread.
     */
    public Complete withBatching(int size, Duration maxBuffering) {
      return toBuilder().setBatchSize(size).setMaxBufferingDuration(maxBuffering).build();
    }

    /**
     * Whether identical requests in one run (same conversation, models, parameters, tools and
     * schema; ids and metadata may differ) are sent once, every one of them getting the answer
     * under its own id. On by default; it applies to bounded inputs in the global window, where a
     * grouping by request sees them all (elsewhere the cache serves repeats). Turn it off for
     * deliberate repeated sampling.
     */
    public Complete withDedupe(boolean on) {
      return toBuilder().setDedupe(on).build();
    }

    /**
     * Where keys come from on the workers: the environment or a {@code .env} file there. Keys given
     * in code are refused at construction, because they would not reach the workers.
     */
    public Complete withApiKeys(ApiKeys keys) {
      return toBuilder().setApiKeys(keys).build();
    }

    /** The answer cache. */
    public Complete withCache(ResponseCache cache) {
      return toBuilder().setCache(cache).build();
    }

    /** A hook applied to every fresh answer. */
    public Complete withPostprocess(Postprocessor postprocess) {
      return toBuilder().setPostprocess(postprocess).build();
    }

    /** Also sends every failure to Beam's dead-letter handler as a {@link BadRecord}. */
    public Complete withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      return toBuilder().setBadRecordErrorHandler(handler).build();
    }

    /** The client configuration each worker builds its client from. */
    ClientConfig clientConfig() {
      ClientConfig.Builder b =
          ClientConfig.builder()
              .setModels(models())
              .setWeights(weights())
              .setRegistry(registry())
              .setSamplingParams(samplingParams())
              .setPerModelParams(perModelParams())
              .setLimits(limits().share(numWorkers()))
              .setPerModelLimits(shares(perModelLimits(), numWorkers()))
              .setMaxAttempts(maxAttempts())
              .setRequestTimeout(requestTimeout())
              .setTools(tools())
              .setExtraHeaders(extraHeaders())
              .setProgress(dev.beamllm.client.StatusTracker.Display.NONE)
              .setApiKeys(apiKeys())
              .setCache(cache())
              .setPostprocess(postprocess());
      return b.build();
    }

    private static Map<String, Limits> shares(Map<String, Limits> perModel, int workers) {
      Map<String, Limits> out = new java.util.HashMap<>();
      perModel.forEach((m, l) -> out.put(m, l.share(workers)));
      return out;
    }

    /** Fails at pipeline construction for settings that can never work. */
    @Override
    public void validate(org.apache.beam.sdk.options.PipelineOptions options) {
      if (models().isEmpty()) {
        throw new IllegalArgumentException("LlmIO.complete() needs models: call withModels(...)");
      }
      if (apiKeys().holdsValues()) {
        throw new IllegalArgumentException(
            "keys given in code are never serialized into a pipeline, so workers would not have"
                + " them: set the providers' variables in the workers' environment (or a .env file) instead");
      }
      // The registry may be set after the limits, so their models are looked up here.
      perModelLimits().keySet().forEach(registry()::lookup);
      if (numWorkers() < 1 || batchSize() < 0) {
        throw new IllegalArgumentException("numWorkers must be >= 1 and the batch size >= 0");
      }
      clientConfig();
    }

    /**
     * The same transform over requests that carry their own settings (model, output limit,
     * temperature, schema, source): {@code PTransform<PCollection<LlmRequest>, LlmResult>}. Every
     * request goes through one client per JVM, so the limits hold whatever models the requests
     * name.
     */
    public PTransform<PCollection<LlmRequest>, LlmResult> forRequests() {
      return new CompleteRequests(this);
    }

    @Override
    public LlmResult expand(PCollection<Conversation> input) {
      return input
          .apply(
              "ToRequests",
              MapElements.into(TypeDescriptor.of(LlmRequest.class)).via(LlmRequest::of))
          .setCoder(LlmRequestCoder.of())
          .apply("Complete", forRequests());
    }

    /**
     * The client each JVM's call stages share, built there from the client configuration: a test
     * seam, as RequestResponseIO's {@code withSleeperSupplier}, so the call stage runs without
     * HTTP. By default an {@link dev.beamllm.client.LlmClient}.
     */
    Complete withClientFactory(SerializableFunction<ClientConfig, LlmService> factory) {
      return toBuilder().setClientFactory(factory).build();
    }

    LlmResult expandRequests(PCollection<LlmRequest> input) {
      validate(input.getPipeline().getOptions());
      ClientConfig config = clientConfig();
      SerializableFunction<ClientConfig, LlmService> factory =
          clientFactory() != null ? clientFactory() : LlmService::fromConfig;
      TupleTag<ApiResponse> responses = new TupleTag<>("responses") {};
      TupleTag<KV<List<LlmRequest>, String>> retry = new TupleTag<>("retry") {};
      TupleTag<LlmFailure> failures = new TupleTag<>("failures") {};
      ListCoder<LlmRequest> groupCoder = ListCoder.of(LlmRequestCoder.of());
      KvCoder<List<LlmRequest>, String> kvCoder = KvCoder.of(groupCoder, StringUtf8Coder.of());

      PCollection<LlmRequest> batched = input;
      if (batchSize() > 1) {
        int shards = Math.max(1, numWorkers() * 4);
        batched =
            input
                .apply(
                    "ShardForBatching",
                    WithKeys.<Integer, LlmRequest>of(
                            c -> ThreadLocalRandom.current().nextInt(shards))
                        .withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), LlmRequestCoder.of()))
                .apply(
                    "Batch",
                    GroupIntoBatches.<Integer, LlmRequest>ofSize(batchSize())
                        .withMaxBufferingDuration(
                            org.joda.time.Duration.millis(maxBufferingDuration().toMillis())))
                .apply("Unbatch", Values.create())
                .apply("Flatten", Flatten.iterables());
      }
      PCollection<List<LlmRequest>> groups =
          dedupe() && Dedupe.applies(batched)
              ? batched.apply("Dedupe", new Dedupe())
              : batched
                  .apply(
                      "One by one",
                      MapElements.into(new TypeDescriptor<List<LlmRequest>>() {})
                          .via((LlmRequest r) -> List.of(r)))
                  .setCoder(groupCoder);
      PCollection<KV<List<LlmRequest>, String>> requests =
          groups
              .apply(
                  "Requests",
                  MapElements.into(
                          TypeDescriptors.kvs(
                              new TypeDescriptor<List<LlmRequest>>() {}, TypeDescriptors.strings()))
                      .via((List<LlmRequest> g) -> KV.of(g, "")))
              .setCoder(kvCoder);
      PCollectionTuple first =
          requests.apply(
              "Call",
              ParDo.of(
                      new CallFn(transformId(), config, factory, false, responses, retry, failures))
                  .withOutputTags(responses, TupleTagList.of(retry).and(failures)));
      PCollectionTuple second =
          first
              .get(retry)
              .setCoder(kvCoder)
              .apply(
                  "Retry",
                  ParDo.of(
                          new CallFn(
                              transformId(), config, factory, true, responses, retry, failures))
                      .withOutputTags(responses, TupleTagList.of(retry).and(failures)));
      second.get(retry).setCoder(kvCoder);
      PCollection<ApiResponse> allResponses =
          PCollectionList.of(first.get(responses).setCoder(ApiResponseCoder.of()))
              .and(second.get(responses).setCoder(ApiResponseCoder.of()))
              .apply("Responses", Flatten.pCollections());
      PCollection<LlmFailure> allFailures =
          PCollectionList.of(first.get(failures).setCoder(LlmFailureCoder.of()))
              .and(second.get(failures).setCoder(LlmFailureCoder.of()))
              .apply("Failures", Flatten.pCollections());
      if (badRecordErrorHandler() != null) {
        badRecordErrorHandler()
            .addErrorCollection(
                allFailures
                    .apply("ToBadRecords", ParDo.of(new ToBadRecordFn()))
                    .setCoder(BadRecord.getCoder(input.getPipeline())));
      }
      return LlmResult.in(input.getPipeline(), responses, allResponses, failures, allFailures);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("models", String.join(",", models())).withLabel("Models"))
          .add(DisplayData.item("weights", weights().toString()).withLabel("Model weights"))
          .add(DisplayData.item("limits", limits().toString()).withLabel("Limits (whole job)"))
          .add(
              DisplayData.item("modelLimits", perModelLimits().toString())
                  .withLabel("Limits of single models"))
          .add(DisplayData.item("numWorkers", numWorkers()).withLabel("Workers sharing the limits"))
          .add(DisplayData.item("maxAttempts", maxAttempts()).withLabel("Attempts per stage"))
          .add(
              DisplayData.item("requestTimeout", requestTimeout().toString())
                  .withLabel("Per-attempt timeout"))
          .add(
              DisplayData.item("maxNewTokens", samplingParams().maxNewTokens())
                  .withLabel("Max new tokens"))
          .add(DisplayData.item("batchSize", batchSize()).withLabel("Batch size (0: no batching)"))
          .add(DisplayData.item("dedupe", dedupe()).withLabel("Identical requests sent once"))
          .add(
              DisplayData.item(
                      "cache", cache() == null ? "none" : cache().getClass().getSimpleName())
                  .withLabel("Cache"));
    }
  }
}

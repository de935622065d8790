package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.Postprocessor;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.tool.Tool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
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
  public static StatusTracker.Status localStatus() {
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
        .setConfig(ClientConfig.defaults().withProgress(StatusTracker.Display.NONE))
        .setNumWorkers(1)
        .setBatchSize(0)
        .setDedupe(true)
        .setMaxBufferingDuration(Duration.ofSeconds(5))
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

    /** The client configuration; each worker builds its client from its share of it. */
    public abstract ClientConfig config();

    abstract int numWorkers();

    abstract int batchSize();

    abstract boolean dedupe();

    abstract Duration maxBufferingDuration();

    abstract @Nullable ErrorHandler<BadRecord, ?> errorHandler();

    abstract @Nullable SerializableFunction<ClientConfig, LlmService> clientFactory();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setTransformId(String id);

      abstract Builder setConfig(ClientConfig config);

      abstract Builder setNumWorkers(int workers);

      abstract Builder setBatchSize(int size);

      abstract Builder setDedupe(boolean on);

      abstract Builder setMaxBufferingDuration(Duration d);

      abstract Builder setErrorHandler(@Nullable ErrorHandler<BadRecord, ?> handler);

      abstract Builder setClientFactory(
          @Nullable SerializableFunction<ClientConfig, LlmService> factory);

      abstract Complete build();
    }

    private Complete with(ClientConfig config) {
      return toBuilder().setConfig(config).build();
    }

    // ---- client settings: one line each, checked by ClientConfig's withX ----

    /** The models to spray across, by id or alias; see {@link ClientConfig#withModels}. */
    public Complete withModels(String... models) {
      return with(config().withModels(models));
    }

    /** The models to spray across, by id or alias; see {@link ClientConfig#withModels}. */
    public Complete withModels(List<String> models) {
      return with(config().withModels(models));
    }

    /** One weight per model (normalised); see {@link ClientConfig#withModelWeights}. */
    public Complete withModelWeights(double... weights) {
      return with(config().withModelWeights(weights));
    }

    /**
     * The registry to find models in, with custom models; see {@link ClientConfig#withRegistry}.
     */
    public Complete withRegistry(ModelRegistry registry) {
      return with(config().withRegistry(registry));
    }

    /** Sampling parameters for every model; see {@link ClientConfig#withSamplingParams}. */
    public Complete withSamplingParams(SamplingParams params) {
      return with(config().withSamplingParams(params));
    }

    /** Sampling parameters of single models; see {@link ClientConfig#withSamplingParams(Map)}. */
    public Complete withSamplingParams(Map<String, SamplingParams> perModel) {
      return with(config().withSamplingParams(perModel));
    }

    /**
     * The limits of the whole job; each worker takes its share (see {@link #withNumWorkers}) and
     * {@link ClientConfig#withLimits}.
     */
    public Complete withLimits(Limits limits) {
      return with(config().withLimits(limits));
    }

    /**
     * Limits of single models (requests/min and tokens/min), held within {@link #withLimits}; each
     * worker takes its share like the job's limits. See {@link ClientConfig#withModelLimits}.
     */
    public Complete withModelLimits(Map<String, Limits> perModel) {
      return with(config().withModelLimits(perModel));
    }

    /** Attempts per request in each stage; see {@link ClientConfig#withMaxAttempts}. */
    public Complete withMaxAttempts(int attempts) {
      return with(config().withMaxAttempts(attempts));
    }

    /** The timeout of one attempt; see {@link ClientConfig#withRequestTimeout}. */
    public Complete withRequestTimeout(Duration timeout) {
      return with(config().withRequestTimeout(timeout));
    }

    /** Tools offered with every request; see {@link ClientConfig#withTools}. */
    public Complete withTools(Tool... tools) {
      return with(config().withTools(tools));
    }

    /** Tools offered with every request; see {@link ClientConfig#withTools}. */
    public Complete withTools(List<Tool> tools) {
      return with(config().withTools(tools));
    }

    /**
     * Headers added to every request. They enter the serialized pipeline, so no secrets; see {@link
     * ClientConfig#withExtraHeaders}.
     */
    public Complete withExtraHeaders(Map<String, String> headers) {
      return with(config().withExtraHeaders(headers));
    }

    /** The provider's service tier; see {@link ClientConfig#withServiceTier}. */
    public Complete withServiceTier(String tier) {
      return with(config().withServiceTier(tier));
    }

    /**
     * Progress printed by each worker's client: none by default, because a worker's output is a
     * log. On a local runner {@link LlmIO#localProgress()} is the better view; see {@link
     * ClientConfig#withProgress}.
     */
    public Complete withProgress(StatusTracker.Display display) {
      return with(config().withProgress(display));
    }

    /** The seed of the weighted model choice; see {@link ClientConfig#withSeed}. */
    public Complete withSeed(long seed) {
      return with(config().withSeed(seed));
    }

    /** Whether answers keep the provider's raw body; see {@link ClientConfig#withKeepRawBody}. */
    public Complete withKeepRawBody(boolean keep) {
      return with(config().withKeepRawBody(keep));
    }

    /**
     * Where keys come from on the workers: only {@link ApiKeys#fromEnvironment()} (the environment
     * or a {@code .env} file there). Keys given in code are refused at once, because they would not
     * reach the workers.
     */
    public Complete withApiKeys(ApiKeys keys) {
      if (keys != null && keys.holdsValues()) {
        throw new IllegalArgumentException(
            "apiKeys: keys given in code are never serialized into a pipeline, so workers would not"
                + " have them: set the providers' variables in the workers' environment (or a .env"
                + " file) instead");
      }
      return with(config().withApiKeys(keys));
    }

    /** The answer cache, written as answers arrive; see {@link ClientConfig#withCache}. */
    public Complete withCache(ResponseCache cache) {
      return with(config().withCache(cache));
    }

    /**
     * OpenAI's Responses API for the models it serves; see {@link ClientConfig#withResponsesApi}.
     */
    public Complete withResponsesApi(boolean use) {
      return with(config().withResponsesApi(use));
    }

    /** Polled background jobs where the API can; see {@link ClientConfig#withBackgroundMode}. */
    public Complete withBackgroundMode(boolean background) {
      return with(config().withBackgroundMode(background));
    }

    /** A hook applied to every fresh answer; see {@link ClientConfig#withPostprocess}. */
    public Complete withPostprocess(Postprocessor postprocess) {
      return with(config().withPostprocess(postprocess));
    }

    // ---- settings of the transform itself ----

    /**
     * How many workers share the limits: each JVM enforces limits / n (at least 1 each). A static
     * split: a worker that idles wastes its share.
     */
    public Complete withNumWorkers(int n) {
      checkArgument(n >= 1, "numWorkers: must be at least 1, got %s", n);
      return toBuilder().setNumWorkers(n).build();
    }

    /**
     * Groups conversations into batches of {@code size} before calling (for streaming input, with
     * at most {@code maxBuffering} of waiting). Off (0) by default: the call stage already keeps
     * many requests in flight per thread.
     */
    public Complete withBatching(int size, Duration maxBuffering) {
      checkArgument(size >= 0, "batching: the size must be 0 (off) or more, got %s", size);
      checkArgument(
          maxBuffering != null && !maxBuffering.isNegative() && !maxBuffering.isZero(),
          "batching: the longest wait must be positive, got %s",
          maxBuffering);
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
     * Also sends every failure to Beam's dead-letter handler as a {@link BadRecord} (the failures
     * stay in {@link LlmResult#failures()} too), as PubsubIO's {@code withErrorHandler}.
     */
    public Complete withErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "errorHandler: must not be null");
      return toBuilder().setErrorHandler(handler).build();
    }

    /** The configuration of one worker's client: its share of the limits, no progress display. */
    ClientConfig workerConfig() {
      Map<String, Limits> perModel = new HashMap<>();
      config().perModelLimits().forEach((m, l) -> perModel.put(m, l.share(numWorkers())));
      return config().withLimits(config().limits().share(numWorkers())).withModelLimits(perModel);
    }

    /** Fails at pipeline construction for settings that can never work. */
    @Override
    public void validate(PipelineOptions options) {
      if (config().models().isEmpty()) {
        throw new IllegalArgumentException("LlmIO.complete() needs models: call withModels(...)");
      }
      workerConfig().check();
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
      ClientConfig config = workerConfig();
      SerializableFunction<ClientConfig, LlmService> factory =
          clientFactory() != null ? clientFactory() : LlmService::fromConfig;
      PCollection<RequestGroup> requests = expandGroup(expandBatch(input));
      Stage first = expandCall("Call", requests, config, factory, false);
      Stage second = expandCall("Retry", first.retry(), config, factory, true);
      PCollection<ApiResponse> responses =
          PCollectionList.of(first.responses())
              .and(second.responses())
              .apply("Responses", Flatten.pCollections());
      PCollection<LlmFailure> failures =
          PCollectionList.of(first.failures())
              .and(second.failures())
              .apply("Failures", Flatten.pCollections());
      expandErrorHandler(failures);
      return LlmResult.in(input.getPipeline(), RESPONSES, responses, FAILURES, failures);
    }

    private static final TupleTag<ApiResponse> RESPONSES = new TupleTag<>("responses") {};
    private static final TupleTag<RequestGroup> RETRY = new TupleTag<>("retry") {};
    private static final TupleTag<LlmFailure> FAILURES = new TupleTag<>("failures") {};

    /** What one call stage puts out. */
    private record Stage(
        PCollection<ApiResponse> responses,
        PCollection<RequestGroup> retry,
        PCollection<LlmFailure> failures) {}

    /** Optional batching: requests wait in shards until a batch is full or its time is up. */
    private PCollection<LlmRequest> expandBatch(PCollection<LlmRequest> input) {
      if (batchSize() <= 1) {
        return input;
      }
      int shards = Math.max(1, numWorkers() * 4);
      return input
          .apply(
              "ShardForBatching",
              WithKeys.<Integer, LlmRequest>of(c -> ThreadLocalRandom.current().nextInt(shards))
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

    /**
     * Groups of identical requests (one request per group without dedupe, or where {@link
     * Dedupe#applies} says a grouping cannot see them all), each with no model to avoid yet.
     */
    private PCollection<RequestGroup> expandGroup(PCollection<LlmRequest> input) {
      if (dedupe() && Dedupe.applies(input)) {
        return input.apply("Dedupe", new Dedupe());
      }
      return input
          .apply(
              "One by one",
              MapElements.into(TypeDescriptor.of(RequestGroup.class))
                  .via((LlmRequest r) -> RequestGroup.of(r)))
          .setCoder(RequestGroupCoder.of());
    }

    /** One call stage: answers, what is still retryable, and failures. */
    private Stage expandCall(
        String name,
        PCollection<RequestGroup> requests,
        ClientConfig config,
        SerializableFunction<ClientConfig, LlmService> factory,
        boolean lastStage) {
      PCollectionTuple out =
          requests.apply(
              name,
              ParDo.of(
                      new CallFn(
                          transformId(), config, factory, lastStage, RESPONSES, RETRY, FAILURES))
                  .withOutputTags(RESPONSES, TupleTagList.of(RETRY).and(FAILURES)));
      return new Stage(
          out.get(RESPONSES).setCoder(ApiResponseCoder.of()),
          out.get(RETRY).setCoder(RequestGroupCoder.of()),
          out.get(FAILURES).setCoder(LlmFailure.coder()));
    }

    /** Every failure also to the user's dead-letter handler, when one is set. */
    private void expandErrorHandler(PCollection<LlmFailure> failures) {
      if (errorHandler() != null) {
        errorHandler()
            .addErrorCollection(
                failures
                    .apply("ToBadRecords", ParDo.of(new ToBadRecordFn()))
                    .setCoder(BadRecord.getCoder(failures.getPipeline())));
      }
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      ClientConfig c = config();
      builder
          .add(DisplayData.item("models", String.join(",", c.models())).withLabel("Models"))
          .add(DisplayData.item("weights", c.weights().toString()).withLabel("Model weights"))
          .add(DisplayData.item("limits", c.limits().toString()).withLabel("Limits (whole job)"))
          .add(
              DisplayData.item("modelLimits", c.perModelLimits().toString())
                  .withLabel("Limits of single models"))
          .add(DisplayData.item("numWorkers", numWorkers()).withLabel("Workers sharing the limits"))
          .add(DisplayData.item("maxAttempts", c.maxAttempts()).withLabel("Attempts per stage"))
          .add(
              DisplayData.item("requestTimeout", c.requestTimeout().toString())
                  .withLabel("Per-attempt timeout"))
          .add(
              DisplayData.item("maxNewTokens", c.samplingParams().maxNewTokens())
                  .withLabel("Max new tokens"))
          .add(DisplayData.item("batchSize", batchSize()).withLabel("Batch size (0: no batching)"))
          .add(DisplayData.item("dedupe", dedupe()).withLabel("Identical requests sent once"))
          .add(
              DisplayData.item(
                      "cache",
                      c.cache().map(cache -> cache.getClass().getSimpleName()).orElse("none"))
                  .withLabel("Cache"));
    }
  }

  private static void checkArgument(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }
}

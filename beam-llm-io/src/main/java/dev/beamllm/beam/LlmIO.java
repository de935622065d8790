package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.AgentResult;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.BatchSettings;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmClient;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.Postprocessor;
import dev.beamllm.client.SharedLimits;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * Beam transforms for batch inference against hosted LLM APIs (OpenAI, Anthropic, Gemini, Mistral,
 * Cohere, Bedrock and OpenAI-compatible endpoints): every input row ends as one answer or one
 * failure record, as fast as the quotas allow, and (with a cache) an answer already paid for is not
 * paid for again.
 *
 * <h2>Quick start</h2>
 *
 * <p>Give each {@link Conversation} an id ({@link Conversation#withId}): every answer carries it in
 * {@link ApiResponse#conversationId()}, every failure in {@link LlmFailure#getConversationId()}.
 *
 * <pre>{@code
 * PCollection<Conversation> conversations =
 *     lines.apply(MapElements.into(TypeDescriptor.of(Conversation.class))
 *         .via(line -> Conversation.fromJson(line)));      // or Conversation.user(text).withId(id)
 * LlmResult result = conversations.apply(
 *     LlmIO.complete()
 *         .withModels("gpt-4.1-mini")
 *         .withSamplingParams(SamplingParams.builder().temperature(0.2).maxNewTokens(300).build())
 *         .withLimits(Limits.perMinute(10_000, 2_000_000).maxConcurrent(500))
 *         .withCache(ResponseCache.sqlite(Path.of("/shared/cache.db"))));
 * result.responses()                                      // PCollection<ApiResponse>
 *     .apply(MapElements.into(TypeDescriptors.strings())
 *         .via(r -> r.conversationId().orElse("") + "\t" + r.completion()))
 *     .apply(TextIO.write().to("answers"));
 * result.failures()                                       // PCollection<LlmFailure>, a schema'd type
 *     .apply(MapElements.into(TypeDescriptors.strings())
 *         .via(f -> f.getConversationId() + "\t" + f.getErrorKind() + "\t" + f.getMessage()))
 *     .apply(TextIO.write().to("failures"));
 * }</pre>
 *
 * <p>The coders of {@link Conversation}, {@link ApiResponse} and {@link LlmRequest} are registered
 * for every pipeline ({@link LlmCoders}); {@link LlmFailure} has a Beam schema. {@link
 * Complete#validate} fails at construction for settings that can never work (no models, an unknown
 * model, weights that do not match the models).
 *
 * <h2>Requests with their own settings</h2>
 *
 * <p>{@link Complete#forRequests()} takes {@link LlmRequest}s instead: each may name its own model,
 * output limit, temperature and JSON schema for the answer, on top of the transform's settings, and
 * carry its source (the input as the user wrote it, kept in its failure). All of them go through
 * the same transform, one client per JVM, so the limits hold whatever models the requests name.
 *
 * <pre>{@code
 * PCollection<LlmRequest> requests = conversations.apply(
 *     MapElements.into(TypeDescriptor.of(LlmRequest.class))
 *         .via(c -> LlmRequest.of(c).withModel("claude-3.5-haiku").withMaxNewTokens(20)));
 * LlmResult result = requests.apply(LlmIO.complete().withModels("gpt-4.1-mini").forRequests());
 * }</pre>
 *
 * <h2>Spraying across models</h2>
 *
 * <p>With several models ({@link Complete#withModels}) each request goes to one of them, chosen by
 * the weights of {@link Complete#withModelWeights} (equal by default; reproducible with {@link
 * Complete#withSeed}). A model that cannot serve a request (images, a schema, tools) is skipped for
 * it; a retry prefers another model; a model that rejects the key, is not found or cannot be
 * reached (20 connection failures in a row) is given up and its requests go to the others. Models
 * are ids or aliases of the {@link ModelRegistry} ({@link Complete#withRegistry} adds your own).
 * Sampling parameters can differ per model ({@link Complete#withSamplingParams(Map)}).
 *
 * <h2>Limits, and sharing them across workers</h2>
 *
 * <p>{@link Complete#withLimits} takes the quota of the whole job: requests per minute, tokens per
 * minute (input plus the output limit, settled with the real usage) and requests in flight. {@link
 * Complete#withModelLimits} adds limits of single models, held within the job's. Each JVM runs one
 * client per transform, shared by all its threads, so the limits do not multiply by the thread
 * count. Across JVMs, {@link Complete#withSharedLimits(String)} holds them on a Redis server that
 * every worker leases capacity from (a few calls per second per worker): the limits are the whole
 * cluster's, requests in flight come back by lease expiry when a worker dies, and a model's real
 * limits and cool-downs that one worker learns every worker honours. Without it they are split
 * statically: with {@link Complete#withNumWorkers}{@code (n)} every worker enforces {@code 1/n} of
 * each limit. The client also learns each model's real limit and what is left from the providers'
 * rate-limit headers, and pauses after a 429 for its retry-after. Time spent waiting for capacity
 * is reported under Beam's throttling counter ({@code Metrics.THROTTLE_TIME_NAMESPACE}), which
 * Dataflow's autoscaler reads as a reason not to add workers.
 *
 * <h2>Authentication</h2>
 *
 * <p>Keys never enter the pipeline: each worker reads them where it runs, from its environment or a
 * {@code .env} file in its working directory, by the variable each model's registry entry names
 * ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}...). {@link
 * Complete#withApiKeys} accepts only {@link ApiKeys#fromEnvironment()}: keys given in code are
 * refused at construction, because they would not reach the workers. A key missing on a worker
 * makes the requests it would send with that key fail there, as {@code AUTH} failures naming the
 * variable. {@link Complete#withExtraHeaders} also enter the serialized pipeline: no secrets there.
 * Display data shows the settings, never a key.
 *
 * <h2>Caching and replays</h2>
 *
 * <p>With {@link Complete#withCache} every fresh answer is stored the moment it arrives, before it
 * is emitted, and a request whose answer is in the cache is answered from it ({@link
 * ApiResponse#cacheHit()}) without sending and without using rate-limit capacity. So a bundle the
 * runner retries, or a job run again after a crash, does not pay twice for the answers it already
 * got. The key is the conversation (not its id or metadata), the models that may answer it, the
 * sampling parameters and the tools. {@link ResponseCache#memory()} serves one JVM; {@link
 * ResponseCache#sqlite} outlives the job and is shared by every worker that sees the same file;
 * {@link ResponseCache#redis} by every worker that reaches the server (a cluster's checkpoint).
 *
 * <p>{@link Complete#withDedupe} (on by default) sends identical requests of one run once; every
 * one of them gets the answer under its own id, marked as a cache hit. Turn it off for deliberate
 * repeated sampling.
 *
 * <h2>Failures</h2>
 *
 * <p>Nothing is dropped: a request that cannot be answered (invalid input, auth, context length,
 * content filter, or retries exhausted) becomes an {@link LlmFailure} in {@link
 * LlmResult#failures()}. A failure holds the request (the conversation as JSON, its id, its source
 * and its own settings; {@link LlmFailure#request()} rebuilds it), the error's kind, message, last
 * HTTP status and retry-after, the attempts made and the model tried last. Each request gets up to
 * {@link Complete#withMaxAttempts} attempts, with backoff; what is still retryable then goes
 * through a second call stage, which prefers another model, for as many attempts again. {@link
 * Complete#withErrorHandler} also sends every failure to Beam's dead-letter handler as a {@code
 * BadRecord} (the conversation's JSON as the record, kind, attempts, model and message as the
 * description):
 *
 * <pre>{@code
 * try (BadRecordErrorHandler<?> dlq = pipeline.registerBadRecordErrorHandler(deadLetterSink)) {
 *   conversations.apply(LlmIO.complete().withModels("gpt-4.1-mini").withErrorHandler(dlq));
 * }
 * }</pre>
 *
 * <h2>Metrics</h2>
 *
 * <p>The transform reports Beam metrics in the namespace {@value LlmMetrics#NAMESPACE} (see {@link
 * LlmMetrics} for each one): {@code successes}, {@code failures}, {@code cache_hits} and {@code
 * duplicates} count rows; {@code requests}, {@code attempts}, {@code retries}, {@code retry_stage}
 * and {@code rate_limited} count what was sent; {@code input_tokens}, {@code output_tokens}, {@code
 * cached_tokens} and {@code cost_micro_usd} count what was paid for; {@code latency_ms} is a
 * distribution. On local runners, where the job runs in the launcher's JVM, {@link
 * LlmIO#localProgress()} counts the rows finished so far as the metrics will, for a live progress
 * line, and {@link LlmIO#localStatus()} what the clients did.
 *
 * <h2>Limitations</h2>
 *
 * <ul>
 *   <li>Without {@link Complete#withSharedLimits(String)}, limits are shared across workers only by
 *       the static split of {@link Complete#withNumWorkers}: a worker that idles wastes its share,
 *       and a runner that scales to more workers than {@code n} exceeds the quota. Two LlmIO
 *       transforms in one pipeline each enforce their own limits unless both share them through
 *       Redis under one namespace.
 *   <li>Dedupe applies to bounded input in the global window only; elsewhere a grouping would wait
 *       for its window or never fire, so identical requests are each sent (the cache serves those
 *       that come after an answer was stored).
 *   <li>Only one retry stage: what still fails after it is a failure record, not retried later.
 *   <li>A call stage waits at the end of each bundle for the requests it started; a slow request
 *       holds its bundle until its timeout ({@link Complete#withRequestTimeout}).
 *   <li>Answers arrive whole: the transform does not stream tokens.
 *   <li>With {@link Complete#withBatchApi}, a bundle of the batch stage waits at its end for the
 *       batches of its shards: on a runner with short bundles, fewer batches run at once than the
 *       shards would allow.
 *   <li>Keys come only from the workers' environment or {@code .env}; there is no secret-manager
 *       integration.
 * </ul>
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

  /**
   * The embedding transform for a model ({@code text-embedding-3-small}, {@code embed-v4.0}, {@code
   * gemini-embedding-001}, {@code mistral-embed}, Titan or Cohere on Bedrock): {@code
   * PTransform<PCollection<TextInput>, EmbedResult>}, or over plain strings with {@link
   * EmbedTexts#forTexts()}. Texts go in requests of as many as the provider takes, under the same
   * limits, retries and cache as completions; each vector keeps its text's id; {@link
   * EmbedResult#rows()} gives them as rows with a schema.
   *
   * <pre>{@code
   * EmbedResult r = texts.apply(LlmIO.embed("text-embedding-3-small").withDimensions(256).forTexts());
   * }</pre>
   */
  public static EmbedTexts embed(String model) {
    return EmbedTexts.of(model);
  }

  /**
   * The rerank transform for a model ({@code rerank-v3.5}): {@code PTransform<PCollection<
   * RerankQuery>, RerankResult>}, each query's documents ranked best first (index and score, the
   * best {@code n} with {@link RerankQueries#withTopN}), under the same limits, retries and cache
   * as completions.
   */
  public static RerankQueries rerank(String model) {
    return RerankQueries.of(model);
  }

  /**
   * The transcription transform for a model ({@code whisper-1}, {@code gpt-4o-transcribe}, {@code
   * gpt-4o-mini-transcribe}, or an OpenAI-compatible server's): {@code
   * PTransform<PCollection<AudioInput>, TranscribeResult>}. Each file is uploaded to {@code
   * /audio/transcriptions} under the same limits, retries and cache as completions (a file
   * transcribed before with the same model and settings is not sent again); each transcript keeps
   * its file's id; a file over the provider's size limit (25 MB) goes to the failures unsent.
   *
   * <pre>{@code
   * TranscribeResult r = files.apply(LlmIO.transcribe("whisper-1").withLanguage("en"));
   * }</pre>
   */
  public static TranscribeAudio transcribe(String model) {
    return TranscribeAudio.of(model);
  }

  /**
   * Structured extraction into rows of {@code recordClass} (a record or a bean with a Beam schema):
   * {@code PTransform<PCollection<Conversation>, ExtractResult<T>>}. The class's JSON schema is
   * sent to each model natively; answers are checked against it, an invalid one gets one repair
   * turn quoting its errors, and what still fails is an {@code INVALID_OUTPUT} failure with the
   * answer. Set the models and limits with {@link Extract#withClient}.
   *
   * <pre>{@code
   * ExtractResult<Invoice> r = docs.apply(LlmIO.extract(Invoice.class)
   *     .withClient(LlmIO.complete().withModels("gpt-4.1-mini")));
   * }</pre>
   */
  public static <T> Extract<T> extract(Class<T> recordClass) {
    return Extract.of(recordClass);
  }

  /**
   * Structured extraction against a JSON schema given as text: each row is the answer's JSON
   * object, checked against {@code jsonSchema}; otherwise as {@link #extract(Class)}.
   */
  public static Extract<String> extract(String jsonSchema) {
    return Extract.of(jsonSchema);
  }

  /**
   * Translation into {@code targetLanguage}, an ISO 639-1 code ({@code "fr"}): {@code
   * PTransform<PCollection<TextInput>, TranslateResult>}, or over plain strings with {@link
   * TranslateTexts#forTexts()}. Each text's language is detected on the worker first: a text surely
   * in the target language is kept as it is and never sent; the others are translated by the models
   * of {@link TranslateTexts#withClient}.
   *
   * @throws IllegalArgumentException when {@code targetLanguage} is not an ISO 639-1 code
   */
  public static TranslateTexts translate(String targetLanguage) {
    return TranslateTexts.of(targetLanguage);
  }

  /**
   * Classification of each text into one of {@code labels} (at least one, none blank, all
   * distinct): {@code PTransform<PCollection<TextInput>, ClassifyResult>}. The answers are
   * constrained to the labels by a JSON schema the providers enforce natively, checked, and
   * repaired once when outside the set, as {@link #extract(String)} does.
   *
   * @throws IllegalArgumentException when the labels cannot work
   */
  public static ClassifyTexts classify(List<String> labels) {
    return ClassifyTexts.of(labels);
  }

  /**
   * A yes/no judgement of each text by {@code question} ({@code "Is the text polite?"}): {@code
   * PTransform<PCollection<TextInput>, ScoreResult>}, each {@link Score} with the probability of
   * yes, from the log-probabilities where the model gives them.
   *
   * @throws IllegalArgumentException when the question is null or blank
   */
  public static ScoreTexts score(String question) {
    return ScoreTexts.of(question);
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

    abstract @Nullable BatchSettings batchApi();

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

      abstract Builder setBatchApi(@Nullable BatchSettings settings);

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

    /**
     * Tools offered to the model with every request (answers may then hold tool calls, in {@link
     * ApiResponse#toolCalls()}); see {@link ClientConfig#withTools}.
     */
    public Complete withTools(Tool... tools) {
      return with(config().withTools(tools));
    }

    /** As {@link #withTools(Tool...)}; see {@link ClientConfig#withTools}. */
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

    /**
     * The service tier ({@code flex}, {@code priority}, {@code auto}...) sent to the providers that
     * take one; see {@link ClientConfig#withServiceTier}.
     */
    public Complete withServiceTier(String tier) {
      return with(config().withServiceTier(tier));
    }

    /** A JSON object merged into every request body; see {@link ClientConfig#withExtraBody}. */
    public Complete withExtraBody(String json) {
      return with(config().withExtraBody(json));
    }

    /**
     * Progress printed by each worker's client: none by default, because a worker's output is a
     * log. On a local runner {@link LlmIO#localProgress()} is the better view; see {@link
     * ClientConfig#withProgress}.
     */
    public Complete withProgress(StatusTracker.Display display) {
      return with(config().withProgress(display));
    }

    /**
     * The seed of the weighted model choice, so a run sprays the same way again; see {@link
     * ClientConfig#withSeed}.
     */
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

    /**
     * Holds the job's limits on the Redis server at {@code redisUri} ({@code
     * redis://[:password@]host:port[/db]}), shared by every worker of every JVM; see {@link
     * ClientConfig#withSharedLimits}. The keys live under the pipeline's job name ({@code
     * --jobName}): jobs that should share one quota give the same job name or {@link
     * #withSharedLimits(SharedLimits)} with the same namespace. Replaces the static split of {@link
     * #withNumWorkers}.
     */
    public Complete withSharedLimits(String redisUri) {
      return withSharedLimits(SharedLimits.redis(redisUri));
    }

    /** The job's limits held where {@code shared} says; see {@link #withSharedLimits(String)}. */
    public Complete withSharedLimits(SharedLimits shared) {
      return with(config().withSharedLimits(shared));
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

    /** Remote MCP servers the provider calls; see {@link ClientConfig#withRemoteMcpServers}. */
    public Complete withRemoteMcpServers(McpServers servers) {
      return with(config().withRemoteMcpServers(servers));
    }

    /** Who runs the remote MCP servers' tools; see {@link ClientConfig#withRemoteMcp}. */
    public Complete withRemoteMcp(RemoteMcp mode) {
      return with(config().withRemoteMcp(mode));
    }

    /**
     * A hard cap on what the job spends; see {@link ClientConfig#withMaxCost}. Each worker JVM
     * enforces its share, the cap divided by {@link #withNumWorkers} (the whole cap with one
     * worker, as on the DirectRunner or a single machine), unless the limits are shared through
     * Redis ({@link #withSharedLimits(String)}): then every worker draws on the whole cap held
     * there. Rows past it become failures of kind {@code budget}, unsent.
     */
    public Complete withMaxCost(double dollars) {
      return with(config().withMaxCost(dollars));
    }

    /** Marks prompts for the provider's prompt cache; see {@link ClientConfig#withPromptCache}. */
    public Complete withPromptCache(PromptCache cache) {
      return with(config().withPromptCache(cache));
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
     * Sends the requests through the providers' batch APIs (OpenAI Batch, Anthropic Message
     * Batches, Gemini batch mode) at half price, answers coming within the providers' window (a
     * day) instead of seconds: requests wait in shards of {@link BatchSettings#maxRequestsPerBatch}
     * (at most {@code maxBuffering} of {@link #withBatching}'s wait, 5 s by default) and each shard
     * is started with {@link dev.beamllm.client.LlmClient#startBatch}, which submits it in batches
     * within the provider's limits, polls them on a timer and sends online whatever a batch did not
     * answer or no batch API takes. With a persistent {@link #withCache cache} (the job's
     * checkpoint) each batch is noted there, so a job run again after a kill waits for its batches
     * instead of submitting them twice. What still fails for a reason that may pass goes to the
     * retry stage, online.
     */
    public Complete withBatchApi(BatchSettings settings) {
      checkArgument(settings != null, "batchApi: settings must not be null");
      return toBuilder().setBatchApi(settings).build();
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

    /**
     * The configuration of one worker's client: its share of the limits (all of them when they are
     * shared through Redis, under the job's name), no progress display.
     */
    ClientConfig workerConfig(PipelineOptions options) {
      ClientConfig c = config();
      if (c.maxCost().isPresent() && numWorkers() > 1 && c.sharedLimits().isEmpty()) {
        // The spending cap is split like the limits: no worker can spend another's share. Shared
        // limits hold the whole cap in Redis for every worker instead.
        c = c.withMaxCost(c.maxCost().get() / numWorkers());
      }
      if (c.sharedLimits().isPresent()) {
        return c.withSharedLimits(
            c.sharedLimits().get().withDefaultNamespace(options.getJobName()));
      }
      Map<String, Limits> perModel = new HashMap<>();
      c.perModelLimits().forEach((m, l) -> perModel.put(m, l.share(numWorkers())));
      return c.withLimits(c.limits().share(numWorkers())).withModelLimits(perModel);
    }

    /** Fails at pipeline construction for settings that can never work. */
    @Override
    public void validate(PipelineOptions options) {
      if (config().models().isEmpty()) {
        throw new IllegalArgumentException("LlmIO.complete() needs models: call withModels(...)");
      }
      workerConfig(options).check();
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
      ClientConfig config = workerConfig(input.getPipeline().getOptions());
      SerializableFunction<ClientConfig, LlmService> factory =
          clientFactory() != null ? clientFactory() : LlmService::fromConfig;
      PCollection<RequestGroup> requests = expandGroup(expandBatch(input));
      Stage first =
          batchApi() != null
              ? expandBatchApi(requests, config, factory)
              : expandCall("Call", requests, config, factory, false);
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
      CallOutputs outputs = new CallOutputs(lastStage, RESPONSES, RETRY, FAILURES);
      return stage(
          requests.apply(
              name,
              ParDo.of(new CallFn(transformId(), config, factory, outputs))
                  .withOutputTags(RESPONSES, TupleTagList.of(RETRY).and(FAILURES))));
    }

    /**
     * The first call stage through the batch APIs: request groups in shards (as many keys as
     * workers times four, so shards fill in parallel), each shard started at once.
     */
    private Stage expandBatchApi(
        PCollection<RequestGroup> requests,
        ClientConfig config,
        SerializableFunction<ClientConfig, LlmService> factory) {
      int shards = Math.max(1, numWorkers() * 4);
      CallOutputs outputs = new CallOutputs(false, RESPONSES, RETRY, FAILURES);
      return stage(
          requests
              .apply(
                  "ShardForBatchApi",
                  WithKeys.<Integer, RequestGroup>of(
                          g -> ThreadLocalRandom.current().nextInt(shards))
                      .withKeyType(TypeDescriptors.integers()))
              .setCoder(KvCoder.of(VarIntCoder.of(), RequestGroupCoder.of()))
              .apply(
                  "BatchApiShards",
                  GroupIntoBatches.<Integer, RequestGroup>ofSize(batchApi().maxRequestsPerBatch())
                      .withMaxBufferingDuration(
                          org.joda.time.Duration.millis(maxBufferingDuration().toMillis())))
              .apply(
                  "BatchApi",
                  ParDo.of(new BatchCallFn(transformId(), config, factory, batchApi(), outputs))
                      .withOutputTags(RESPONSES, TupleTagList.of(RETRY).and(FAILURES))));
    }

    private static Stage stage(PCollectionTuple out) {
      return new Stage(
          out.get(RESPONSES).setCoder(ApiResponseCoder.of()),
          out.get(RETRY).setCoder(RequestGroupCoder.of()),
          out.get(FAILURES).setCoder(LlmFailure.coder()));
    }

    /** Every failure also to the user's dead-letter handler, when one is set. */
    void expandErrorHandler(PCollection<LlmFailure> failures) {
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
          .add(
              DisplayData.item(
                      "sharedLimits",
                      c.sharedLimits().map(SharedLimits::toString).orElse("none (this JVM's)"))
                  .withLabel("Limits shared through"))
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
                      // Each cache's toString names its store, a Redis password masked.
                      c.cache().map(String::valueOf).orElse("none"))
                  .withLabel("Cache"));
      if (!c.remoteMcpServers().servers().isEmpty()) {
        // Each server's toString shows its URL and header names, header values masked.
        builder.add(
            DisplayData.item(
                    "remoteMcpServers",
                    c.remoteMcpServers().servers()
                        + " run by "
                        + c.remoteMcp().name().toLowerCase(java.util.Locale.ROOT))
                .withLabel("Remote MCP servers"));
      }
      if (batchApi() != null) {
        builder.add(
            DisplayData.item("batchApi", batchApi().toString()).withLabel("Providers' batch APIs"));
      }
    }
  }

  /**
   * The agent transform: each conversation is an agent's task; the model may call {@link
   * Agent#withTools tools}, which run on the worker, and gets their results back, until it answers
   * or {@link Agent#withMaxTurns max turns} are used. Client settings (models, limits, cache, keys)
   * are those of {@link Agent#withClient}'s {@link Complete}.
   */
  public static Agent agent() {
    return new AutoValue_LlmIO_Agent.Builder()
        .setClient(complete())
        .setTools(ToolSet.of())
        .setMaxTurns(Agent.DEFAULT_MAX_TURNS)
        .build();
  }

  /**
   * {@code PTransform<PCollection<Conversation>, AgentOutput>}: one agent loop per row ({@link
   * LlmClient#runAgentLoop}), many in flight per worker thread and none holding a thread while a
   * model or a tool works. Every turn is a request of the JVM's shared client, under the job's
   * limits, with its retries and cache: a job run again after a crash pays nothing for the turns
   * already answered. Each row ends as an {@link AgentResult} (the final conversation and answer)
   * or an {@link LlmFailure} naming the turn it failed on.
   *
   * <pre>{@code
   * AgentOutput out = tasks.apply(LlmIO.agent()
   *     .withClient(LlmIO.complete().withModels("gpt-4.1-mini").withLimits(Limits.perMinute(500, 0)))
   *     .withTools(ToolSet.of(Tools.fromMethods(new MyTools())))
   *     .withMaxTurns(8));
   * }</pre>
   */
  @AutoValue
  public abstract static class Agent extends PTransform<PCollection<Conversation>, AgentOutput> {
    /** Model turns per row unless set. */
    public static final int DEFAULT_MAX_TURNS = 10;

    /** The client settings each turn is sent with. */
    public abstract Complete client();

    /** The tools the model may call. */
    public abstract ToolSet tools();

    /** The most model turns per row. */
    public abstract int maxTurns();

    /** Makes each row's own tools (state of its own: a to-do list), or null. */
    abstract @Nullable SerializableFunction<LlmRequest, ToolSet> toolsPerRow();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setClient(Complete client);

      abstract Builder setTools(ToolSet tools);

      abstract Builder setMaxTurns(int turns);

      abstract Builder setToolsPerRow(@Nullable SerializableFunction<LlmRequest, ToolSet> f);

      abstract Agent build();
    }

    /** Sends each turn with these client settings (models, limits, cache, keys...). */
    public Agent withClient(Complete client) {
      return toBuilder().setClient(Objects.requireNonNull(client, "client")).build();
    }

    /**
     * The tools the model may call, run on the workers (so they must be serializable: see {@link
     * ToolSet}).
     */
    public Agent withTools(ToolSet tools) {
      return toBuilder().setTools(Objects.requireNonNull(tools, "tools")).build();
    }

    /**
     * Tools each row gets of its own, made on the worker when its loop starts and released when it
     * ends, beside the shared ones of {@link #withTools}: tools that keep state per agent (a to-do
     * list of {@code dev.beamllm.tool.prefab}), which one shared copy would mix between rows. A
     * factory that throws makes the row a failure ({@code INVALID_INPUT}).
     */
    public Agent withToolsPerRow(SerializableFunction<LlmRequest, ToolSet> tools) {
      return toBuilder().setToolsPerRow(Objects.requireNonNull(tools, "tools")).build();
    }

    /** The most model turns per row (≥ 1); a model still calling tools then fails the row. */
    public Agent withMaxTurns(int turns) {
      checkArgument(turns >= 1, "maxTurns must be at least 1, not %s", turns);
      return toBuilder().setMaxTurns(turns).build();
    }

    /** The same transform over requests with their own settings. */
    public PTransform<PCollection<LlmRequest>, AgentOutput> forRequests() {
      Agent agent = this;
      return new PTransform<>() {
        @Override
        public AgentOutput expand(PCollection<LlmRequest> input) {
          return agent.expandRequests(input);
        }
      };
    }

    @Override
    public AgentOutput expand(PCollection<Conversation> input) {
      return input
          .apply(
              "ToRequests",
              MapElements.into(TypeDescriptor.of(LlmRequest.class)).via(LlmRequest::of))
          .setCoder(LlmRequestCoder.of())
          .apply("Agent", forRequests());
    }

    private static final TupleTag<AgentResult> RESULTS = new TupleTag<>("results") {};
    private static final TupleTag<LlmFailure> AGENT_FAILURES = new TupleTag<>("failures") {};

    AgentOutput expandRequests(PCollection<LlmRequest> input) {
      Complete c = client();
      c.validate(input.getPipeline().getOptions());
      ClientConfig config = c.workerConfig(input.getPipeline().getOptions());
      SerializableFunction<ClientConfig, LlmService> factory =
          c.clientFactory() != null ? c.clientFactory() : LlmService::fromConfig;
      ToolSet tools = tools();
      if (config.remoteMcp() == RemoteMcp.LOCAL && !config.remoteMcpServers().servers().isEmpty()) {
        // Run here, not by the provider: their tools are listed now (the servers reached once)
        // and run in the loop like any MCP server's.
        tools = tools.plus(config.remoteMcpServers().listTools());
      }
      PCollectionTuple out =
          input.apply(
              "Loops",
              ParDo.of(
                      new AgentFn(
                          c.transformId(),
                          config,
                          factory,
                          tools,
                          toolsPerRow(),
                          maxTurns(),
                          RESULTS,
                          AGENT_FAILURES))
                  .withOutputTags(RESULTS, TupleTagList.of(AGENT_FAILURES)));
      PCollection<LlmFailure> failures = out.get(AGENT_FAILURES).setCoder(LlmFailure.coder());
      c.expandErrorHandler(failures);
      return new AgentOutput(
          input.getPipeline(),
          RESULTS,
          out.get(RESULTS).setCoder(AgentResultCoder.of()),
          AGENT_FAILURES,
          failures);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      client().populateDisplayData(builder);
      builder
          .add(
              DisplayData.item(
                      "tools",
                      String.join(",", tools().definitions().stream().map(Tool::name).toList()))
                  .withLabel("Tools"))
          .add(DisplayData.item("maxTurns", maxTurns()).withLabel("Max model turns per row"));
    }
  }

  private static void checkArgument(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }
}

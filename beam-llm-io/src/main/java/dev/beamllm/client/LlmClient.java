package dev.beamllm.client;

import dev.beamllm.cache.BatchLedger;
import dev.beamllm.cache.CacheKeys;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import dev.beamllm.response.Transcription;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One client for every provider: sends conversations to one or several models (weighted), within
 * requests/min, tokens/min and concurrency limits, with retries, and returns exactly one {@link
 * ApiResponse} per prompt — an answer or the error that ended it. Usable without Beam. Close it to
 * free its threads and connections.
 *
 * <pre>{@code
 * try (LlmClient client = LlmClient.basic("gpt-4.1-mini")) {
 *   List<ApiResponse> out = client.processPrompts(List.of("Hello", "World"));
 *   CompletableFuture<ApiResponse> f = client.start(Conversation.user("Hi"));
 *   ApiResponse told = client.stream(Conversation.user("Tell a story"), System.out::print).join();
 * }
 * }</pre>
 */
public final class LlmClient implements AutoCloseable {
  private final ClientConfig config;
  private final Scheduler scheduler;
  private final RedisQuota sharedQuota;
  private final HttpTransport transport;
  private final StatusTracker tracker;
  private final CallSteps steps;
  private final BatchDispatch batches;
  private final EmbedDispatch embeddings;
  private final RerankDispatch reranks;
  private final TranscribeDispatch transcriptions;

  private LlmClient(ClientConfig config) {
    this.config = config;
    ModelSpecs specs = new ModelSpecs(config.registry(), config.models());
    ModelPicker picker = new ModelPicker(config.models(), config.weights(), config.seed());
    this.sharedQuota =
        config
            .sharedLimits()
            .map(shared -> new RedisQuota(shared, AccountFingerprint.of(config)))
            .orElse(null);
    this.scheduler = new Scheduler(config.limits(), perModelLimits(config), sharedQuota);
    this.transport = new HttpTransport(config.limits().maxConcurrentRequests());
    this.tracker = new StatusTracker(config.progress());
    this.steps = CallSteps.of(config, specs, picker, scheduler, transport, tracker);
    this.batches =
        new BatchDispatch(
            steps,
            steps.send().wire(),
            transport,
            config.requestTimeout(),
            config.cache().map(ResponseCache::batchLedger).orElse(BatchLedger.NONE),
            this::cacheKey,
            r -> cachedAnswer(r, cacheKey(r)),
            this::start);
    DispatchContext nonChat =
        new DispatchContext(
            steps,
            steps.send().wire(),
            transport,
            config.requestTimeout(),
            specs,
            new EntryCache(config.cache().orElse(null)));
    this.embeddings = new EmbedDispatch(nonChat);
    this.reranks = new RerankDispatch(nonChat);
    this.transcriptions = new TranscribeDispatch(nonChat);
  }

  /**
   * The per-model limits under every name a request may give the model: the key, its id and
   * aliases.
   */
  private static Map<String, Limits> perModelLimits(ClientConfig config) {
    Map<String, Limits> byName = new HashMap<>();
    config
        .perModelLimits()
        .forEach(
            (name, limits) -> {
              ModelSpec spec = config.registry().lookup(name);
              byName.put(name, limits);
              byName.put(spec.id(), limits);
              spec.aliases().forEach(a -> byName.put(a, limits));
            });
    return byName;
  }

  /** A client for these models with every default. */
  public static LlmClient basic(String... models) {
    return builder().models(models).build();
  }

  /** A client for a config. */
  public static LlmClient of(ClientConfig config) {
    return new LlmClient(config.check());
  }

  /** A builder starting from {@link ClientConfig#defaults()}: no model yet, every other default. */
  public static Builder builder() {
    return new Builder(ClientConfig.defaults());
  }

  /**
   * A client from a map, as read from YAML or JSON: {@code models} (list or comma-separated),
   * {@code weights}, {@code max_requests_per_minute}, {@code max_tokens_per_minute}, {@code
   * max_concurrent_requests}, {@code max_attempts}, {@code request_timeout} (seconds), {@code
   * temperature}, {@code top_p}, {@code max_new_tokens}, {@code json_mode}, {@code
   * reasoning_effort}, {@code logprobs}, {@code top_logprobs}, {@code service_tier}, {@code
   * extra_headers}, {@code seed}, {@code progress} (auto, bar, lines, none), {@code models_file},
   * {@code use_responses_api}, {@code background_mode}.
   */
  public static LlmClient fromMap(Map<String, ?> map) {
    return new LlmClient(ConfigMaps.read(map).check());
  }

  /** A client from a YAML (or JSON) file holding the keys of {@link #fromMap}. */
  public static LlmClient fromYaml(Path file) {
    try {
      return fromYamlString(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read client config " + file, e);
    }
  }

  /** A client from YAML text holding the keys of {@link #fromMap}. */
  public static LlmClient fromYamlString(String yaml) {
    return fromMap(ConfigMaps.parseYaml(yaml));
  }

  /** The checked configuration this client runs with (never holds a key). */
  public ClientConfig config() {
    return config;
  }

  /** A new client with other limits (close both). */
  public LlmClient withLimits(Limits limits) {
    return new LlmClient(config.withLimits(limits));
  }

  /** A new client for one model (close both). */
  public LlmClient withModel(String model) {
    return withModels(model);
  }

  /** A new client for these models, uniformly weighted (close both). */
  public LlmClient withModels(String... models) {
    return new LlmClient(
        config.withModels(models).toBuilder().setWeights(List.of()).build().check());
  }

  /** The counters and display of this client. */
  public StatusTracker tracker() {
    return tracker;
  }

  /** Milliseconds requests have waited for rate-limit capacity, summed. */
  public long throttledMillis() {
    return scheduler.throttledMillis();
  }

  /** Starts one prompt; the future completes with its answer or its error, never exceptionally. */
  public CompletableFuture<ApiResponse> start(String prompt) {
    return start(Conversation.user(prompt));
  }

  /**
   * Starts one conversation; the future completes with its answer or its error, never
   * exceptionally.
   */
  public CompletableFuture<ApiResponse> start(Conversation conversation) {
    return begin(LlmRequest.of(conversation), null, Set.of());
  }

  /**
   * Starts one request with its own settings (model, output limit, temperature, schema); the future
   * completes with its answer or its error, never exceptionally. A request naming its own model
   * goes to that model alone, under this client's limits.
   */
  public CompletableFuture<ApiResponse> start(LlmRequest request) {
    return begin(request, null, Set.of());
  }

  /**
   * Starts one conversation, preferring models other than {@code avoid} (a second try after another
   * stage's attempts failed on them); they are still used when no other model can serve.
   */
  public CompletableFuture<ApiResponse> start(Conversation conversation, Set<String> avoid) {
    return begin(LlmRequest.of(conversation), null, avoid);
  }

  /**
   * Starts one request, preferring models other than {@code avoid} (see {@link #start(Conversation,
   * Set)}).
   */
  public CompletableFuture<ApiResponse> start(LlmRequest request, Set<String> avoid) {
    return begin(request, null, avoid);
  }

  /**
   * Runs an agent loop: the model is offered {@code tools}; the calls it makes run (those of one
   * turn in parallel, see {@link ToolSet}) and their results go back to it, until it answers
   * without calling a tool or {@code maxTurns} model turns were taken. Every turn is a request like
   * any other (this client's limits, retries and cache: a replayed loop pays nothing for the turns
   * already answered). No thread waits while the model or a tool works. The future completes with
   * the final answer and the whole conversation, or with the turn that failed, never exceptionally.
   *
   * @param maxTurns the most model turns (≥ 1); a model still calling tools after them ends the
   *     loop with a {@code MAX_TURNS} error
   */
  public CompletableFuture<AgentResult> runAgentLoop(
      Conversation conversation, ToolSet tools, int maxTurns) {
    return runAgentLoop(LlmRequest.of(conversation), tools, maxTurns);
  }

  /** Runs an agent loop from a request with its own settings; see {@link #runAgentLoop}. */
  public CompletableFuture<AgentResult> runAgentLoop(
      LlmRequest request, ToolSet tools, int maxTurns) {
    return AgentLoop.run(this::start, request, Objects.requireNonNull(tools, "tools"), maxTurns);
  }

  /**
   * Streams one conversation: the answer's text goes to {@code onText} piece by piece as the
   * provider sends it, and the future completes (it does not block) with the whole answer, usage
   * included, or its error, never exceptionally. Limits, model choice and retries are those of
   * {@link #start(Conversation)}, except that an attempt that has already delivered text is not
   * retried, as the caller has seen it. {@code onText} is called on the client's HTTP threads, one
   * piece at a time and in order; if it throws, the request ends with an {@code INVALID_RESPONSE}
   * error. A cached answer is delivered in one piece. Models whose API cannot stream here end with
   * an {@code UNSUPPORTED} error; background mode does not apply to streams, and a streamed answer
   * keeps no raw body.
   */
  public CompletableFuture<ApiResponse> stream(Conversation conversation, Consumer<String> onText) {
    return begin(LlmRequest.of(conversation), Objects.requireNonNull(onText, "onText"), Set.of());
  }

  private CompletableFuture<ApiResponse> begin(
      LlmRequest request, Consumer<String> onText, Set<String> avoid) {
    CompletableFuture<ApiResponse> future = new CompletableFuture<>();
    Conversation conversation = request.conversation();
    Call call = new Call(steps, request, future, onText);
    call.avoid(avoid);
    try {
      conversation.validate();
    } catch (InvalidPromptException e) {
      call.fail(ApiError.of(ErrorKind.INVALID_INPUT, e.getMessage()));
      return future;
    }
    if (config.cache().isPresent()) {
      call.cacheKey = cacheKey(request);
      Optional<ApiResponse> hit = cachedAnswer(request, call.cacheKey);
      if (hit.isPresent()) {
        tracker.started();
        ApiResponse r = hit.get();
        if (onText != null && !r.completion().isEmpty()) {
          onText.accept(r.completion());
        }
        tracker.finished(r);
        future.complete(r);
        return future;
      }
    }
    call.next();
    return future;
  }

  /**
   * The cache's answer to a request, marked as a hit and carrying the request's id and metadata;
   * empty without a cache, on a miss, and when the cache cannot be read (a miss, not a lost
   * request).
   */
  private Optional<ApiResponse> cachedAnswer(LlmRequest request, String key) {
    if (config.cache().isEmpty()) {
      return Optional.empty();
    }
    Optional<ApiResponse> hit;
    try {
      hit = config.cache().get().get(key);
    } catch (RuntimeException e) {
      hit = Optional.empty();
    }
    Conversation conversation = request.conversation();
    return hit.map(
        h ->
            h.toBuilder()
                .setCacheHit(true)
                .setConversationId(conversation.id().orElse(null))
                .setConversationMetadataJson(conversation.metadataJson().orElse(null))
                .build());
  }

  /**
   * Starts requests through the providers' batch APIs at half price (see {@link BatchSettings}):
   * requests whose model's API has one (OpenAI, Anthropic, Gemini) are submitted in batches, the
   * others go online as with {@link #start(LlmRequest)}, and so does whatever a batch did not
   * answer. No thread waits while batches run. With a persistent cache, each batch is noted there
   * before it is waited for, so the same requests started again (a job run again after a kill) wait
   * for that batch instead of being submitted twice. The futures, one per request in order,
   * complete with answers or errors, never exceptionally.
   */
  public List<CompletableFuture<ApiResponse>> startBatch(
      List<LlmRequest> requests, BatchSettings settings) {
    return batches.start(
        List.copyOf(Objects.requireNonNull(requests, "requests")),
        Objects.requireNonNull(settings, "settings"));
  }

  /** Starts requests through the providers' batch APIs with {@link BatchSettings#defaults()}. */
  public List<CompletableFuture<ApiResponse>> startBatch(List<LlmRequest> requests) {
    return startBatch(requests, BatchSettings.defaults());
  }

  /**
   * Embeds texts with the settings' model: as many texts a request as the provider takes (its
   * documented count and token limits), under this client's limits, retries and cache (a text
   * embedded before, in this run or a stopped one, is not sent again; identical texts go once). No
   * thread waits. The futures, one per text in order, complete with a vector or an error, never
   * exceptionally.
   */
  public List<CompletableFuture<Embedding>> embed(List<TextInput> texts, EmbedSettings settings) {
    return embeddings.start(
        List.copyOf(Objects.requireNonNull(texts, "texts")),
        Objects.requireNonNull(settings, "settings"));
  }

  /** Embeds texts without ids and waits: one embedding per text, in order. */
  public List<Embedding> embedTexts(List<String> texts, EmbedSettings settings) {
    return embed(texts.stream().map(TextInput::of).toList(), settings).stream()
        .map(CompletableFuture::join)
        .toList();
  }

  /**
   * Ranks each query's documents with the settings' rerank model (Cohere's rerank): one request a
   * query under this client's limits, retries and cache, priced by the search units billed. The
   * futures, one per query in order, complete with a ranking (best first, each document's index and
   * score) or an error, never exceptionally.
   */
  public List<CompletableFuture<Ranking>> rerank(
      List<RerankQuery> queries, RerankSettings settings) {
    return reranks.start(
        List.copyOf(Objects.requireNonNull(queries, "queries")),
        Objects.requireNonNull(settings, "settings"));
  }

  /**
   * Transcribes audio files with the settings' model ({@code /audio/transcriptions}): one file a
   * request, under this client's limits, retries and cache (a file transcribed before with the same
   * model and settings, in this run or a stopped one, is not sent again; identical files go once).
   * A file larger than the provider takes (25 MB for OpenAI) fails with {@code TOO_LARGE} without
   * being sent. No thread waits. The futures, one per file in order, complete with a transcript or
   * an error, never exceptionally.
   */
  public List<CompletableFuture<Transcription>> transcribe(
      List<AudioInput> inputs, TranscribeSettings settings) {
    return transcriptions.start(
        List.copyOf(Objects.requireNonNull(inputs, "inputs")),
        Objects.requireNonNull(settings, "settings"));
  }

  /**
   * The ratio of what a model's provider has charged for prompts to the client's estimates of them,
   * 1 until its first answer (see {@code TokenCalibration}).
   */
  double tokenCalibration(String model) {
    return steps.admit().calibration(model);
  }

  /**
   * The request's cache key: its conversation (not its id or metadata), the models that may answer
   * it and their sampling parameters with its own settings on top, and the tools. Equal keys are
   * equal requests: one answer serves them all.
   */
  public String cacheKey(LlmRequest request) {
    List<String> models = request.model().map(List::of).orElse(config.models());
    Map<String, SamplingParams> perModel = new HashMap<>();
    config.perModelParams().forEach((m, p) -> perModel.put(m, request.applyTo(p)));
    return CacheKeys.of(
        request.conversation(),
        models,
        request.applyTo(config.samplingParams()),
        perModel,
        request.toolsOr(config.tools()),
        config.extraBody().orElse(null),
        WireRequests.remoteMcpKey(config));
  }

  /**
   * Sends every prompt (Strings or Conversations) and waits: one answer per prompt, in input order.
   */
  public List<ApiResponse> processPrompts(List<?> prompts) {
    return processPromptsAsync(prompts).join();
  }

  /** Sends every prompt; the future completes with one answer per prompt, in input order. */
  public CompletableFuture<List<ApiResponse>> processPromptsAsync(List<?> prompts) {
    tracker.open(prompts.size());
    List<CompletableFuture<ApiResponse>> futures = new ArrayList<>(prompts.size());
    for (Object p : prompts) {
      futures.add(p instanceof Conversation c ? start(c) : start(String.valueOf(p)));
    }
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              tracker.close();
              return futures.stream().map(CompletableFuture::join).toList();
            });
  }

  /** The answers of started requests in the order they complete. */
  public static Iterable<ApiResponse> asCompleted(List<CompletableFuture<ApiResponse>> futures) {
    BlockingQueue<ApiResponse> done = new LinkedBlockingQueue<>();
    futures.forEach(f -> f.thenAccept(done::add));
    return () ->
        new Iterator<>() {
          private int taken;

          @Override
          public boolean hasNext() {
            return taken < futures.size();
          }

          @Override
          public ApiResponse next() {
            try {
              taken++;
              return done.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while waiting for answers", e);
            }
          }
        };
  }

  /** Waits for every started request; answers in the order given. */
  public static List<ApiResponse> waitForAll(List<CompletableFuture<ApiResponse>> futures) {
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Frees the threads and connections. Requests still waiting for admission end as {@code
   * CANCELLED}; requests in flight end with their transport error. Every future completes.
   */
  @Override
  public void close() {
    for (Scheduler.Job waiting : scheduler.shutdown()) {
      ((Call) waiting).fail(Admit.closed());
    }
    if (steps.budget() != null) {
      // Requests waiting for budget room are queued again, which the closed scheduler refuses.
      steps.budget().wakeAll();
    }
    transport.close();
    if (sharedQuota != null) {
      // After the scheduler gave its leases back, so that they reach Redis before it closes.
      sharedQuota.close();
    }
  }

  /**
   * Builds {@link LlmClient}s, OkHttp-style: one method per setting of {@link ClientConfig}, each
   * checking its argument at once (the config's {@code withX} does).
   */
  public static final class Builder {
    private ClientConfig config;

    private Builder(ClientConfig config) {
      this.config = config;
    }

    /** See {@link ClientConfig#withModels(String...)}. */
    public Builder models(String... models) {
      config = config.withModels(models);
      return this;
    }

    /** See {@link ClientConfig#withModels(List)}. */
    public Builder models(List<String> models) {
      config = config.withModels(models);
      return this;
    }

    /** See {@link ClientConfig#withModelWeights}. */
    public Builder modelWeights(double... weights) {
      config = config.withModelWeights(weights);
      return this;
    }

    /** See {@link ClientConfig#withRegistry}. */
    public Builder registry(ModelRegistry registry) {
      config = config.withRegistry(registry);
      return this;
    }

    /** See {@link ClientConfig#withSamplingParams(SamplingParams)}. */
    public Builder samplingParams(SamplingParams params) {
      config = config.withSamplingParams(params);
      return this;
    }

    /** See {@link ClientConfig#withSamplingParams(Map)}. */
    public Builder samplingParams(Map<String, SamplingParams> perModel) {
      config = config.withSamplingParams(perModel);
      return this;
    }

    /** See {@link ClientConfig#withLimits}. */
    public Builder limits(Limits limits) {
      config = config.withLimits(limits);
      return this;
    }

    /** See {@link ClientConfig#withModelLimits}. */
    public Builder modelLimits(Map<String, Limits> perModel) {
      config = config.withModelLimits(perModel);
      return this;
    }

    /** See {@link ClientConfig#withMaxAttempts}. */
    public Builder maxAttempts(int attempts) {
      config = config.withMaxAttempts(attempts);
      return this;
    }

    /** See {@link ClientConfig#withRequestTimeout}. */
    public Builder requestTimeout(Duration timeout) {
      config = config.withRequestTimeout(timeout);
      return this;
    }

    /** See {@link ClientConfig#withTools(Tool...)}. */
    public Builder tools(Tool... tools) {
      config = config.withTools(tools);
      return this;
    }

    /** See {@link ClientConfig#withTools(List)}. */
    public Builder tools(List<Tool> tools) {
      config = config.withTools(tools);
      return this;
    }

    /** See {@link ClientConfig#withExtraHeaders}. */
    public Builder extraHeaders(Map<String, String> headers) {
      config = config.withExtraHeaders(headers);
      return this;
    }

    /** See {@link ClientConfig#withServiceTier}. */
    public Builder serviceTier(String tier) {
      config = config.withServiceTier(tier);
      return this;
    }

    /** See {@link ClientConfig#withExtraBody}. */
    public Builder extraBody(String json) {
      config = config.withExtraBody(json);
      return this;
    }

    /** See {@link ClientConfig#withSharedLimits}. */
    public Builder sharedLimits(SharedLimits shared) {
      config = config.withSharedLimits(shared);
      return this;
    }

    /** See {@link ClientConfig#withProgress}. */
    public Builder progress(StatusTracker.Display display) {
      config = config.withProgress(display);
      return this;
    }

    /** See {@link ClientConfig#withSeed}. */
    public Builder seed(long seed) {
      config = config.withSeed(seed);
      return this;
    }

    /** See {@link ClientConfig#withKeepRawBody}. */
    public Builder keepRawBody(boolean keep) {
      config = config.withKeepRawBody(keep);
      return this;
    }

    /** See {@link ClientConfig#withApiKeys}. */
    public Builder apiKeys(ApiKeys keys) {
      config = config.withApiKeys(keys);
      return this;
    }

    /** See {@link ClientConfig#withCache}. */
    public Builder cache(ResponseCache cache) {
      config = config.withCache(cache);
      return this;
    }

    /** See {@link ClientConfig#withPostprocess}. */
    public Builder postprocess(Postprocessor hook) {
      config = config.withPostprocess(hook);
      return this;
    }

    /** See {@link ClientConfig#withResponsesApi}. */
    public Builder responsesApi(boolean use) {
      config = config.withResponsesApi(use);
      return this;
    }

    /** See {@link ClientConfig#withBackgroundMode}. */
    public Builder backgroundMode(boolean background) {
      config = config.withBackgroundMode(background);
      return this;
    }

    /** See {@link ClientConfig#withRemoteMcpServers}. */
    public Builder remoteMcpServers(McpServers servers) {
      config = config.withRemoteMcpServers(servers);
      return this;
    }

    /** See {@link ClientConfig#withRemoteMcp}. */
    public Builder remoteMcp(RemoteMcp mode) {
      config = config.withRemoteMcp(mode);
      return this;
    }

    /** See {@link ClientConfig#withMaxCost}. */
    public Builder maxCost(double dollars) {
      config = config.withMaxCost(dollars);
      return this;
    }

    /** See {@link ClientConfig#withPromptCache}. */
    public Builder promptCache(PromptCache cache) {
      config = config.withPromptCache(cache);
      return this;
    }

    /** The config so far, checked as a whole (see {@link ClientConfig#check}). */
    public ClientConfig config() {
      return config.check();
    }

    /** Builds the client; the config is checked as a whole first. */
    public LlmClient build() {
      return new LlmClient(config.check());
    }
  }
}

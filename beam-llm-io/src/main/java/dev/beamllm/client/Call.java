package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.provider.BackgroundApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The life of one request: choose a model, wait for admission, send, read the answer, and on an
 * error decide whether and where to try again. Ends by completing its future exactly once.
 *
 * <p>Each attempt is sent one of three ways: whole; streamed, when the caller takes text as it
 * arrives (then an attempt that has delivered text is not retried: the caller has seen it); or as a
 * background job the client polls, in background mode where the API can.
 */
final class Call implements Scheduler.Job {
  private static final long BACKOFF_BASE_MILLIS = 500;
  private static final long BACKOFF_CAP_MILLIS = 30_000;

  private final LlmClient client;
  private final LlmRequest request;
  private final Conversation conversation;
  private final CompletableFuture<ApiResponse> future;
  private final Consumer<String> onText;
  private final Map<String, String> incapable = new LinkedHashMap<>();
  private final Map<String, Long> inputTokens = new LinkedHashMap<>();
  private final Set<String> avoid = new HashSet<>();
  String cacheKey;
  private int attempts;
  private String model;
  private ModelSpec spec;
  private long tokens;
  private long submitted;
  private ApiError lastError;
  private SseReader reader;

  /**
   * A request.
   *
   * @param onText receives text as it is streamed, or null to send the request whole
   */
  Call(
      LlmClient client,
      LlmRequest request,
      CompletableFuture<ApiResponse> future,
      Consumer<String> onText) {
    this.client = client;
    this.request = request;
    this.conversation = request.conversation();
    this.future = future;
    this.onText = onText;
  }

  /** Models to prefer not to use. */
  void avoid(Set<String> models) {
    avoid.addAll(models);
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public long tokens() {
    return tokens;
  }

  @Override
  public long submittedNanos() {
    return submitted;
  }

  /** Chooses a model that can serve the request and queues it for admission. */
  void next() {
    if (client.scheduler().closed()) {
      fail(
          ApiError.of(
              ErrorKind.CANCELLED, "the client was closed before the request could be sent"));
      return;
    }
    String m;
    try {
      m = request.model().isPresent() ? ownModel(request.model().get()) : sprayedModel();
    } catch (IllegalArgumentException unknown) {
      fail(ApiError.of(ErrorKind.INVALID_INPUT, unknown.getMessage()));
      return;
    }
    if (m == null) {
      return;
    }
    model = m;
    spec = client.spec(m);
    SamplingParams params = params(spec);
    int maxOut =
        spec.maxOutputTokens() > 0
            ? Math.min(params.maxNewTokens(), spec.maxOutputTokens())
            : params.maxNewTokens();
    tokens = inputTokens.computeIfAbsent(m, k -> estimateInput(spec)) + maxOut;
    long tpm = client.configInternal().limits().tokensPerMinute();
    if (tpm > 0 && tokens > tpm) {
      fail(
          ApiError.of(
              ErrorKind.TOO_LARGE,
              "the request needs "
                  + tokens
                  + " tokens (input + max_new_tokens) but the limit is "
                  + tpm
                  + " tokens per minute: it can never be sent"));
      return;
    }
    submitted = System.nanoTime();
    try {
      client.scheduler().submit(this);
    } catch (IllegalStateException closed) {
      fail(
          ApiError.of(
              ErrorKind.CANCELLED, "the client was closed before the request could be sent"));
    }
  }

  /**
   * The request's own model, or null (the request ended) when it was given up or cannot serve it.
   */
  private String ownModel(String m) {
    ModelSpec s = client.spec(m);
    ApiError gone = client.health().reason(m);
    if (gone != null || incapable.containsKey(m)) {
      fail(gone != null ? gone : lastError);
      return null;
    }
    var missing = Capabilities.missing(s, conversation, params(s), client.configInternal().tools());
    if (missing.isPresent()) {
      fail(ApiError.of(ErrorKind.UNSUPPORTED, missing.get()));
      return null;
    }
    return m;
  }

  /**
   * A model of the client's by weight, preferring those not to avoid, or null (the request ended)
   * when none can serve.
   */
  private String sprayedModel() {
    Set<String> excluded = new HashSet<>(client.health().goneModels());
    excluded.addAll(incapable.keySet());
    Set<String> preferred = new HashSet<>(excluded);
    preferred.addAll(avoid);
    String m = client.picker().pick(preferred);
    if (m == null) {
      m = client.picker().pick(excluded);
    }
    while (m != null) {
      ModelSpec s = client.spec(m);
      var missing =
          Capabilities.missing(s, conversation, params(s), client.configInternal().tools());
      if (missing.isEmpty()) {
        return m;
      }
      incapable.put(m, missing.get());
      excluded.add(m);
      m = client.picker().pick(excluded);
    }
    // After a model was given up, its reason (naming the model) says more than the attempt's error.
    boolean lastModelGone = model != null && client.health().isGone(model);
    fail(
        lastError != null && !lastModelGone
            ? lastError
            : !incapable.isEmpty()
                ? ApiError.of(ErrorKind.UNSUPPORTED, String.join("; ", incapable.values()))
                : client.health().noModelLeft(client.configInternal().models()));
    return null;
  }

  /** The sampling parameters for a model: the client's, with this request's own settings on top. */
  private SamplingParams params(ModelSpec s) {
    return request.applyTo(client.configInternal().paramsFor(s.id()));
  }

  private long estimateInput(ModelSpec s) {
    long n = TokenCounter.estimate(conversation, s.wireFormat().imageRule());
    for (Tool t : client.configInternal().tools()) {
      n += TokenCounter.count(t.name()) + TokenCounter.count(t.parametersJson());
    }
    return n;
  }

  @Override
  public void start(Scheduler.Admission admission) {
    if (client.health().isGone(model)) {
      // The model was given up while this request waited: choose again (or end).
      client.scheduler().finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
      next();
      return;
    }
    ProviderAdapter adapter = client.adapter(spec);
    boolean streaming = onText != null;
    BackgroundApi background =
        !streaming && client.configInternal().backgroundMode() && adapter instanceof BackgroundApi b
            ? b
            : null;
    ProviderRequest wire;
    HttpCall call;
    try {
      wire = client.providerRequest(spec, conversation, params(spec), streaming);
      call = background != null ? background.startInBackground(wire) : adapter.request(wire);
      reader = streaming ? new SseReader(adapter.streamDecoder(wire), onText) : null;
    } catch (ApiKeys.MissingKeyException e) {
      client.scheduler().finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
      attempts++;
      afterError(ApiError.of(ErrorKind.AUTH, e.getMessage()));
      return;
    } catch (InvalidPromptException | UnsupportedOperationException e) {
      // Nothing was sent: this model's API cannot carry the request. Another model may.
      client.scheduler().finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
      incapable.put(model, "model '" + model + "': " + e.getMessage());
      lastError = ApiError.of(ErrorKind.UNSUPPORTED, String.join("; ", incapable.values()));
      next();
      return;
    } catch (RuntimeException e) {
      refuse(admission, e);
      return;
    }
    attempts++;
    if (attempts == 1) {
      client.tracker().started();
    }
    long sentAt = System.nanoTime();
    Duration timeout = client.configInternal().requestTimeout();
    CompletableFuture<HttpAnswer> sent;
    try {
      sent =
          streaming
              ? client.transport().stream(call, timeout, reader)
              : background != null
                  ? new BackgroundJob(
                          client.transport(), client.scheduler(), background, wire, timeout)
                      .start()
                  : client.transport().send(call, timeout);
    } catch (RuntimeException e) {
      refuse(admission, e);
      return;
    }
    sent.whenComplete((answer, error) -> answered(adapter, wire, admission, answer, error, sentAt));
  }

  /**
   * Ends a request whose HTTP request could not be built or sent (a header the HTTP client refuses,
   * say): frees its slot, and names only the exception's type, because its message may quote a
   * header value, that is, a key.
   */
  private void refuse(Scheduler.Admission admission, RuntimeException e) {
    client.scheduler().finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
    attempts++;
    fail(
        ApiError.of(
            ErrorKind.INVALID_INPUT,
            "the request could not be sent to model '"
                + model
                + "': "
                + e.getClass().getSimpleName()
                + " (check extra headers and keys)"));
  }

  private void answered(
      ProviderAdapter adapter,
      ProviderRequest request,
      Scheduler.Admission admission,
      HttpAnswer answer,
      Throwable error,
      long sentAt) {
    try {
      handleAnswer(adapter, request, admission, answer, error, sentAt);
    } catch (RuntimeException e) {
      // A throwing postprocess hook (or any bug past this point) must not leave the future open.
      if (!future.isDone()) {
        fail(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be processed: " + e));
      }
    }
  }

  private void handleAnswer(
      ProviderAdapter adapter,
      ProviderRequest request,
      Scheduler.Admission admission,
      HttpAnswer answer,
      Throwable error,
      long sentAt) {
    Scheduler scheduler = client.scheduler();
    // What the answer says of the model is recorded before its slot is freed, so no request
    // admitted into that slot goes to a model this answer gave up.
    if (error != null) {
      ApiError e = transportError(error);
      client.health().failed(model, spec, e);
      scheduler.finished(model, admission, 0, RateLimitInfo.NONE, false, -1);
      afterError(e);
      return;
    }
    RateLimitInfo info = adapter.rateLimits(answer);
    if (!answer.ok()) {
      ApiError e = adapter.error(answer);
      client.health().failed(model, spec, e);
      scheduler.finished(
          model,
          admission,
          0,
          info,
          e.kind() == ErrorKind.RATE_LIMIT,
          e.retryAfterMillis() * 1_000_000L);
      afterError(e);
      return;
    }
    ParsedAnswer parsed;
    try {
      parsed = reader != null ? reader.finish() : adapter.parse(request, answer);
    } catch (ProviderException e) {
      scheduler.finished(model, admission, admission.tokens(), info, false, -1);
      afterError(e.error());
      return;
    } catch (RuntimeException e) {
      scheduler.finished(model, admission, admission.tokens(), info, false, -1);
      afterError(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e));
      return;
    }
    long charged = charged(parsed.usage());
    ApiResponse response;
    try {
      response =
          response(
              parsed,
              Duration.ofNanos(System.nanoTime() - sentAt),
              reader != null ? null : answer.body());
    } catch (RuntimeException e) {
      scheduler.finished(model, admission, charged, info, false, -1);
      throw e;
    }
    // Stored before the slot is freed and the answer given: at any moment, the answers the provider
    // has sent but no cache holds are at most the requests in flight, which is what a killed job
    // pays again.
    store(response)
        .whenComplete(
            (stored, writeError) -> {
              if (writeError != null) {
                // A cache that cannot write (a full disk) must not lose the answer we paid for.
                System.getLogger(Call.class.getName())
                    .log(System.Logger.Level.WARNING, "cache write failed: " + writeError);
              }
              scheduler.finished(model, admission, charged, info, false, -1);
              client.health().answered(model);
              client.tracker().finished(response);
              future.complete(response);
            });
  }

  private CompletableFuture<Void> store(ApiResponse response) {
    if (cacheKey == null) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return client.configInternal().cache().get().putAsync(cacheKey, response);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The tokens the provider counts against its limit: input (with cache reads and writes) plus
   * output.
   */
  private long charged(Usage u) {
    long input =
        spec.wireFormat().inputIncludesCached()
            ? u.inputTokens()
            : u.inputTokens() + u.cacheReadTokens() + u.cacheWriteTokens();
    return input + u.outputTokens();
  }

  private static ApiError transportError(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof ProviderException p) {
      return p.error();
    }
    if (e instanceof HttpTimeoutException) {
      return ApiError.of(ErrorKind.TIMEOUT, "no answer within the request timeout");
    }
    if (e instanceof IllegalArgumentException) {
      // The request itself is unsendable (a header no HTTP message may carry): trying again cannot
      // help.
      return ApiError.of(
          ErrorKind.INVALID_INPUT, e.getMessage() + " (check extra headers and keys)");
    }
    if (e instanceof ConnectException) {
      return ApiError.of(ErrorKind.CONNECTION, "cannot connect: " + e.getMessage());
    }
    if (e instanceof RuntimeException) {
      // A stream's events that could not be read, or the caller's text consumer failing on them.
      return ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e);
    }
    return ApiError.of(ErrorKind.CONNECTION, "connection failed: " + e);
  }

  private void afterError(ApiError error) {
    lastError = error;
    LlmClient c = client;
    if (c.scheduler().closed()) {
      fail(error);
      return;
    }
    if (error.kind() == ErrorKind.RATE_LIMIT) {
      c.tracker().rateLimited();
    }
    boolean modelIsGone = c.health().isGone(model);
    boolean others =
        request.model().isEmpty()
            && c.configInternal().models().stream()
                .anyMatch(
                    m -> !m.equals(model) && !c.health().isGone(m) && !incapable.containsKey(m));
    // Streamed text the caller has seen cannot be taken back, so such an attempt is the last.
    boolean seen = reader != null && reader.delivered();
    boolean again =
        !seen
            && attempts < c.configInternal().maxAttempts()
            && (modelIsGone ? others : error.retryable());
    if (!again) {
      fail(
          modelIsGone && !others && error.kind() == ErrorKind.CONNECTION
              ? c.health().reason(model)
              : error);
      return;
    }
    c.tracker().retried();
    avoid.clear();
    if (others) {
      avoid.add(model);
    }
    long delayMillis =
        error.retryAfterMillis() >= 0
            ? error.retryAfterMillis()
            : modelIsGone ? 0 : backoffMillis(attempts);
    c.scheduler().later(this::next, delayMillis * 1_000_000L);
  }

  /**
   * Exponential backoff with jitter: 0.5 s doubling per attempt, capped at 30 s, each between half
   * and all of it.
   */
  static long backoffMillis(int attempt) {
    long base =
        Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << Math.min(20, Math.max(0, attempt - 1)));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  /** The answer, through the postprocess hook. */
  private ApiResponse response(ParsedAnswer parsed, Duration latency, String body) {
    ClientConfig config = client.configInternal();
    ApiResponse response =
        ApiResponse.builder()
            .setModel(spec.id())
            .setProvider(spec.provider())
            .setMessage(parsed.message())
            .setFinishReason(parsed.finishReason())
            .setUsage(parsed.usage())
            .setCost(spec.cost(parsed.usage()))
            .setLatency(latency)
            .setAttempts(attempts)
            .setLogprobs(parsed.logprobs())
            .setRawBody(config.keepRawBody() ? body : null)
            .setConversationId(conversation.id().orElse(null))
            .setConversationMetadataJson(conversation.metadataJson().orElse(null))
            .build();
    if (config.postprocess().isPresent()) {
      response = config.postprocess().get().apply(response);
    }
    return response;
  }

  void fail(ApiError error) {
    if (attempts == 0) {
      // Never sent: count it as started so "in progress" stays exact.
      client.tracker().started();
    }
    String m = model != null ? model : client.configInternal().models().get(0);
    ApiResponse response =
        ApiResponse.builder()
            .setModel(spec != null ? spec.id() : m)
            .setProvider(spec != null ? spec.provider() : "")
            .setError(error)
            .setAttempts(attempts)
            .setConversationId(conversation.id().orElse(null))
            .setConversationMetadataJson(conversation.metadataJson().orElse(null))
            .build();
    client.tracker().finished(response);
    future.complete(response);
  }
}

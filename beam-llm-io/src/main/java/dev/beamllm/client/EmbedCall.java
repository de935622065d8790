package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One embedding request (many texts at once) under the client's limits: admitted by the scheduler
 * for its estimated tokens like a completion, sent, and on an error tried again when and as {@link
 * Retry} says (a 429's wait, a 5xx's backoff, up to the client's attempts). Completes once, never
 * exceptionally.
 */
final class EmbedCall implements Scheduler.Job {
  /**
   * How an embedding request ended.
   *
   * @param embedded the vectors and usage, or null after an error
   * @param error the error, or null
   * @param attempts the attempts made
   */
  record Result(EmbeddingApi.Embedded embedded, ApiError error, int attempts) {}

  private final CallSteps steps;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpec spec;
  private final ProviderAdapter adapter;
  private final EmbeddingApi api;
  private final EmbeddingRequest request;
  private final long tokens;
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private long submitted;
  private int attempts;

  /**
   * @param adapter classifies the errors and reads the rate-limit headers
   * @param tokens the texts' estimated tokens, reserved at admission
   */
  EmbedCall(
      CallSteps steps,
      HttpTransport transport,
      Duration timeout,
      ModelSpec spec,
      ProviderAdapter adapter,
      EmbeddingApi api,
      EmbeddingRequest request,
      long tokens) {
    this.steps = steps;
    this.transport = transport;
    this.timeout = timeout;
    this.spec = spec;
    this.adapter = adapter;
    this.api = api;
    this.request = request;
    this.tokens = tokens;
  }

  /** Queues it for admission; the future completes with its vectors or its error. */
  CompletableFuture<Result> start() {
    submit();
    return result;
  }

  private void submit() {
    submitted = System.nanoTime();
    ApiError refused = steps.admit().submit(this);
    if (refused != null) {
      result.complete(new Result(null, refused, attempts));
    }
  }

  @Override
  public String model() {
    return spec.id();
  }

  @Override
  public long tokens() {
    return tokens;
  }

  @Override
  public long submittedNanos() {
    return submitted;
  }

  @Override
  public void start(Scheduler.Admission admission) {
    HttpCall call;
    try {
      call = api.embed(request);
    } catch (RuntimeException e) {
      steps.scheduler().release(model(), admission);
      result.complete(new Result(null, Classify.refused(model(), e), attempts));
      return;
    }
    attempts++;
    CompletableFuture<HttpAnswer> sent;
    try {
      sent = transport.send(call, timeout);
    } catch (RuntimeException e) {
      steps.scheduler().release(model(), admission);
      result.complete(new Result(null, Classify.refused(model(), e), attempts));
      return;
    }
    sent.whenComplete((answer, error) -> answered(admission, answer, error));
  }

  private void answered(Scheduler.Admission admission, HttpAnswer answer, Throwable error) {
    Scheduler scheduler = steps.scheduler();
    if (error != null) {
      scheduler.finished(model(), admission, 0, RateLimitInfo.NONE, false, -1);
      afterError(Classify.transportError(error));
      return;
    }
    RateLimitInfo info = adapter.rateLimits(answer);
    if (!answer.ok()) {
      ApiError e = adapter.error(answer);
      scheduler.finished(
          model(),
          admission,
          0,
          info,
          e.kind() == ErrorKind.RATE_LIMIT,
          e.retryAfterMillis() * 1_000_000L);
      afterError(e);
      return;
    }
    EmbeddingApi.Embedded embedded;
    try {
      embedded = api.parse(request, answer);
      if (embedded.vectors().size() != request.texts().size()) {
        throw new ProviderException(
            ApiError.of(
                ErrorKind.INVALID_RESPONSE,
                "the provider answered "
                    + embedded.vectors().size()
                    + " vectors for "
                    + request.texts().size()
                    + " texts"));
      }
    } catch (ProviderException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(e.error());
      return;
    } catch (RuntimeException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e));
      return;
    }
    long used = embedded.inputTokens().orElse(tokens);
    scheduler.finished(model(), admission, used, info, false, -1);
    result.complete(new Result(embedded, null, attempts));
  }

  private void afterError(ApiError error) {
    Retry.Decision decision = steps.retry().after(error, model(), true, Set.of(), false, attempts);
    if (decision.end() != null) {
      result.complete(new Result(null, decision.end(), attempts));
      return;
    }
    steps.scheduler().later(this::submit, decision.delayNanos());
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
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
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * One request of a kind other than chat (an embedding of many texts, a rerank) under the client's
 * limits: admitted by the scheduler for its estimated tokens like a completion, built, sent, read,
 * and on an error tried again when and as {@link Retry} says (a 429's wait, a 5xx's backoff, up to
 * the client's attempts). Completes once, never exceptionally.
 *
 * @param <T> what a 2xx answer is read into
 */
final class ProviderCall<T> implements Scheduler.Job {
  /**
   * How the request ended.
   *
   * @param value what the answer was read into, or null after an error
   * @param error the error, or null
   * @param attempts the attempts made
   */
  record Result<T>(T value, ApiError error, int attempts) {}

  /** Reads a 2xx answer. */
  interface Reader<T> {
    /**
     * @throws ProviderException with {@code INVALID_RESPONSE} when the answer cannot be read
     */
    T read(HttpAnswer answer);
  }

  private final CallSteps steps;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpec spec;
  private final ProviderAdapter adapter;
  private final Supplier<HttpCall> call;
  private final Reader<T> reader;
  private final ToLongFunction<T> usedTokens;
  private final long tokens;
  private final CompletableFuture<Result<T>> result = new CompletableFuture<>();
  private long submitted;
  private int attempts;

  /**
   * @param adapter classifies the errors and reads the rate-limit headers
   * @param call builds the HTTP request (once per attempt)
   * @param reader reads a 2xx answer
   * @param usedTokens the tokens the provider counted for an answer, or -1 when it says none
   * @param tokens the estimated tokens, reserved at admission
   */
  ProviderCall(
      CallSteps steps,
      HttpTransport transport,
      Duration timeout,
      ModelSpec spec,
      ProviderAdapter adapter,
      Supplier<HttpCall> call,
      Reader<T> reader,
      ToLongFunction<T> usedTokens,
      long tokens) {
    this.steps = steps;
    this.transport = transport;
    this.timeout = timeout;
    this.spec = spec;
    this.adapter = adapter;
    this.call = call;
    this.reader = reader;
    this.usedTokens = usedTokens;
    this.tokens = tokens;
  }

  /**
   * Queues it for admission; the future completes with what the answer was read into, or the error.
   */
  CompletableFuture<Result<T>> start() {
    submit();
    return result;
  }

  private void submit() {
    submitted = System.nanoTime();
    ApiError refused = steps.admit().submit(this);
    if (refused != null) {
      result.complete(new Result<>(null, refused, attempts));
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
    HttpCall http;
    try {
      http = call.get();
    } catch (RuntimeException e) {
      steps.scheduler().release(model(), admission);
      result.complete(new Result<>(null, Classify.refused(model(), e), attempts));
      return;
    }
    attempts++;
    steps.tracker().called();
    CompletableFuture<HttpAnswer> sent;
    try {
      sent = transport.send(http, timeout);
    } catch (RuntimeException e) {
      steps.scheduler().release(model(), admission);
      result.complete(new Result<>(null, Classify.refused(model(), e), attempts));
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
    T value;
    try {
      value = reader.read(answer);
    } catch (ProviderException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(e.error());
      return;
    } catch (RuntimeException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e));
      return;
    }
    long used = usedTokens.applyAsLong(value);
    scheduler.finished(model(), admission, used >= 0 ? used : tokens, info, false, -1);
    result.complete(new Result<>(value, null, attempts));
  }

  private void afterError(ApiError error) {
    Retry.Decision decision = steps.retry().after(error, model(), true, Set.of(), false, attempts);
    if (decision.end() != null) {
      result.complete(new Result<>(null, decision.end(), attempts));
      return;
    }
    steps.scheduler().later(this::submit, decision.delayNanos());
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.provider.TranscriptionRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One transcription request (one audio file) under the client's limits: admitted by the scheduler
 * like a completion, sent, and on an error tried again when and as {@link Retry} says (a 429's
 * wait, a 5xx's backoff, up to the client's attempts). The multipart body is built once and sent
 * again as it is on a retry. Completes once, never exceptionally.
 */
final class TranscribeCall implements Scheduler.Job {
  /**
   * How a transcription request ended.
   *
   * @param transcribed the transcript and usage, or null after an error
   * @param error the error, or null
   * @param attempts the attempts made
   */
  record Result(TranscriptionApi.Transcribed transcribed, ApiError error, int attempts) {}

  private final CallSteps steps;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpec spec;
  private final ProviderAdapter adapter;
  private final TranscriptionApi api;
  private final TranscriptionRequest request;
  private final long tokens;
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private HttpCall call;
  private long submitted;
  private int attempts;

  /**
   * @param adapter classifies the errors and reads the rate-limit headers
   * @param tokens the tokens reserved at admission (the prompt's; the audio's are not known before
   *     the provider decodes it)
   */
  TranscribeCall(
      CallSteps steps,
      HttpTransport transport,
      Duration timeout,
      ModelSpec spec,
      ProviderAdapter adapter,
      TranscriptionApi api,
      TranscriptionRequest request,
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

  /** Queues it for admission; the future completes with its transcript or its error. */
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
    try {
      if (call == null) {
        call = api.transcribe(request);
      }
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
    TranscriptionApi.Transcribed transcribed;
    try {
      transcribed = api.parse(request, answer);
    } catch (ProviderException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(e.error());
      return;
    } catch (RuntimeException e) {
      scheduler.finished(model(), admission, admission.tokens(), info, false, -1);
      afterError(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be read: " + e));
      return;
    }
    long reported =
        transcribed.textTokens() + transcribed.audioTokens() + transcribed.outputTokens();
    // A model billed by duration reports no tokens: what was reserved is what was used.
    scheduler.finished(model(), admission, reported > 0 ? reported : tokens, info, false, -1);
    result.complete(new Result(transcribed, null, attempts));
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

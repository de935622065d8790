package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The life of one request, as a sequence of steps ({@link CallSteps}): each attempt picks a model
 * ({@link PickModel}), waits for admission ({@link Admit}), is sent ({@link Send}) and its end
 * classified ({@link Classify}); after an error {@link Retry} decides whether and where to try
 * again, and an answer is delivered through the cache ({@link Deliver}). This class holds what the
 * request learns on the way and completes its future exactly once.
 */
final class Call implements Scheduler.Job {
  private final CallSteps steps;
  private final Scheduler scheduler;
  private final LlmRequest request;
  private final Conversation conversation;

  /**
   * What is sent: the conversation, or once its URL images were fetched for a model that takes
   * bytes only, the same with their bytes (kept for every later attempt, on any model).
   */
  private Conversation sendable;

  /** Why the URL images could not be fetched, once a fetch failed; null otherwise. */
  private String inlineFailure;

  private final CompletableFuture<ApiResponse> future;
  private final Consumer<String> onText;
  private final Map<String, String> incapable = new LinkedHashMap<>();
  private final Map<String, Long> inputTokens = new LinkedHashMap<>();
  private final Set<String> avoid = new HashSet<>();
  String cacheKey;
  private int attempts;
  private String model;
  private ModelSpec spec;
  private SamplingParams params;
  private long submitted;
  private ApiError lastError;

  /** What the attempt in flight reserved of the budget, to settle when it ends. */
  private long reservedMicros;

  /** What the budget reserved for this request while it waited for room, not yet taken. */
  private long waitedMicros;

  /**
   * A request.
   *
   * @param onText receives text as it is streamed, or null to send the request whole
   */
  Call(
      CallSteps steps,
      LlmRequest request,
      CompletableFuture<ApiResponse> future,
      Consumer<String> onText) {
    this.steps = steps;
    this.scheduler = steps.scheduler();
    this.request = request;
    this.conversation = request.conversation();
    this.sendable = conversation;
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

  /**
   * Priced when asked, at admission: a request that waited in the queue while the client learnt how
   * the model's provider counts prompts reserves what the provider will charge, not what the client
   * believed when the request was queued.
   */
  @Override
  public long tokens() {
    return steps.admit().tokens(request, model, spec, params, inputTokens);
  }

  @Override
  public long submittedNanos() {
    return submitted;
  }

  /** Chooses a model that can serve the request and queues it for admission. */
  void next() {
    if (scheduler.closed()) {
      fail(Admit.closed());
      return;
    }
    PickModel.Choice choice = steps.pick().pick(request, incapable, avoid, model, lastError);
    if (choice.model() == null) {
      if (model == null && request.model().isPresent()) {
        // Refused before any attempt (a model that cannot hear audio, say): the failure names the
        // model the request asked for, not the client's first.
        model = request.model().get();
      }
      fail(choice.error());
      return;
    }
    model = choice.model();
    spec = choice.spec();
    params = choice.params();
    if (sendable == conversation && steps.inline().needed(spec, conversation)) {
      inlineImages();
      return;
    }
    submitForAdmission();
  }

  /**
   * Fetches the conversation's URL images for a model that takes bytes only, then goes on to
   * admission; a fetch that fails makes this model (and any other that takes bytes only) unable to
   * serve the request, which then ends with the reason unless a model that fetches URLs remains.
   */
  private void inlineImages() {
    if (inlineFailure != null) {
      cannotServe(inlineFailure);
      return;
    }
    steps
        .inline()
        .inline(conversation)
        .whenComplete(
            (inlined, error) -> {
              if (error != null) {
                Throwable e = error.getCause() != null ? error.getCause() : error;
                inlineFailure = e.getMessage();
                cannotServe(inlineFailure);
              } else {
                sendable = inlined;
                submitForAdmission();
              }
            });
  }

  /** Records that the current model cannot serve the request, and chooses again. */
  private void cannotServe(String why) {
    incapable.put(model, "model '" + model + "': " + why);
    lastError = ApiError.of(ErrorKind.UNSUPPORTED, String.join("; ", incapable.values()));
    next();
  }

  /** Queues the request for admission to the chosen model. */
  private void submitForAdmission() {
    submitted = System.nanoTime();
    ApiError refused = steps.admit().submit(this);
    if (refused != null) {
      fail(refused);
    }
  }

  @Override
  public void start(Scheduler.Admission admission) {
    if (steps.health().isGone(model)) {
      // The model was given up while this request waited: choose again (or end).
      scheduler.release(model, admission);
      next();
      return;
    }
    if (!reserveBudget()) {
      // Waiting for room, or ended: either way the slot goes to another request.
      scheduler.release(model, admission);
      return;
    }
    Send.Attempt attempt;
    try {
      attempt =
          steps
              .send()
              .prepare(
                  spec,
                  sendable,
                  params,
                  request.serviceTier().orElse(null),
                  request.tools().orElse(null),
                  onText);
    } catch (ApiKeys.MissingKeyException e) {
      settleBudget(0);
      scheduler.release(model, admission);
      attempts++;
      afterError(ApiError.of(ErrorKind.AUTH, e.getMessage()), false);
      return;
    } catch (InvalidPromptException | UnsupportedOperationException e) {
      // Nothing was sent: this model's API cannot carry the request. Another model may.
      settleBudget(0);
      scheduler.release(model, admission);
      cannotServe(e.getMessage());
      return;
    } catch (RuntimeException e) {
      refuse(admission, e);
      return;
    }
    attempts++;
    if (attempts == 1) {
      steps.tracker().started();
    }
    CompletableFuture<HttpAnswer> sent;
    try {
      sent = attempt.send();
    } catch (RuntimeException e) {
      refuse(admission, e);
      return;
    }
    sent.whenComplete((answer, error) -> answered(attempt, admission, answer, error));
  }

  /** Ends a request whose HTTP request could not be built or sent; frees its slot. */
  private void refuse(Scheduler.Admission admission, RuntimeException e) {
    settleBudget(0);
    scheduler.release(model, admission);
    attempts++;
    fail(Classify.refused(model, e));
  }

  private void answered(
      Send.Attempt attempt, Scheduler.Admission admission, HttpAnswer answer, Throwable error) {
    try {
      Classify.Outcome outcome = Classify.outcome(attempt, spec, admission, answer, error);
      if (outcome.error() != null) {
        attemptFailed(outcome, admission, attempt.delivered());
      } else {
        deliver(outcome, admission, attempt, answer);
      }
    } catch (RuntimeException e) {
      // A throwing postprocess hook (or any bug past this point) must not leave the future open,
      // nor the budget reserved for requests that wait on it.
      settleBudget(reservedMicros / 1_000_000.0);
      if (!future.isDone()) {
        fail(ApiError.of(ErrorKind.INVALID_RESPONSE, "the answer could not be processed: " + e));
      }
    }
  }

  private void attemptFailed(
      Classify.Outcome outcome, Scheduler.Admission admission, boolean seen) {
    // What the answer says of the model is recorded before its slot is freed, so no request
    // admitted into that slot goes to a model this answer gave up.
    if (outcome.aboutModel()) {
      steps.health().failed(model, spec, outcome.error());
    }
    // A failed attempt is not billed (an error status, a dropped connection), except one the
    // provider may have answered (a timeout, an answer that could not be read): it keeps its worst
    // case.
    settleBudget(
        outcome.error().kind() == ErrorKind.TIMEOUT || outcome.usedTokens() > 0
            ? reservedMicros / 1_000_000.0
            : 0);
    scheduler.finished(
        model,
        admission,
        outcome.usedTokens(),
        outcome.info(),
        outcome.rateLimited(),
        outcome.retryAfterNanos());
    afterError(outcome.error(), seen);
  }

  private void deliver(
      Classify.Outcome outcome,
      Scheduler.Admission admission,
      Send.Attempt attempt,
      HttpAnswer answer) {
    long charged = outcome.usedTokens();
    ApiResponse response;
    try {
      String body = attempt.streamed() ? null : answer.body();
      response =
          steps
              .deliver()
              .answer(
                  spec,
                  outcome.parsed(),
                  attempt.latency(),
                  attempts,
                  body,
                  conversation,
                  attempt.warnings());
    } catch (RuntimeException e) {
      // The answer came and was paid for; what it cost is not known past here.
      settleBudget(reservedMicros / 1_000_000.0);
      scheduler.finished(model, admission, charged, outcome.info(), false, -1);
      throw e;
    }
    settleBudget(response.cost());
    // Stored before the slot is freed and the answer given: at any moment, the answers the provider
    // has sent but no cache holds are at most the requests in flight, which is what a killed job
    // pays again.
    steps
        .deliver()
        .store(cacheKey, response)
        .thenRun(
            () -> {
              Long estimate = inputTokens.get(model);
              if (estimate != null) {
                steps.admit().answered(model, spec, estimate, response.usage());
              }
              scheduler.finished(model, admission, charged, outcome.info(), false, -1);
              steps.health().answered(model);
              steps.tracker().finished(response);
              future.complete(response);
            });
  }

  /**
   * After an attempt's error: ends the request, or tries again after the delay {@link Retry} says.
   *
   * @param seen whether streamed text of the attempt reached the caller
   */
  private void afterError(ApiError error, boolean seen) {
    lastError = error;
    Retry.Decision decision =
        steps
            .retry()
            .after(error, model, request.model().isPresent(), incapable.keySet(), seen, attempts);
    if (decision.end() != null) {
      fail(decision.end());
      return;
    }
    avoid.clear();
    if (decision.avoidModel()) {
      avoid.add(model);
    }
    scheduler.later(this::next, decision.delayNanos());
  }

  /**
   * Reserves the budget for the attempt about to be sent: its worst case at the chosen model (its
   * thinking included: a model that may think may use its whole output). When it fits only once the
   * attempts in flight settle, the request waits for the room and is queued again with it.
   *
   * @return false when not reserved: the request waits for room, or has ended with a {@code BUDGET}
   *     error
   */
  private boolean reserveBudget() {
    Budget budget = steps.budget();
    if (budget == null) {
      return true;
    }
    long micros =
        budget.worstCaseMicros(
            steps.admit(),
            request,
            model,
            spec,
            params,
            request.serviceTier().orElse(null),
            inputTokens);
    if (waitedMicros > 0) {
      long room = waitedMicros;
      waitedMicros = 0;
      if (room >= micros) {
        reservedMicros = room;
        return true;
      }
      budget.settle(room, 0);
    }
    Budget.Verdict verdict =
        budget.reserve(
            micros,
            reserved -> {
              waitedMicros = reserved;
              submitForAdmission();
            });
    switch (verdict) {
      case RESERVED -> {
        reservedMicros = micros;
        return true;
      }
      case WAIT -> {
        return false;
      }
      default -> {
        fail(budget.refusal(micros));
        return false;
      }
    }
  }

  /** Settles the attempt's reservation with what it cost. */
  private void settleBudget(double costDollars) {
    Budget budget = steps.budget();
    if (budget != null && reservedMicros > 0) {
      budget.settle(reservedMicros, costDollars);
      reservedMicros = 0;
    }
  }

  /** Ends the request with an error. */
  void fail(ApiError error) {
    if (attempts == 0) {
      // Never sent: count it as started so "in progress" stays exact.
      steps.tracker().started();
    }
    ApiResponse response = steps.deliver().failure(error, model, spec, attempts, conversation);
    steps.tracker().finished(response);
    future.complete(response);
  }
}

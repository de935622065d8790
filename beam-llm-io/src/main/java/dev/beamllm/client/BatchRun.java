package dev.beamllm.client;

import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.response.ApiError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One provider batch from submission to results: uploads its input where the API wants a file,
 * creates it, reports its id (for the ledger) before waiting, polls it on the scheduler's timer so
 * that no thread waits in between (the first wait {@link BatchSettings#firstPoll}, each later one a
 * quarter longer up to {@link BatchSettings#maxPollInterval}: a batch is seen ended at most a
 * quarter of its run late), and once it has ended fetches its results. At {@link
 * BatchSettings#onlineAt} a batch still running is cancelled, and what it had answered is read as
 * from any ended batch.
 *
 * <p>A call that fails for a reason that may pass (a 429, a 5xx, a dropped connection) is tried
 * again after a wait; {@value #MAX_FAILURES} failures in a row, or one that will not pass (a 400
 * refusing the batch, a 404 for a batch the provider no longer knows), end the run with {@link
 * Ended#failure}, and the caller sends its requests online. The result never completes
 * exceptionally.
 */
final class BatchRun {
  /** Failed calls in a row after which the batch is given up. */
  static final int MAX_FAILURES = 8;

  /**
   * How a run ended.
   *
   * @param batchId the provider's id, or null when none was created
   * @param outcomes each request's outcome by custom id (empty after a failure)
   * @param failure why there are no results, or null
   */
  record Ended(String batchId, Map<String, BatchApi.Outcome> outcomes, String failure) {}

  private final HttpTransport transport;
  private final Scheduler scheduler;
  private final ProviderAdapter adapter;
  private final BatchApi api;
  private final ProviderRequest request;
  private final Duration timeout;
  private final BatchSettings settings;
  private final CompletableFuture<Ended> result = new CompletableFuture<>();
  private String batchId;
  private boolean cancelled;
  private int failures;

  /**
   * A run, not started yet: {@link #submit} or {@link #resume} starts it, once.
   *
   * @param adapter reads the errors of the batch's calls
   * @param request any provider request of the batch: its model, key and headers serve every call
   */
  BatchRun(
      HttpTransport transport,
      Scheduler scheduler,
      ProviderAdapter adapter,
      BatchApi api,
      ProviderRequest request,
      Duration timeout,
      BatchSettings settings) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.adapter = adapter;
    this.api = api;
    this.request = request;
    this.timeout = timeout;
    this.settings = settings;
  }

  /**
   * Submits a batch of these items and waits for it.
   *
   * @param created told the batch's id once the provider has created it, before the first poll; if
   *     it throws, the run goes on (the batch is only not noted)
   */
  CompletableFuture<Ended> submit(List<String> items, Consumer<String> created) {
    HttpCall upload = api.upload(request, items);
    if (upload == null) {
      create(items, null, created);
    } else {
      send(
          upload,
          answer -> create(items, api.uploadedId(answer), created),
          () -> submit(items, created));
    }
    return result;
  }

  /** Waits for a batch submitted earlier (by a job that was stopped), from its id. */
  CompletableFuture<Ended> resume(String batchId) {
    this.batchId = batchId;
    poll(0);
    return result;
  }

  private void create(List<String> items, String uploadedId, Consumer<String> created) {
    send(
        api.create(request, items, uploadedId),
        answer -> {
          BatchApi.Status status = api.status(answer);
          batchId = status.id();
          try {
            created.accept(batchId);
          } catch (RuntimeException notNoted) {
            System.getLogger(BatchRun.class.getName())
                .log(
                    System.Logger.Level.WARNING,
                    "batch " + batchId + " could not be noted for a restart: " + notNoted);
          }
          afterStatus(answer, status, settings.firstPoll().toNanos());
        },
        () -> create(items, uploadedId, created));
  }

  private void poll(long wait) {
    scheduler.later(
        () ->
            send(
                api.poll(request, batchId),
                answer -> afterStatus(answer, api.status(answer), next(wait)),
                () -> poll(next(wait))),
        wait);
  }

  private long next(long wait) {
    long first = settings.firstPoll().toNanos();
    return Math.min(settings.maxPollInterval().toNanos(), Math.max(first, wait + wait / 4));
  }

  private void afterStatus(HttpAnswer answer, BatchApi.Status status, long wait) {
    if (status.failure() != null) {
      end(status.failure());
      return;
    }
    if (!status.running()) {
      fetchResults(answer, status, new ArrayList<>());
      return;
    }
    if (!cancelled && settings.onlineAt().map(t -> !Instant.now().isBefore(t)).orElse(false)) {
      // Near the deadline: what the batch has not answered goes online once it has stopped.
      cancelled = true;
      send(
          api.cancel(request, batchId),
          ignored -> poll(settings.firstPoll().toNanos()),
          () -> poll(wait));
      return;
    }
    poll(cancelled ? settings.firstPoll().toNanos() : wait);
  }

  private void fetchResults(HttpAnswer ended, BatchApi.Status status, List<HttpAnswer> fetched) {
    List<HttpCall> calls = api.resultCalls(request, status);
    if (fetched.size() == calls.size()) {
      result.complete(new Ended(batchId, api.results(ended, fetched), null));
      return;
    }
    send(
        calls.get(fetched.size()),
        answer -> {
          fetched.add(answer);
          fetchResults(ended, status, fetched);
        },
        () -> fetchResults(ended, status, fetched));
  }

  /**
   * Sends one call; a 2xx answer goes to {@code then}, a failure that may pass to {@code again}
   * after a backoff, any other failure (or too many) ends the run. {@code then} may throw: an
   * answer it cannot read ends the run.
   */
  private void send(HttpCall call, Consumer<HttpAnswer> then, Runnable again) {
    if (scheduler.closed()) {
      end("the client was closed");
      return;
    }
    CompletableFuture<HttpAnswer> sent;
    try {
      sent = transport.send(call, timeout);
    } catch (RuntimeException e) {
      end("the batch call could not be sent: " + e.getMessage());
      return;
    }
    sent.whenComplete(
        (answer, error) -> {
          try {
            if (error == null && answer.ok()) {
              failures = 0;
              then.accept(answer);
              return;
            }
            String why;
            boolean passes;
            if (error != null) {
              Throwable e = error.getCause() != null ? error.getCause() : error;
              why = call + ": " + e;
              passes = true;
            } else {
              ApiError refused = adapter.error(answer);
              why = call + ": " + answer.status() + " " + refused.message();
              passes = refused.retryable();
            }
            if (!passes || ++failures >= MAX_FAILURES) {
              end(why);
              return;
            }
            scheduler.later(again, backoffNanos());
          } catch (RuntimeException unreadable) {
            end(call + ": the answer could not be read: " + unreadable.getMessage());
          }
        });
  }

  private long backoffNanos() {
    long base = settings.firstPoll().toNanos();
    long wait = base << Math.min(failures, 10);
    return Math.min(wait, settings.maxPollInterval().toNanos());
  }

  /**
   * Ends without results; a batch that was created is cancelled first (its outcome changes
   * nothing), so that it does not answer, and bill, requests that are now sent online.
   */
  private void end(String why) {
    if (batchId != null && !scheduler.closed()) {
      try {
        transport
            .send(api.cancel(request, batchId), timeout)
            .whenComplete(
                (ignored, alsoIgnored) -> result.complete(new Ended(batchId, Map.of(), why)));
        return;
      } catch (RuntimeException cannotCancel) {
        // Ends all the same.
      }
    }
    result.complete(new Ended(batchId, Map.of(), why));
  }
}

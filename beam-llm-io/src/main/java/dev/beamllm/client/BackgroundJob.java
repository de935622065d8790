package dev.beamllm.client;

import dev.beamllm.provider.BackgroundApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ProviderRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt run as a background job: starts it, polls it on the scheduler's timer so that no
 * thread waits in between (after 200 ms, each wait half as long again as the last, at most 2 s),
 * and completes with the first answer that shows the job final, for the adapter to parse.
 *
 * <p>The request timeout bounds the whole job: when it runs out the job is cancelled and the future
 * fails with an {@link HttpTimeoutException}. A poll that fails (an error status, a broken
 * connection, an unreadable body) also cancels the job, so it does not run on unwatched, and ends
 * the attempt with the poll's answer or exception; a retry starts a new job.
 */
final class BackgroundJob {
  private static final long FIRST_POLL_NANOS = 200_000_000L;
  private static final long MAX_POLL_NANOS = 2_000_000_000L;

  private final HttpTransport transport;
  private final Scheduler scheduler;
  private final BackgroundApi api;
  private final ProviderRequest request;
  private final Duration timeout;
  private final long deadline;
  private final CompletableFuture<HttpAnswer> result = new CompletableFuture<>();
  private volatile String id;

  BackgroundJob(
      HttpTransport transport,
      Scheduler scheduler,
      BackgroundApi api,
      ProviderRequest request,
      Duration timeout) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.api = api;
    this.request = request;
    this.timeout = timeout;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * Starts the job; the future completes with its final answer, an error answer, or fails as {@link
   * HttpTransport#send} does.
   */
  CompletableFuture<HttpAnswer> start() {
    transport
        .send(api.startInBackground(request), timeout)
        .whenComplete((answer, error) -> answered(answer, error, FIRST_POLL_NANOS));
    return result;
  }

  private void answered(HttpAnswer answer, Throwable error, long wait) {
    if (error != null) {
      end(null, error);
      return;
    }
    if (!answer.ok()) {
      end(answer, null);
      return;
    }
    BackgroundApi.JobStatus status;
    try {
      status = api.status(answer);
    } catch (RuntimeException unreadable) {
      end(null, unreadable);
      return;
    }
    id = status.id();
    if (!status.running()) {
      result.complete(answer);
      return;
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      end(
          null,
          new HttpTimeoutException(
              "the background response did not finish within the request timeout"));
      return;
    }
    long next = Math.min(MAX_POLL_NANOS, wait + wait / 2);
    // The last poll is at the deadline, so a job still running then is cancelled on time.
    scheduler.later(
        () ->
            transport
                .send(api.poll(request, status.id()), timeout)
                .whenComplete((polled, failed) -> answered(polled, failed, next)),
        Math.min(wait, left));
  }

  /** Ends the attempt with an answer or an error, first cancelling the job if one was started. */
  private void end(HttpAnswer answer, Throwable error) {
    if (id == null) {
      complete(answer, error);
      return;
    }
    // The cancel's own outcome changes nothing: the attempt has ended either way.
    transport
        .send(api.cancel(request, id), timeout)
        .whenComplete((ignored, alsoIgnored) -> complete(answer, error));
  }

  private void complete(HttpAnswer answer, Throwable error) {
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(answer);
    }
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.response.ApiResponse;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Where a call stage puts a request group's answer: every request of the group gets the answer
 * under its own id; an error that may pass goes to the retry stage (unless this is the last stage);
 * any other error becomes a failure record for each request.
 */
final class CallOutputs implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Emits to an output: from {@code @ProcessElement} or, with a timestamp, from the bundle's end.
   */
  interface Emitter {
    <T> void emit(TupleTag<T> tag, T value);
  }

  private final boolean lastStage;
  private final TupleTag<ApiResponse> responses;
  private final TupleTag<RequestGroup> retry;
  private final TupleTag<LlmFailure> failures;

  CallOutputs(
      boolean lastStage,
      TupleTag<ApiResponse> responses,
      TupleTag<RequestGroup> retry,
      TupleTag<LlmFailure> failures) {
    this.lastStage = lastStage;
    this.responses = responses;
    this.retry = retry;
    this.failures = failures;
  }

  /**
   * Routes the answers a bundle waited for at its end, each with its own input's window and
   * timestamp.
   */
  void routeAtBundleEnd(
      List<BundleInFlight.Done<RequestGroup, ApiResponse>> done,
      LlmMetrics metrics,
      DoFn<?, ?>.FinishBundleContext c) {
    for (var p : done) {
      route(
          p.input(),
          p.result(),
          metrics,
          new Emitter() {
            @Override
            public <T> void emit(TupleTag<T> tag, T value) {
              c.output(tag, value, p.timestamp(), p.window());
            }
          });
    }
  }

  void route(RequestGroup input, ApiResponse r, LlmMetrics metrics, Emitter out) {
    if (!r.cacheHit()) {
      metrics.attempts.inc(r.attempts());
    }
    if (!r.isError()) {
      List<LlmRequest> requests = input.requests();
      for (int i = 0; i < requests.size(); i++) {
        ApiResponse answer = r;
        if (i > 0) {
          var conversation = requests.get(i).conversation();
          answer =
              r.toBuilder()
                  .setCacheHit(true)
                  .setAttempts(0)
                  .setConversationId(conversation.id().orElse(null))
                  .setConversationMetadataJson(conversation.metadataJson().orElse(null))
                  .build();
          metrics.duplicates.inc();
        }
        metrics.answered(answer);
        out.emit(responses, answer);
      }
    } else if (!lastStage && r.error().orElseThrow().retryable()) {
      metrics.toRetryStage.inc();
      out.emit(retry, input.avoiding(r.model()));
    } else {
      for (LlmRequest request : input.requests()) {
        metrics.failed();
        out.emit(
            failures, LlmFailure.of(request, r.error().orElseThrow(), r.attempts(), r.model()));
      }
    }
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.response.ApiResponse;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Sends conversations through the JVM's shared client with many requests in flight per thread, and
 * emits each answer as it completes: in {@code @ProcessElement} when it belongs to the current
 * element's window and timestamp, otherwise at the bundle's end, always with its own input's window
 * and timestamp. The thread waits only when its requests in flight reach the limit, and then only
 * for the first to finish. The input is a {@link RequestGroup}: its first request is sent and the
 * answer serves every one of them under its own id (the others are marked as answered without
 * sending); the second (retry) stage avoids the model the first stage failed on.
 */
final class CallFn extends SharedClientFn<RequestGroup, ApiResponse, ApiResponse> {
  private static final long serialVersionUID = 1L;

  private final boolean lastStage;
  private final TupleTag<ApiResponse> responses;
  private final TupleTag<RequestGroup> retry;
  private final TupleTag<LlmFailure> failures;

  /**
   * @param clientFactory builds the JVM's client for this transform from {@code config}
   */
  CallFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      boolean lastStage,
      TupleTag<ApiResponse> responses,
      TupleTag<RequestGroup> retry,
      TupleTag<LlmFailure> failures) {
    super(transformId, config, clientFactory);
    this.lastStage = lastStage;
    this.responses = responses;
    this.retry = retry;
    this.failures = failures;
  }

  /**
   * Starts one request; emits the answers that are ready for this element's window and timestamp.
   */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    RequestGroup input = c.element();
    metrics.requests.inc();
    var answered =
        work.started(input, client.start(input.sent(), input.avoid()), c.timestamp(), window);
    for (var p : answered) {
      route(
          p,
          new Emitter() {
            @Override
            public <T> void emit(TupleTag<T> tag, T value) {
              c.output(tag, value);
            }
          });
    }
    reportClient();
  }

  /** Waits for the bundle's last answers and emits them with their own windows and timestamps. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    for (var p : work.finish()) {
      route(
          p,
          new Emitter() {
            @Override
            public <T> void emit(TupleTag<T> tag, T value) {
              c.output(tag, value, p.timestamp(), p.window());
            }
          });
    }
    reportClient();
  }

  /**
   * Where {@link #route} emits: from {@code @ProcessElement} into the current element's window,
   * from {@code @FinishBundle} with each answer's own window and timestamp.
   */
  private interface Emitter {
    <T> void emit(TupleTag<T> tag, T value);
  }

  private void route(BundleInFlight.Done<RequestGroup, ApiResponse> p, Emitter out) {
    ApiResponse r = p.result();
    if (!r.cacheHit()) {
      metrics.attempts.inc(r.attempts());
    }
    if (!r.isError()) {
      List<LlmRequest> requests = p.input().requests();
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
      out.emit(retry, p.input().avoiding(r.model()));
    } else {
      for (LlmRequest request : p.input().requests()) {
        metrics.failed();
        out.emit(
            failures, LlmFailure.of(request, r.error().orElseThrow(), r.attempts(), r.model()));
      }
    }
  }
}

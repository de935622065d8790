package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.response.ApiResponse;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * Sends conversations through the JVM's shared client with many requests in flight per thread, and
 * emits each answer as it completes: in {@code @ProcessElement} when it belongs to the current
 * element's window and timestamp, otherwise at the bundle's end, always with its own input's window
 * and timestamp. The thread waits only when its requests in flight reach the limit, and then only
 * for the first to finish. The input is a {@link RequestGroup}: its first request is sent and the
 * answer serves every one of them under its own id (the others are marked as answered without
 * sending); the second (retry) stage avoids the model the first stage failed on.
 */
final class CallFn extends SharedClientFn<RequestGroup, RequestGroup, ApiResponse, ApiResponse> {
  private static final long serialVersionUID = 1L;

  private final CallOutputs outputs;

  /**
   * @param clientFactory builds the JVM's client for this transform from {@code config}
   */
  CallFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      CallOutputs outputs) {
    super(transformId, config, clientFactory);
    this.outputs = outputs;
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
      outputs.route(p.input(), p.result(), metrics, c::output);
    }
    reportClient();
  }

  /** Waits for the bundle's last answers and emits them with their own windows and timestamps. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    outputs.routeAtBundleEnd(work.finish(), metrics, c);
    reportClient();
  }
}

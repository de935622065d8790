package dev.beamllm.beam;

import dev.beamllm.client.BatchSettings;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.response.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;

/**
 * The call stage through the providers' batch APIs: each element is a shard of request groups (from
 * {@code GroupIntoBatches}), started at once with {@code startBatch} on the JVM's shared client,
 * which submits them in batches, polls them on its timer and sends online what a batch did not
 * answer (or what no batch API takes). Answers are routed as {@link CallFn} routes them; the bundle
 * waits at its end for its shards' batches, holding no thread before that.
 */
final class BatchCallFn
    extends SharedClientFn<
        KV<Integer, Iterable<RequestGroup>>, RequestGroup, ApiResponse, ApiResponse> {
  private static final long serialVersionUID = 1L;

  private final BatchSettings settings;
  private final CallOutputs outputs;

  BatchCallFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      BatchSettings settings,
      CallOutputs outputs) {
    super(transformId, config, clientFactory);
    this.settings = settings;
    this.outputs = outputs;
  }

  /** No limit: a batch's requests wait at the provider, not on this worker's connections. */
  @Override
  int maxInFlight() {
    return 0;
  }

  /** Starts a shard; emits the answers already there (cache hits) for this element's window. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    List<RequestGroup> groups = new ArrayList<>();
    c.element().getValue().forEach(groups::add);
    List<LlmRequest> sent = new ArrayList<>(groups.size());
    for (RequestGroup g : groups) {
      sent.add(g.sent());
      metrics.requests.inc();
    }
    List<CompletableFuture<ApiResponse>> answers = client.startBatch(sent, settings);
    for (int i = 0; i < groups.size(); i++) {
      for (var p : work.started(groups.get(i), answers.get(i), c.timestamp(), window)) {
        outputs.route(p.input(), p.result(), metrics, c::output);
      }
    }
    reportClient();
  }

  /**
   * Waits for the bundle's batches and emits their answers with their own windows and timestamps.
   */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    outputs.routeAtBundleEnd(work.finish(), metrics, c);
    reportClient();
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.RerankQuery;
import dev.beamllm.client.RerankSettings;
import dev.beamllm.response.Ranking;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Ranks each query's documents through the JVM's shared client, many queries in flight per thread;
 * each ranking is emitted as it completes with its input's window and timestamp, and a query that
 * got none goes to the failures.
 */
final class RerankFn extends SharedClientFn<RerankQuery, RerankQuery, Ranking, Ranking> {
  private static final long serialVersionUID = 1L;

  private final RerankSettings settings;
  private final TupleTag<Ranking> rankings;
  private final TupleTag<Ranking> failures;

  RerankFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      RerankSettings settings,
      TupleTag<Ranking> rankings,
      TupleTag<Ranking> failures) {
    super(transformId, config, clientFactory);
    this.settings = settings;
    this.rankings = rankings;
    this.failures = failures;
  }

  /** Starts the query; emits the rankings ready for this element's window and timestamp. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    var ready =
        work.started(
            c.element(),
            client.rerank(List.of(c.element()), settings).get(0),
            c.timestamp(),
            window);
    for (var done : ready) {
      emit(done.result(), c::output);
    }
    reportClient();
  }

  /** Waits for the bundle's last rankings and emits them with their own windows and timestamps. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    for (var done : work.finish()) {
      emit(done.result(), (tag, value) -> c.output(tag, value, done.timestamp(), done.window()));
    }
    reportClient();
  }

  private void emit(Ranking r, BiConsumer<TupleTag<Ranking>, Ranking> out) {
    if (r.isError()) {
      metrics.failed();
      out.accept(failures, r);
    } else {
      metrics.ranked(r);
      out.accept(rankings, r);
    }
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Starts a non-chat feature's inputs (texts to embed, queries to rank, files to transcribe) on the
 * JVM's shared client: a bundle's inputs are gathered into groups of the call's size and each group
 * started at once (a group of one starts each input as it comes); each result is emitted as it
 * completes with its input's window and timestamp, and an input that got none goes to the failures.
 *
 * @param <I> an input
 * @param <R> its result, or a failure holding its error
 */
final class ServiceCallFn<I, R> extends SharedClientFn<I, I, R, R> {
  private static final long serialVersionUID = 1L;

  /** Starts inputs on the client: one future per input, in order, none completing exceptionally. */
  interface Start<I, R> extends Serializable {
    List<CompletableFuture<R>> start(LlmService client, List<I> inputs);
  }

  /** Counts a success in the transform's metrics. */
  interface Count<R> extends Serializable {
    void succeeded(LlmMetrics metrics, R result);
  }

  /** Whether a result is a failure. */
  interface IsError<R> extends Serializable {
    boolean test(R result);
  }

  /**
   * What one feature does with the client.
   *
   * @param start starts a group of inputs
   * @param groupSize inputs a bundle starts at once; above 1 the client cuts a group into requests
   *     itself, so the inputs in flight say nothing of its requests: they are bounded by {@link
   *     #GROUPS_IN_FLIGHT} groups, for memory
   * @param isError tells a failure
   * @param count counts a success
   */
  record Call<I, R>(Start<I, R> start, int groupSize, IsError<R> isError, Count<R> count)
      implements Serializable {}

  private final Call<I, R> call;
  private final TupleTag<R> results;
  private final TupleTag<R> failures;
  private transient List<Waiting<I>> group;

  /** Results that finished while another window's element was processed, for the bundle's end. */
  private transient List<BundleInFlight.Done<I, R>> late;

  private record Waiting<I>(I input, Instant timestamp, BoundedWindow window) {}

  ServiceCallFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      Call<I, R> call,
      TupleTag<R> results,
      TupleTag<R> failures) {
    super(transformId, config, clientFactory);
    this.call = call;
    this.results = results;
    this.failures = failures;
  }

  /**
   * Groups a bundle has in flight at most. A runner may hand a whole input to one bundle (the Flink
   * runner does, for a bounded file), and every result is held until it is emitted: without a bound
   * a million texts' vectors (6 GB at 1,536 floats) would wait in memory for the bundle's end, with
   * nothing written and no progress shown. Four keep the provider busy while the earliest results
   * go out.
   */
  static final int GROUPS_IN_FLIGHT = 4;

  /**
   * One input a request: the client's requests in flight; grouped inputs: {@link #GROUPS_IN_FLIGHT}
   * groups (the client's limits hold their requests).
   */
  @Override
  int maxInFlight() {
    return call.groupSize() > 1 ? call.groupSize() * GROUPS_IN_FLIGHT : super.maxInFlight();
  }

  /** Gathers the input; a full group is started and what is ready for this window emitted. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    if (group == null) {
      group = new ArrayList<>();
      late = new ArrayList<>();
    }
    group.add(new Waiting<>(c.element(), c.timestamp(), window));
    if (group.size() >= call.groupSize()) {
      for (var done : startGroup()) {
        if (done.window().equals(window) && done.timestamp().equals(c.timestamp())) {
          emit(done.result(), c::output);
        } else {
          late.add(done);
        }
      }
    }
    reportClient();
  }

  /** Counts an input's end and sends it to the results or the failures. */
  private void emit(R r, BiConsumer<TupleTag<R>, R> out) {
    if (call.isError().test(r)) {
      metrics.failed();
      out.accept(failures, r);
    } else {
      call.count().succeeded(metrics, r);
      out.accept(results, r);
    }
  }

  /** Starts the gathered inputs; returns what finished already. */
  private List<BundleInFlight.Done<I, R>> startGroup() throws InterruptedException {
    List<Waiting<I>> started = group;
    group = new ArrayList<>();
    List<CompletableFuture<R>> futures =
        call.start().start(client, started.stream().map(Waiting::input).toList());
    List<BundleInFlight.Done<I, R>> ready = new ArrayList<>();
    for (int i = 0; i < started.size(); i++) {
      Waiting<I> w = started.get(i);
      ready.addAll(work.started(w.input(), futures.get(i), w.timestamp(), w.window()));
    }
    return ready;
  }

  /** Starts the last inputs, waits for the bundle's results and emits them. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    List<BundleInFlight.Done<I, R>> all = new ArrayList<>();
    if (group != null) {
      if (!group.isEmpty()) {
        all.addAll(startGroup());
      }
      all.addAll(late);
      // Gathered anew by the next bundle.
      group = null;
      late = null;
    }
    all.addAll(work.finish());
    for (var done : all) {
      emit(done.result(), (tag, value) -> c.output(tag, value, done.timestamp(), done.window()));
    }
    reportClient();
  }
}

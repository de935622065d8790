package dev.beamllm.beam;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.EmbedSettings;
import dev.beamllm.client.TextInput;
import dev.beamllm.response.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Embeds texts through the JVM's shared client: a bundle's texts are gathered into groups of {@code
 * groupSize} and each group started at once (the client cuts it into requests by the provider's
 * limits), so a request carries many texts; each vector is emitted as it completes with its input's
 * window and timestamp, and a text that got none goes to the failures.
 */
final class EmbedFn extends SharedClientFn<TextInput, TextInput, Embedding, Embedding> {
  private static final long serialVersionUID = 1L;

  private final EmbedSettings settings;
  private final int groupSize;
  private final TupleTag<Embedding> embeddings;
  private final TupleTag<Embedding> failures;
  private transient List<Waiting> group;

  /** Vectors that finished while another window's element was processed, for the bundle's end. */
  private transient List<BundleInFlight.Done<TextInput, Embedding>> late;

  private record Waiting(TextInput text, Instant timestamp, BoundedWindow window) {}

  EmbedFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      EmbedSettings settings,
      int groupSize,
      TupleTag<Embedding> embeddings,
      TupleTag<Embedding> failures) {
    super(transformId, config, clientFactory);
    this.settings = settings;
    this.groupSize = groupSize;
    this.embeddings = embeddings;
    this.failures = failures;
  }

  /** No limit of its own: the client's limits hold its requests. */
  @Override
  int maxInFlight() {
    return 0;
  }

  /** Gathers the text; a full group is started and what is ready for this window emitted. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    if (group == null) {
      group = new ArrayList<>();
      late = new ArrayList<>();
    }
    group.add(new Waiting(c.element(), c.timestamp(), window));
    if (group.size() >= groupSize) {
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

  /** Counts a text's end and sends it to the embeddings or the failures. */
  private void emit(
      Embedding e, java.util.function.BiConsumer<TupleTag<Embedding>, Embedding> out) {
    if (e.isError()) {
      metrics.failed();
      out.accept(failures, e);
    } else {
      metrics.embedded(e);
      out.accept(embeddings, e);
    }
  }

  /** Starts the gathered texts; returns what finished already. */
  private List<BundleInFlight.Done<TextInput, Embedding>> startGroup() throws InterruptedException {
    List<Waiting> started = group;
    group = new ArrayList<>();
    List<CompletableFuture<Embedding>> futures =
        client.embed(started.stream().map(Waiting::text).toList(), settings);
    List<BundleInFlight.Done<TextInput, Embedding>> ready = new ArrayList<>();
    for (int i = 0; i < started.size(); i++) {
      Waiting w = started.get(i);
      ready.addAll(work.started(w.text(), futures.get(i), w.timestamp(), w.window()));
    }
    return ready;
  }

  /** Starts the last texts, waits for the bundle's vectors and emits them. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    List<BundleInFlight.Done<TextInput, Embedding>> all = new ArrayList<>();
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

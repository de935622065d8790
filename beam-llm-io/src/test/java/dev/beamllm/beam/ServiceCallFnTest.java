package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.EmbedSettings;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.client.TextInput;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.junit.Rule;
import org.junit.Test;

/**
 * The non-chat call stage ({@link ServiceCallFn}) through the client seam: no HTTP. A whole input
 * in one bundle (as the Flink runner gives a bounded file) keeps a bounded number of texts in
 * flight, so their results go out as they come instead of all waiting in memory for the bundle's
 * end.
 */
public class ServiceCallFnTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final int GROUP = 2_048;
  private static final int TEXTS = 12 * GROUP;
  private static final AtomicInteger OUTSTANDING = new AtomicInteger();
  private static final AtomicInteger MOST = new AtomicInteger();

  /** Embeds a group 2 s after it is started, on another thread, counting the texts out. */
  static final class SlowEmbedder implements LlmService {
    @Override
    public List<CompletableFuture<Embedding>> embed(List<TextInput> texts, EmbedSettings settings) {
      MOST.accumulateAndGet(OUTSTANDING.addAndGet(texts.size()), Math::max);
      CompletableFuture<Void> later =
          CompletableFuture.runAsync(
              () -> OUTSTANDING.addAndGet(-texts.size()),
              CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
      List<CompletableFuture<Embedding>> out = new ArrayList<>();
      for (TextInput t : texts) {
        out.add(
            later.thenApply(
                v -> Embedding.of(t.id(), settings.model(), new float[] {1f, 2f}, 3, 0.0)));
      }
      return out;
    }

    @Override
    public CompletableFuture<ApiResponse> start(LlmRequest request, Set<String> avoid) {
      throw new UnsupportedOperationException("embeddings only");
    }

    @Override
    public StatusTracker.Status status() {
      return new StatusTracker.Status(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public long throttledMillis() {
      return 0;
    }

    @Override
    public void close() {}
  }

  static final class SlowFactory implements SerializableFunction<ClientConfig, LlmService> {
    private static final long serialVersionUID = 1L;

    @Override
    public LlmService apply(ClientConfig config) {
      return new SlowEmbedder();
    }
  }

  /** Every text from one element: one bundle downstream. */
  static final class AllTexts extends DoFn<byte[], TextInput> {
    @ProcessElement
    public void process(OutputReceiver<TextInput> out) {
      for (int i = 0; i < TEXTS; i++) {
        out.output(new TextInput("t" + i, "text " + i));
      }
    }
  }

  @Test(timeout = 120_000)
  public void aBundleKeepsAtMostFourGroupsOfTextsInFlight() {
    OUTSTANDING.set(0);
    MOST.set(0);
    EmbedResult result =
        pipeline
            .apply(Impulse.create())
            .apply(ParDo.of(new AllTexts()))
            .setCoder(TextInputCoder.of())
            .apply(LlmIO.embed("text-embedding-3-small").withClientFactory(new SlowFactory()));
    PAssert.thatSingleton(result.embeddings().apply(Count.globally())).isEqualTo((long) TEXTS);
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
    assertTrue("texts started: " + MOST.get(), MOST.get() > 0);
    assertTrue(
        "at most four groups in flight, saw " + MOST.get() + " texts",
        MOST.get() <= ServiceCallFn.GROUPS_IN_FLIGHT * GROUP);
    assertEquals(0, OUTSTANDING.get());
  }
}

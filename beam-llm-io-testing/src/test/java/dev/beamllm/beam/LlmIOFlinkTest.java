package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Test;

/** LlmIO end to end on the in-process Flink runner (parallelism 2), including a replayed bundle. */
public class LlmIOFlinkTest {

  @Test
  public void everyConversationIsAnsweredOnceOnFlink() {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.logNormal(Duration.ofMillis(10), 0.5))
            .recordRequests(false)
            .start()) {
      Pipeline p = Pipeline.create(FlinkRunnerSmokeTest.flinkOptions());
      List<Conversation> input = LlmIOTest.conversations(300);
      LlmResult result =
          p.apply(Create.of(input))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(LlmIOTest.registry(fake)));
      PCollection<String> pairs =
          result
              .responses()
              .apply(
                  MapElements.into(TypeDescriptors.strings())
                      .via(
                          (ApiResponse r) ->
                              r.conversationId().orElseThrow() + "=" + r.completion()));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        expected.add("id-" + i + "=Echo: prompt " + i);
      }
      PAssert.that(pairs).containsInAnyOrder(expected);
      PAssert.that(result.failures()).empty();
      p.run().waitUntilFinish();
      assertEquals(300, fake.stats().accepted());
    }
  }

  @Test
  public void identicalConversationsAreSentOnceOnFlink() {
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      Pipeline p = Pipeline.create(FlinkRunnerSmokeTest.flinkOptions());
      List<Conversation> input = new ArrayList<>(LlmIOTest.conversations(50));
      for (int i = 0; i < 50; i++) {
        input.add(Conversation.user("the same").withId("same-" + i));
      }
      LlmResult result =
          p.apply(Create.of(input))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(LlmIOTest.registry(fake)));
      PCollection<String> ids =
          result
              .responses()
              .apply(
                  MapElements.into(TypeDescriptors.strings())
                      .via((ApiResponse r) -> r.conversationId().orElseThrow()));
      List<String> expected = new ArrayList<>();
      input.forEach(c -> expected.add(c.id().orElseThrow()));
      PAssert.that(ids).containsInAnyOrder(expected);
      PAssert.that(result.failures()).empty();
      p.run().waitUntilFinish();
      assertEquals("50 distinct prompts and one shared by 50 rows", 51, fake.stats().received());
    }
  }

  static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();
  static final AtomicInteger SEEN = new AtomicInteger();
  static final AtomicInteger CACHE_HITS = new AtomicInteger();

  /** Fails once, half-way through, so the runner replays the work; counts what comes through. */
  static final class FailOnce extends DoFn<ApiResponse, String> {
    @ProcessElement
    public void process(@Element ApiResponse r, OutputReceiver<String> out) {
      if (SEEN.incrementAndGet() == 100 && FAILED_ONCE.compareAndSet(false, true)) {
        throw new IllegalStateException("a downstream step fails once");
      }
      if (r.cacheHit()) {
        CACHE_HITS.incrementAndGet();
      }
      out.output(r.conversationId().orElseThrow());
    }
  }

  @Test
  public void aReplayedBundleDoesNotPayTwice() throws Exception {
    FAILED_ONCE.set(false);
    SEEN.set(0);
    CACHE_HITS.set(0);
    Path db = Files.createTempDirectory("flink-replay").resolve("cache.db");
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      FlinkPipelineOptions options = FlinkRunnerSmokeTest.flinkOptions();
      // Batch jobs get Flink's restart strategy from its configuration, not from Beam's option.
      Path conf = Files.createTempDirectory("flink-conf");
      String restart =
          "restart-strategy.type: fixed-delay\nrestart-strategy.fixed-delay.attempts: 2\n"
              + "restart-strategy.fixed-delay.delay: 10 ms\n"
              // Restart the whole job, as a runner does when the failed step shares a stage with
              // the call.
              + "jobmanager.execution.failover-strategy: full\n";
      Files.writeString(conf.resolve("flink-conf.yaml"), restart);
      Files.writeString(conf.resolve("config.yaml"), restart);
      options.setFlinkConfDir(conf.toString());
      options.setNumberOfExecutionRetries(2);
      options.setExecutionRetryDelay(10L);
      Pipeline p = Pipeline.create(options);
      p.apply(Create.of(LlmIOTest.conversations(300)))
          .apply(
              LlmIO.complete()
                  .withModels("gpt-4.1-mini")
                  .withRegistry(LlmIOTest.registry(fake))
                  .withCache(ResponseCache.sqlite(db)))
          .responses()
          .apply(ParDo.of(new FailOnce()));
      p.run().waitUntilFinish();
      assertTrue("the downstream step failed once", FAILED_ONCE.get());
      assertTrue(
          "the runner replayed answers from the cache: " + CACHE_HITS.get(), CACHE_HITS.get() > 0);
      assertEquals("the provider received each request once", 300, fake.stats().received());
    }
  }
}

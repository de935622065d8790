package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.Limits;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** LlmIO on the DirectRunner against the fake provider. */
public class LlmIOTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** The default registry pointed at the fake, with no key needed for the models used here. */
  static ModelRegistry registry(FakeProviderServer fake) {
    ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
    List<ModelSpec> open = new ArrayList<>();
    for (String id :
        List.of("gpt-4.1-mini", "gpt-4.1-nano", "text-embedding-3-small", "rerank-v3.5")) {
      open.add(r.lookup(id).toBuilder().setApiKeyEnv(null).build());
    }
    return r.withModels(open);
  }

  static List<Conversation> conversations(int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.user("prompt " + i).withId("id-" + i));
    }
    return out;
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults m =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(LlmMetrics.NAMESPACE, name))
                    .build());
    long sum = 0;
    for (var c : m.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @Test
  public void aThousandConversationsGetAThousandAnswersMatchedToTheirIds() {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.logNormal(Duration.ofMillis(20), 0.5))
            .recordRequests(false)
            .start()) {
      LlmResult result =
          pipeline
              .apply(Create.of(conversations(1000)))
              .apply(LlmIO.complete().withModels("gpt-4.1-mini").withRegistry(registry(fake)));
      PAssert.that(result.responses())
          .satisfies(
              responses -> {
                Set<String> ids = new HashSet<>();
                int n = 0;
                for (ApiResponse r : responses) {
                  n++;
                  String id = r.conversationId().orElseThrow();
                  assertTrue("no duplicate " + id, ids.add(id));
                  assertEquals("Echo: prompt " + id.substring(3), r.completion());
                }
                assertEquals(1000, n);
                return null;
              });
      PAssert.that(result.failures()).empty();
      PipelineResult run = pipeline.run();
      run.waitUntilFinish();
      assertEquals(1000, fake.stats().accepted());
      assertEquals(1000, counter(run, "successes"));
      assertTrue(counter(run, "input_tokens") > 0);
      assertTrue(counter(run, "cost_micro_usd") > 0);
    }
  }

  @Test
  public void aSecondRunIsAnsweredFromTheCacheWithoutSendingOrUsingCapacity() throws Exception {
    Path db = Files.createTempDirectory("llmio-cache").resolve("cache.db");
    try (FakeProviderServer fake =
        FakeProviderServer.builder().requestsPerMinute(100).recordRequests(false).start()) {
      LlmIO.Complete io =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(registry(fake))
              .withCache(ResponseCache.sqlite(db));
      Pipeline first = Pipeline.create(PipelineOptionsFactory.create());
      first.apply(Create.of(conversations(50))).apply(io);
      first.run().waitUntilFinish();
      assertEquals(50, fake.stats().accepted());
      fake.reset();
      // The provider's bucket now allows 100 a minute; 50 cache hits must not need any of it.
      LlmResult result = pipeline.apply(Create.of(conversations(50))).apply(io);
      PAssert.that(result.responses())
          .satisfies(
              rs -> {
                int n = 0;
                for (ApiResponse r : rs) {
                  n++;
                  assertTrue(r.cacheHit());
                  assertEquals(
                      "Echo: prompt " + r.conversationId().orElseThrow().substring(3),
                      r.completion());
                }
                assertEquals(50, n);
                return null;
              });
      PipelineResult run = pipeline.run();
      run.waitUntilFinish();
      assertEquals("the provider received nothing", 0, fake.stats().received());
      assertEquals(50, counter(run, "cache_hits"));
    }
  }

  @Test
  public void whatFailsOnOneModelIsRetriedOnTheOtherThroughTheRetryStage() {
    FaultPlan plan =
        FaultPlan.none()
            .withProbability(Fault.UNAVAILABLE, 0.0)
            .withScript("gpt-4.1-mini", repeat(Fault.UNAVAILABLE, 40));
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start()) {
      LlmResult result =
          pipeline
              .apply(Create.of(conversations(40)))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini", "gpt-4.1-nano")
                      .withModelWeights(1, 0)
                      .withMaxAttempts(1)
                      .withRegistry(registry(fake)));
      PAssert.that(result.responses())
          .satisfies(
              responses -> {
                int n = 0;
                for (ApiResponse r : responses) {
                  n++;
                  assertEquals("gpt-4.1-nano", r.model());
                }
                assertEquals(40, n);
                return null;
              });
      PAssert.that(result.failures()).empty();
      PipelineResult run = pipeline.run();
      run.waitUntilFinish();
      assertEquals(40, counter(run, "retry_stage"));
      long toMini =
          fake.requests().stream()
              .filter(r -> Json.parse(r.body()).get("model").asText().equals("gpt-4.1-mini"))
              .count();
      assertEquals("each conversation tried model A once, then B", 40, toMini);
    }
  }

  private static Fault[] repeat(Fault f, int n) {
    Fault[] out = new Fault[n];
    Arrays.fill(out, f);
    return out;
  }

  @Test
  public void badInputAndContextLengthBecomeFailureRecordsNoneLostNoneDuplicated() {
    try (FakeProviderServer fake = FakeProviderServer.builder().contextWindow(3_000).start()) {
      List<Conversation> input = new ArrayList<>(conversations(10));
      input.add(Conversation.of(List.of()).withId("empty"));
      input.add(
          Conversation.of(Message.user("x"), Message.toolResult("nope", "y"))
              .withId("orphan-tool-result"));
      input.add(Conversation.user("word ".repeat(4_000)).withId("too-long"));
      LlmResult result =
          pipeline
              .apply(Create.of(input))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(registry(fake))
                      .withMaxAttempts(3));
      PAssert.that(result.responses())
          .satisfies(
              rs -> {
                int n = 0;
                for (ApiResponse r : rs) {
                  n++;
                }
                assertEquals(10, n);
                return null;
              });
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                Set<String> ids = new HashSet<>();
                for (LlmFailure f : fs) {
                  assertTrue(ids.add(f.input().id().orElseThrow()));
                  switch (f.input().id().orElseThrow()) {
                    case "empty", "orphan-tool-result" ->
                        assertEquals(ErrorKind.INVALID_INPUT, f.error().kind());
                    case "too-long" -> {
                      assertEquals(ErrorKind.CONTEXT_LENGTH, f.error().kind());
                      assertEquals("not retried", 1, f.attempts());
                      assertEquals(400, f.error().status());
                    }
                    default -> throw new AssertionError("unexpected failure " + f);
                  }
                }
                assertEquals(Set.of("empty", "orphan-tool-result", "too-long"), ids);
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
  }

  /** Counts dead letters, as a user's dead-letter sink would store them. */
  static final class CountBadRecords extends PTransform<PCollection<BadRecord>, PCollection<Long>> {
    @Override
    public PCollection<Long> expand(PCollection<BadRecord> input) {
      return input.apply(Count.globally());
    }
  }

  @Test
  public void failuresAlsoReachBeamsDeadLetterHandlerAndBatchingKeepsEveryRow() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      var handler = pipeline.registerBadRecordErrorHandler(new CountBadRecords());
      List<Conversation> input = new ArrayList<>(conversations(25));
      input.add(Conversation.of(List.of()).withId("empty"));
      LlmResult result =
          pipeline
              .apply(Create.of(input))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(registry(fake))
                      .withBatching(10, Duration.ofSeconds(1))
                      .withErrorHandler(handler));
      handler.close();
      PAssert.that(result.responses().apply(Count.globally())).containsInAnyOrder(25L);
      PAssert.that(handler.getOutput()).containsInAnyOrder(1L);
      pipeline.run().waitUntilFinish();
    }
  }

  @Test
  public void aBadKeyFailsEveryRowWithAnAuthError() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-right").start()) {
      ModelRegistry keyed = fake.pointRegistry(ModelRegistry.defaults());
      LlmResult result =
          pipeline
              .apply(Create.of(conversations(5)))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(keyed)
                      .withApiKeys(ApiKeys.fromEnvironment()));
      PAssert.that(result.responses()).empty();
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                int n = 0;
                for (LlmFailure f : fs) {
                  n++;
                  assertEquals(ErrorKind.AUTH, f.error().kind());
                }
                assertEquals(5, n);
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
  }

  @Test
  public void windowedInputKeepsItsWindows() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      TestStream<Conversation> stream =
          TestStream.create(ConversationCoder.of())
              .addElements(
                  TimestampedValue.of(Conversation.user("a").withId("a"), new Instant(1_000)),
                  TimestampedValue.of(Conversation.user("b").withId("b"), new Instant(2_000)))
              .advanceWatermarkTo(new Instant(65_000))
              .addElements(
                  TimestampedValue.of(Conversation.user("c").withId("c"), new Instant(70_000)))
              .advanceWatermarkToInfinity();
      PCollection<Conversation> windowed =
          pipeline
              .apply(stream)
              .apply(Window.into(FixedWindows.of(org.joda.time.Duration.standardMinutes(1))));
      LlmResult result =
          windowed.apply(LlmIO.complete().withModels("gpt-4.1-mini").withRegistry(registry(fake)));
      PCollection<String> ids =
          result
              .responses()
              .apply(
                  MapElements.into(TypeDescriptors.strings())
                      .via((ApiResponse r) -> r.conversationId().orElseThrow()));
      PAssert.that(ids)
          .inWindow(new IntervalWindow(new Instant(0), new Instant(60_000)))
          .containsInAnyOrder("a", "b");
      PAssert.that(ids)
          .inWindow(new IntervalWindow(new Instant(60_000), new Instant(120_000)))
          .containsInAnyOrder("c");
      pipeline.run().waitUntilFinish();
    }
  }

  @Test
  public void oneClientPerJvmSoLimitsDoNotMultiplyByThreads() {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .maxConcurrent(4)
            .latency(FakeLatency.fixed(Duration.ofMillis(30)))
            .recordRequests(false)
            .start()) {
      Pipeline p =
          Pipeline.create(PipelineOptionsFactory.fromArgs("--targetParallelism=8").create());
      LlmIO.Complete io =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(registry(fake))
              .withLimits(Limits.unlimited().maxConcurrent(4));
      LlmResult result = p.apply(Create.of(conversations(300))).apply(io);
      PAssert.that(result.failures()).empty();
      p.run().waitUntilFinish();
      assertEquals(0, fake.stats().rateLimited());
      assertTrue(
          "at most 4 in flight: " + fake.stats().maxConcurrency(),
          fake.stats().maxConcurrency() <= 4);
      assertEquals(300, fake.stats().accepted());
      assertEquals(
          "the last teardown closed the shared client", 0, SharedClients.users(io.transformId()));
    }
  }

  @Test
  public void displayDataShowsSettingsAndValidationFailsEarly() {
    LlmIO.Complete io =
        LlmIO.complete()
            .withModels("gpt-4.1-mini")
            .withLimits(Limits.perMinute(600, 0))
            .withNumWorkers(3);
    var data = DisplayData.from(io);
    assertTrue(data.toString().contains("gpt-4.1-mini"));
    assertTrue(data.toString().contains("numWorkers"));
    assertEquals(
        200,
        io.workerConfig(org.apache.beam.sdk.options.PipelineOptionsFactory.create())
            .limits()
            .requestsPerMinute());
    try {
      LlmIO.complete().validate(PipelineOptionsFactory.create());
      throw new AssertionError("expected a validation error");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("needs models"));
    }
    try {
      LlmIO.complete()
          .withModels("gpt-4.1-mini")
          .withApiKeys(ApiKeys.sameForAll("sk-x"))
          .validate(PipelineOptionsFactory.create());
      throw new AssertionError("expected a validation error");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("never serialized"));
    }
    try {
      LlmIO.complete().withModels("gpt-9").validate(PipelineOptionsFactory.create());
      throw new AssertionError("expected a validation error");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("unknown model 'gpt-9'"));
    }
  }
}

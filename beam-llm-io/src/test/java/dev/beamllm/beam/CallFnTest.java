package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * The call stage ({@link CallFn}, both stages) on the DirectRunner through the client seam of
 * {@link LlmIO.Complete#withClientFactory}: no HTTP, no fake provider.
 */
public class CallFnTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** Every request started, as "prompt|avoided models", across the DoFn instances of a run. */
  private static final Queue<String> STARTS = new ConcurrentLinkedQueue<>();

  private static final AtomicInteger CLOSED = new AtomicInteger();

  /**
   * Answers by the prompt: "ok N" from model-a, a little later on another thread; "flaky N" with a
   * retryable 429 from model-a, or from model-b once model-a is avoided; "bad N" with an error no
   * retry can help; "down N" with a retryable 500 every time.
   */
  static final class ScriptedService implements LlmService {
    @Override
    public CompletableFuture<ApiResponse> start(LlmRequest request, Set<String> avoid) {
      String prompt = request.conversation().messages().get(0).text();
      STARTS.add(prompt + "|" + String.join(",", avoid));
      ApiResponse.Builder r =
          ApiResponse.builder()
              .setModel("model-a")
              .setProvider("scripted")
              .setConversationId(request.conversation().id().orElse(null));
      if (prompt.startsWith("ok")) {
        ApiResponse answer =
            r.setMessage(Message.assistant("answer to " + prompt)).setAttempts(1).build();
        return CompletableFuture.supplyAsync(
            () -> answer, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
      }
      if (prompt.startsWith("flaky") && avoid.contains("model-a")) {
        r.setModel("model-b").setMessage(Message.assistant("answer to " + prompt)).setAttempts(1);
      } else if (prompt.startsWith("flaky")) {
        r.setError(new ApiError(ErrorKind.RATE_LIMIT, "slow down", 429, 0)).setAttempts(3);
      } else if (prompt.startsWith("bad")) {
        r.setError(ApiError.of(ErrorKind.BAD_REQUEST, "no such parameter")).setAttempts(1);
      } else {
        r.setError(ApiError.of(ErrorKind.SERVER, "down")).setAttempts(3);
      }
      return CompletableFuture.completedFuture(r.build());
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
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  /** Builds the scripted service where the DoFn runs. */
  static final class ScriptedFactory implements SerializableFunction<ClientConfig, LlmService> {
    private static final long serialVersionUID = 1L;

    @Override
    public LlmService apply(ClientConfig config) {
      return new ScriptedService();
    }
  }

  @Before
  public void clear() {
    STARTS.clear();
    CLOSED.set(0);
  }

  private static List<Conversation> prompts(String kind, int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.user(kind + " " + i).withId(kind + "-" + i));
    }
    return out;
  }

  private static List<String> ids(String kind, int n, String suffix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(kind + "-" + i + suffix);
    }
    return out;
  }

  @Test
  public void answersRetriesOnAnotherModelAndRecordsFailuresWithoutHttp() {
    List<Conversation> input = new ArrayList<>(prompts("ok", 20));
    input.addAll(prompts("flaky", 5));
    input.addAll(prompts("bad", 3));
    input.addAll(prompts("down", 2));
    LlmIO.Complete io =
        LlmIO.complete()
            .withModels("gpt-4.1-mini")
            // Two in flight per JVM, so the DoFn also waits for answers in @ProcessElement.
            .withLimits(Limits.unlimited().maxConcurrent(2))
            .withClientFactory(new ScriptedFactory());
    LlmResult result = pipeline.apply(Create.of(input)).apply(io);

    List<String> answered = new ArrayList<>(ids("ok", 20, "@model-a"));
    answered.addAll(ids("flaky", 5, "@model-b"));
    PAssert.that(
            result
                .responses()
                .apply(
                    "Answered",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (ApiResponse r) -> r.conversationId().orElseThrow() + "@" + r.model())))
        .containsInAnyOrder(answered);
    List<String> failed = new ArrayList<>(ids("bad", 3, " BAD_REQUEST 1 model-a"));
    failed.addAll(ids("down", 2, " SERVER 3 model-a"));
    PAssert.that(
            result
                .failures()
                .apply(
                    "Failed",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (LlmFailure f) ->
                                f.input().id().orElseThrow()
                                    + " "
                                    + f.error().kind()
                                    + " "
                                    + f.attempts()
                                    + " "
                                    + f.model())))
        .containsInAnyOrder(failed);
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    // The retryable ones went round again once, avoiding the model they failed on; the rest once.
    List<String> expectedStarts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expectedStarts.add("ok " + i + "|");
    }
    for (int i = 0; i < 5; i++) {
      expectedStarts.add("flaky " + i + "|");
      expectedStarts.add("flaky " + i + "|model-a");
    }
    for (int i = 0; i < 3; i++) {
      expectedStarts.add("bad " + i + "|");
    }
    for (int i = 0; i < 2; i++) {
      expectedStarts.add("down " + i + "|");
      expectedStarts.add("down " + i + "|model-a");
    }
    List<String> starts = new ArrayList<>(STARTS);
    starts.sort(null);
    expectedStarts.sort(null);
    assertEquals(expectedStarts, starts);
    assertEquals(7, counter(run, "retry_stage"));
    assertEquals(25, counter(run, "successes"));
    assertEquals(5, counter(run, "failures"));
    assertEquals("the last teardown closed the service", 1, CLOSED.get());
    assertEquals(0, SharedClients.users(io.transformId()));
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (var c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(LlmMetrics.NAMESPACE, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}

package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/**
 * Scheduler and retry invariants, asserted on what the fake provider saw, never on elapsed time.
 */
public class ClientSchedulingTest {

  private static List<String> prompts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("prompt " + i);
    }
    return out;
  }

  @Test
  public void everyTenSecondWindowStaysWithinTheRatePlusTheBurstAndNothingIsRefused() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .requestsPerMinute(600)
                .latency(FakeLatency.logNormal(Duration.ofMillis(50), 0.5))
                .recordRequests(false)
                .start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .limits(Limits.perMinute(600, 0))
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(700));
      assertEquals(700, out.size());
      assertTrue(out.stream().noneMatch(ApiResponse::isError));
      FakeServerStats stats = fake.stats();
      assertEquals("zero 429s", 0, stats.rateLimited());
      assertEquals(700, stats.accepted());
      long[] perSecond = stats.acceptedPerSecond();
      long burst = 600;
      for (int start = 0; start < perSecond.length; start++) {
        long window = 0;
        for (int s = start; s < Math.min(perSecond.length, start + 10); s++) {
          window += perSecond[s];
        }
        assertTrue("window at " + start + "s admitted " + window, window <= 600 * 10 / 60 + burst);
      }
    }
  }

  @Test
  public void everyPromptGetsExactlyOneResponseUnderFaultsAndAttemptsNeverExceedTheMaximum() {
    FaultPlan plan =
        FaultPlan.none()
            .withProbability(Fault.SERVER_ERROR, 0.2)
            .withProbability(Fault.OVERLOADED, 0.1)
            .withProbability(Fault.MALFORMED_JSON, 0.05);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).seed(3).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(3).build()) {
      List<Conversation> convs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        convs.add(Conversation.user("p" + i).withId("id-" + i));
      }
      List<CompletableFuture<ApiResponse>> futures = convs.stream().map(client::start).toList();
      Set<String> ids = new HashSet<>();
      int count = 0;
      for (ApiResponse r : LlmClient.asCompleted(futures)) {
        count++;
        assertTrue("one answer per prompt", ids.add(r.conversationId().orElseThrow()));
        assertTrue(r.attempts() >= 1 && r.attempts() <= 3);
      }
      assertEquals(300, count);
      long attempts = LlmClient.waitForAll(futures).stream().mapToLong(ApiResponse::attempts).sum();
      assertEquals("every attempt reached the server once", attempts, fake.stats().received());
      long failed = LlmClient.waitForAll(futures).stream().filter(ApiResponse::isError).count();
      assertTrue("with 35% faults and 3 attempts few fail: " + failed, failed < 30);
    }
  }

  @Test
  public void a401OnOneOfTwoModelsMovesAllTrafficToTheOther() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gpt-4.1-nano",
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED,
                Fault.UNAUTHORIZED);
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(plan)
                .latency(FakeLatency.fixed(Duration.ofMillis(5)))
                .start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .limits(Limits.unlimited().maxConcurrent(4))
                .seed(1)
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(100));
      assertEquals(
          List.of(),
          out.stream()
              .filter(ApiResponse::isError)
              .map(r -> r.model() + " " + r.error().orElseThrow())
              .toList());
      assertTrue(out.stream().allMatch(r -> r.model().equals("gpt-4.1-mini")));
      long nanoRequests =
          fake.requests().stream()
              .filter(r -> Json.parse(r.body()).get("model").asText().equals("gpt-4.1-nano"))
              .count();
      assertTrue(
          "only the requests in flight when the 401s came went to nano: " + nanoRequests,
          nanoRequests <= 8);
      assertTrue(client.config().models().contains("gpt-4.1-nano"));
    }
  }

  @Test
  public void sprayingFollowsTheWeightsAndIsReproducibleWithASeed() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient a =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .modelWeights(3, 1)
                .seed(42)
                .build();
        LlmClient b =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .modelWeights(3, 1)
                .seed(42)
                .build()) {
      List<String> modelsA =
          a.processPrompts(prompts(400)).stream().map(ApiResponse::model).toList();
      Map<String, Integer> counts = new HashMap<>();
      modelsA.forEach(m -> counts.merge(m, 1, Integer::sum));
      double share = counts.get("gpt-4.1-mini") / 400.0;
      assertTrue("share of the 0.75 model: " + share, share > 0.68 && share < 0.82);
      // Same seed, same sequence of choices (requests are started in order).
      List<String> modelsB =
          b.processPrompts(prompts(400)).stream().map(ApiResponse::model).toList();
      assertEquals(modelsA, modelsB);
    }
  }

  @Test
  public void aRetryGoesToAnotherModelWhenThereIsOne() {
    FaultPlan plan = FaultPlan.none().withScript("gpt-4.1-mini", Fault.UNAVAILABLE);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .modelWeights(1, 0)
                .build()) {
      ApiResponse r = client.start("hi").join();
      assertFalse(r.isError());
      assertEquals(2, r.attempts());
      assertEquals("gpt-4.1-nano", r.model());
      List<RecordedRequest> log = fake.requests();
      assertEquals("gpt-4.1-mini", Json.parse(log.get(0).body()).get("model").asText());
      assertEquals("gpt-4.1-nano", Json.parse(log.get(1).body()).get("model").asText());
    }
  }

  @Test
  public void aModelHeldBackByItsProviderDoesNotHoldBackTheOthers() {
    // Two providers in one fake would share one bucket, so use two fakes: nano's allows 2 a minute.
    try (FakeProviderServer slow = FakeProviderServer.builder().requestsPerMinute(2).start();
        FakeProviderServer fast = FakeProviderServer.builder().start()) {
      ModelRegistry registry = fast.pointRegistry(ModelRegistry.defaults());
      ModelSpec nano = slow.pointRegistry(ModelRegistry.defaults()).lookup("gpt-4.1-nano");
      try (LlmClient client =
          LlmClient.builder()
              .models("gpt-4.1-nano", "gpt-4.1-mini")
              .modelWeights(1, 1)
              .seed(5)
              .registry(registry.withModel(nano))
              .apiKeys(ApiKeys.sameForAll("k"))
              .progress(StatusTracker.Display.NONE)
              .build()) {
        // Teach the client nano's limit: its first answer carries "limit 2, remaining 1".
        assertEquals(
            "gpt-4.1-nano",
            client.start(Conversation.user("warm up"), Set.of("gpt-4.1-mini")).join().model());
        List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          futures.add(client.start(Conversation.user("p" + i)));
        }
        long miniDone = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
          miniDone =
              futures.stream()
                  .filter(CompletableFuture::isDone)
                  .map(CompletableFuture::join)
                  .filter(r -> r.model().equals("gpt-4.1-mini"))
                  .count();
          if (miniDone > 0
              && miniDone == fast.stats().accepted()
              && futures.stream().filter(CompletableFuture::isDone).count() >= miniDone + 1) {
            break;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        assertTrue("mini's requests went ahead while nano waited: " + miniDone, miniDone >= 10);
        assertEquals("nano never got a 429", 0, slow.stats().rateLimited());
      }
    }
  }

  @Test
  public void aRequestLargerThanTheTokenBudgetFailsAtOnce() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .limits(Limits.perMinute(0, 1_000))
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(2_000))
                .build()) {
      ApiResponse r = client.start("hi").join();
      assertEquals(ErrorKind.TOO_LARGE, r.error().orElseThrow().kind());
      assertTrue(r.error().orElseThrow().message().contains("1000 tokens per minute"));
      assertEquals(0, fake.stats().received());
    }
  }

  @Test
  public void limitsSetTooHighAreLearnedFromTheProvidersHeaders() {
    // The client believes 6,000/min; the provider allows 300/min. The probe window and the
    // headers keep 429s to a handful, and nothing fails.
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .requestsPerMinute(300)
                .recordRequests(false)
                .latency(FakeLatency.fixed(Duration.ofMillis(30)))
                .start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .limits(Limits.perMinute(6_000, 0))
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(320));
      assertTrue(out.stream().noneMatch(ApiResponse::isError));
      assertTrue("429s: " + fake.stats().rateLimited(), fake.stats().rateLimited() <= 6);
    }
  }
}

package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * A model that rejects the key or cannot be reached is given up from its first answers, not after
 * every row's retries.
 */
public class ModelHealthTest {

  private static List<String> prompts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("prompt " + i);
    }
    return out;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test(timeout = 60_000)
  public void anUnreachableModelIsGivenUpAndItsRowsFailAtOnce() throws Exception {
    String base = "http://127.0.0.1:" + closedPort();
    long start = System.nanoTime();
    try (LlmClient client =
        LlmClient.builder()
            .models("gpt-4.1-mini")
            .registry(FakeProviderServer.pointRegistry(ModelRegistry.defaults(), base))
            .apiKeys(ApiKeys.sameForAll("sk-test"))
            .maxAttempts(5)
            .limits(Limits.unlimited().maxConcurrent(50))
            .progress(StatusTracker.Display.NONE)
            .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(2_000));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue("ended in seconds, not minutes: " + seconds, seconds < 20);
      for (ApiResponse r : out) {
        assertEquals(ErrorKind.CONNECTION, r.error().orElseThrow().kind());
      }
      ApiResponse last = out.get(out.size() - 1);
      assertTrue(
          last.error().get().message(),
          last.error().get().message().contains("gpt-4.1-mini")
              && last.error().get().message().contains(base)
              && last.error().get().message().contains("cannot be reached"));
      assertEquals("the last rows were never sent", 0, last.attempts());
      // Without giving up, each of the 2,000 would have made 5 attempts.
      long attempts = out.stream().mapToLong(ApiResponse::attempts).sum();
      assertTrue("attempts: " + attempts, attempts < 400);
    }
  }

  @Test(timeout = 60_000)
  public void aRejectedKeyStopsEverySendToThatModel() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .apiKey("sk-right")
                .latency(FakeLatency.fixed(Duration.ofMillis(20)))
                .start();
        LlmClient client =
            LlmClient.builder()
                .models("gpt-4.1-mini")
                .registry(fake.pointRegistry(ModelRegistry.defaults()))
                .apiKeys(ApiKeys.sameForAll("sk-wrong"))
                .limits(Limits.unlimited().maxConcurrent(8))
                .progress(StatusTracker.Display.NONE)
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(500));
      for (ApiResponse r : out) {
        assertEquals(ErrorKind.AUTH, r.error().orElseThrow().kind());
      }
      assertTrue(
          "only the requests in flight at the first 401 were sent: " + fake.stats().received(),
          fake.stats().received() <= 8);
      assertTrue(out.get(499).error().get().message().contains("rejects the key"));
    }
  }

  @Test(timeout = 60_000)
  public void withAnotherModelTheRowsGoThere() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
      String dead = "http://127.0.0.1:" + closedPort();
      registry =
          registry.withModels(
              List.of(
                  registry.lookup("gpt-4.1-nano").toBuilder().setApiBase(dead + "/v1").build()));
      try (LlmClient client =
          LlmClient.builder()
              .models("gpt-4.1-mini", "gpt-4.1-nano")
              .registry(registry)
              .apiKeys(ApiKeys.sameForAll("sk-test"))
              .progress(StatusTracker.Display.NONE)
              .build()) {
        List<ApiResponse> out = client.processPrompts(prompts(300));
        for (ApiResponse r : out) {
          assertTrue(String.valueOf(r.error()), !r.isError());
          assertEquals("gpt-4.1-mini", r.model());
        }
      }
    }
  }

  @Test(timeout = 60_000)
  public void anInsufficientQuota429IsNotRetriedAndSaysQuota() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(FaultPlan.none().withScript("gpt-4.1-mini", Fault.QUOTA_EXHAUSTED))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      ApiResponse r = client.start("hi").join();
      ApiError e = r.error().orElseThrow();
      assertEquals(ErrorKind.QUOTA_EXHAUSTED, e.kind());
      assertFalse(e.retryable());
      assertEquals(429, e.status());
      assertTrue(e.message(), e.message().contains("quota"));
      assertTrue(e.message(), e.message().contains("gpt-4.1-mini"));
      assertEquals("one attempt, no retry", 1, r.attempts());
      assertEquals(1, fake.stats().received());
      assertEquals("not a rate limit", 0, fake.stats().rateLimited());

      // The model was given up: the next request fails at once, nothing more is sent.
      ApiResponse next = client.start("again").join();
      assertEquals(ErrorKind.QUOTA_EXHAUSTED, next.error().orElseThrow().kind());
      assertEquals(0, next.attempts());
      assertEquals(1, fake.stats().received());
    }
  }

  @Test(timeout = 60_000)
  public void withAnotherModelQuotaFailuresGoThere() {
    Fault[] quota = new Fault[200];
    Arrays.fill(quota, Fault.QUOTA_EXHAUSTED);
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.fixed(Duration.ofMillis(5)))
                .faults(FaultPlan.none().withScript("gpt-4.1-nano", quota))
                .start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .limits(Limits.unlimited().maxConcurrent(4))
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts(100));
      for (ApiResponse r : out) {
        assertFalse(String.valueOf(r.error()), r.isError());
        assertEquals("gpt-4.1-mini", r.model());
      }
      long toNano =
          fake.requests().stream().filter(q -> q.body().contains("\"gpt-4.1-nano\"")).count();
      assertTrue("only the requests in flight at the first quota error: " + toNano, toNano <= 4);
    }
  }
}

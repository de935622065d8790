package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The spending cap end to end against the fake: requests are answered while their worst case fits
 * (waiting for those in flight to settle when it fits only then), the rest end with a {@code
 * BUDGET} error without being sent, none is lost, and the money spent stays under the cap, and near
 * it, even with hundreds in flight at once.
 */
public class BudgetTest {
  private static List<ApiResponse> run(LlmClient client, int n) {
    List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.start(Conversation.user("Row " + i + ": " + "word ".repeat(200))));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  public void rowsPastTheCapAreNotSentAndTheSpendStaysUnderIt() {
    double cap = 0.05;
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1")
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(500))
                .maxCost(cap)
                .build()) {
      List<ApiResponse> answers = run(client, 300);
      long answered = answers.stream().filter(r -> !r.isError()).count();
      List<ApiResponse> refused =
          answers.stream()
              .filter(r -> r.error().map(e -> e.kind() == ErrorKind.BUDGET).orElse(false))
              .toList();
      assertEquals("every row is an answer or a budget failure", 300, answered + refused.size());
      assertTrue("some rows fit: " + answered, answered > 0);
      assertFalse("some rows do not", refused.isEmpty());
      double spent = answers.stream().mapToDouble(ApiResponse::cost).sum();
      assertTrue("spent " + spent + " of " + cap, spent <= cap);
      // Rows whose worst case did not fit beside those in flight waited for them to settle, so
      // the cap is spent nearly whole: less than one worst case (about $0.0045 here) is left.
      assertTrue("spent " + spent + " of " + cap, spent > cap - 0.0045);
      assertEquals("nothing refused was sent", answered, fake.requests().size());
      assertEquals(0, refused.get(0).attempts());
      assertTrue(
          refused.get(0).error().orElseThrow().message(),
          refused.get(0).error().orElseThrow().message().contains("spending cap of $0.05"));
    }
  }

  @Test
  public void oneAtATimeTheCapIsSpentNearlyWhole() {
    double cap = 0.02;
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1")
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(50))
                .limits(Limits.unlimited().maxConcurrent(1))
                .maxCost(cap)
                .build()) {
      List<ApiResponse> answers = run(client, 100);
      double spent = answers.stream().mapToDouble(ApiResponse::cost).sum();
      ApiResponse one = answers.get(0);
      // Each answer costs about the same: the cap leaves less than one worst case unspent.
      assertTrue(spent + " of " + cap, spent <= cap && spent > cap - 2 * one.cost() - 0.001);
      assertTrue(answers.get(99).isError());
    }
  }

  @Test
  public void closingTheClientEndsTheRequestsWaitingForRoom() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .keyless(true)
            .latency(FakeLatency.fixed(Duration.ofMillis(500)))
            .start()) {
      LlmClient client =
          ClientTestSupport.client(fake, "gpt-4.1")
              .samplingParams(SamplingParams.defaults().withMaxNewTokens(500))
              .maxCost(0.02)
              .build();
      List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(client.start(Conversation.user("Row " + i)));
      }
      Thread.sleep(100);
      client.close();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      long cancelled =
          futures.stream()
              .map(CompletableFuture::join)
              .filter(r -> r.error().map(e -> e.kind() == ErrorKind.CANCELLED).orElse(false))
              .count();
      assertTrue("the waiting requests ended cancelled: " + cancelled, cancelled > 0);
    }
  }
}

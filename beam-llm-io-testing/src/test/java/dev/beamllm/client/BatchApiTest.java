package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * {@link LlmClient#startBatch} end to end against the fake provider's three batch APIs over real
 * sockets: requests are answered through batches at half the online price, sharded by the settings,
 * what a batch does not answer (failed, expired, cancelled at the deadline) goes online, and a
 * batch noted in a persistent cache is waited for by a new client instead of being submitted again.
 */
public class BatchApiTest {
  private static final BatchSettings FAST =
      BatchSettings.defaults()
          .withPollInterval(Duration.ofMillis(50), Duration.ofMillis(200))
          .withMaxRequestsPerBatch(10);

  private static List<LlmRequest> rows(int n, String tag) {
    List<LlmRequest> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(LlmRequest.of(Conversation.user(tag + " row " + i + ": say something about " + i)));
    }
    return rows;
  }

  private static List<ApiResponse> join(List<CompletableFuture<ApiResponse>> futures) {
    return futures.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
  }

  /** The requests the fake received on a model endpoint (not a batch endpoint). */
  private static long onlineRequests(FakeProviderServer fake) {
    return fake.requests().stream().filter(BatchApiTest::isOnline).count();
  }

  private static boolean isOnline(RecordedRequest r) {
    return r.method().equals("POST")
        && (r.path().endsWith("/chat/completions")
            || r.path().endsWith("/responses")
            || r.path().endsWith("/messages")
            || r.path().endsWith(":generateContent"));
  }

  private static void answersAtHalfPrice(String model) {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, model).build()) {
      List<LlmRequest> rows = rows(25, model);
      List<ApiResponse> batched = join(client.startBatch(rows, FAST));
      for (ApiResponse r : batched) {
        assertFalse(model + ": " + r.error(), r.isError());
        assertEquals("batch", r.serviceTier().orElse(null));
      }
      assertEquals(model + ": 25 rows in batches of 10", 3, fake.batchesCreated());
      assertEquals(model + ": nothing was sent online", 0, onlineRequests(fake));
      // The same rows online: the same answers at twice the price.
      for (int i = 0; i < rows.size(); i++) {
        ApiResponse online = client.start(rows.get(i)).join();
        assertEquals(online.completion(), batched.get(i).completion());
        assertEquals(online.usage(), batched.get(i).usage());
        assertEquals(model, online.cost() / 2, batched.get(i).cost(), 1e-12);
      }
    }
  }

  @Test(timeout = 120_000)
  public void openAiRowsAreAnsweredThroughTheBatchApiAtHalfPrice() {
    answersAtHalfPrice("gpt-4.1-mini");
  }

  @Test(timeout = 120_000)
  public void anthropicRowsAreAnsweredThroughMessageBatchesAtHalfPrice() {
    answersAtHalfPrice("claude-3.5-haiku");
  }

  @Test(timeout = 120_000)
  public void geminiRowsAreAnsweredThroughBatchModeAtHalfPrice() {
    answersAtHalfPrice("gemini-2.5-flash");
  }

  @Test(timeout = 120_000)
  public void identicalRowsAreOneItemAndEachGetsItsAnswer() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "claude-3.5-haiku").build()) {
      LlmRequest a = LlmRequest.of(Conversation.user("same").withId("a"));
      LlmRequest b = LlmRequest.of(Conversation.user("same").withId("b"));
      List<ApiResponse> answers = join(client.startBatch(List.of(a, b), FAST));
      assertEquals("a", answers.get(0).conversationId().orElse(null));
      assertEquals("b", answers.get(1).conversationId().orElse(null));
      assertEquals(answers.get(0).completion(), answers.get(1).completion());
      assertEquals(1, fake.batchesCreated());
      String created =
          fake.requests().stream()
              .filter(r -> r.path().endsWith("/messages/batches"))
              .findFirst()
              .orElseThrow()
              .body();
      assertEquals("one item for both", 1, created.split("custom_id").length - 1);
    }
  }

  @Test(timeout = 120_000)
  public void whatABatchDidNotAnswerGoesOnline() {
    for (String model : List.of("gpt-4.1-mini", "claude-3.5-haiku", "gemini-2.5-flash")) {
      // Every third request fails in the batch (a 500), and the second half of each batch expires.
      try (FakeProviderServer fake =
              FakeProviderServer.builder().batchFailEvery(3).batchExpire(true).start();
          LlmClient client = ClientTestSupport.client(fake, model).build()) {
        List<ApiResponse> answers = join(client.startBatch(rows(20, model), FAST));
        answers.forEach(r -> assertFalse(model + ": " + r.error(), r.isError()));
        long halfPrice =
            answers.stream().filter(r -> "batch".equals(r.serviceTier().orElse(null))).count();
        // Per batch of 10: 5 expire, and of the first 5 the 3rd fails: 4 answered by batch.
        assertEquals(model, 8, halfPrice);
        assertEquals(model + ": the other 12 went online", 12, onlineRequests(fake));
        assertEquals(model, 2, fake.batchesCreated());
      }
    }
  }

  @Test(timeout = 120_000)
  public void atTheDeadlineRunningBatchesAreCancelledAndTheirRowsGoOnline() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder().batchCompletion(Duration.ofMinutes(10)).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      BatchSettings settings =
          FAST.withDeadline(Instant.now().plusSeconds(3)).withOnlineMargin(Duration.ofSeconds(2));
      long start = System.nanoTime();
      List<ApiResponse> answers = join(client.startBatch(rows(15, "deadline"), settings));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      answers.forEach(r -> assertFalse(String.valueOf(r.error()), r.isError()));
      assertTrue("answered well before the batch would end: " + seconds + " s", seconds < 20);
      assertEquals(15, onlineRequests(fake));
      assertEquals(
          "both batches were cancelled",
          2,
          fake.requests().stream().filter(r -> r.path().endsWith("/cancel")).count());
    }
  }

  @Test(timeout = 120_000)
  public void theSpendingCapHoldsForBatchesPricedAtTheBatchTier() {
    double cap = 0.05;
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1")
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(500))
                .maxCost(cap)
                .build()) {
      List<LlmRequest> rows = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        rows.add(LlmRequest.of(Conversation.user("Row " + i + ": " + "word ".repeat(200))));
      }
      List<ApiResponse> answers = join(client.startBatch(rows, FAST.withMaxRequestsPerBatch(100)));
      long byBatch =
          answers.stream().filter(r -> "batch".equals(r.serviceTier().orElse(null))).count();
      long refused =
          answers.stream()
              .filter(r -> r.error().map(e -> e.kind() == ErrorKind.BUDGET).orElse(false))
              .count();
      long online =
          answers.stream()
              .filter(r -> !r.isError() && !"batch".equals(r.serviceTier().orElse(null)))
              .count();
      assertEquals("every row answered or refused", 300, byBatch + online + refused);
      assertTrue("some rows fit in batches: " + byBatch, byBatch > 0);
      assertTrue("the cap stopped some rows", refused > 0);
      double spent = answers.stream().mapToDouble(ApiResponse::cost).sum();
      assertTrue("spent " + spent + " of " + cap, spent <= cap);
      // A batch's worst case is priced at half, so about twice as many rows fit as online (where
      // BudgetTest's 300 rows of this size answer about 11).
      assertTrue("rows answered by batch: " + byBatch, byBatch >= 18);
    }
  }

  @Test(timeout = 120_000)
  public void aBatchNotedInASqliteCacheIsWaitedForByTheNextClient() throws Exception {
    Path dir = Files.createTempDirectory("batch-ledger");
    resumesWithoutSubmittingAgain(ResponseCache.sqlite(dir.resolve("checkpoint.db")));
  }

  @Test(timeout = 120_000)
  public void aBatchNotedInARedisCacheIsWaitedForByTheNextClient() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      resumesWithoutSubmittingAgain(
          ResponseCache.redis("redis://127.0.0.1:" + redis.port() + "?namespace=batches"));
    }
  }

  private static void resumesWithoutSubmittingAgain(ResponseCache cache) throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().batchCompletion(Duration.ofSeconds(3)).start()) {
      List<LlmRequest> rows = rows(12, "resume");
      try (LlmClient first =
          ClientTestSupport.client(fake, "claude-3.5-haiku").cache(cache).build()) {
        List<CompletableFuture<ApiResponse>> pending = first.startBatch(rows, FAST);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (fake.batchesCreated() < 2 && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        assertEquals(2, fake.batchesCreated());
        Thread.sleep(200); // the ledger is written as soon as the provider answers the create
        assertFalse(pending.get(0).isDone());
        // Closed while its batches run, as a stopped job.
      }
      fake.reset();
      try (LlmClient second =
          ClientTestSupport.client(fake, "claude-3.5-haiku").cache(cache).build()) {
        List<ApiResponse> answers = join(second.startBatch(rows, FAST));
        answers.forEach(r -> assertFalse(String.valueOf(r.error()), r.isError()));
        answers.forEach(r -> assertEquals("batch", r.serviceTier().orElse(null)));
        assertEquals("the batches were waited for, not submitted again", 0, fake.batchesCreated());
        assertEquals(0, onlineRequests(fake));
      }
      // A third run finds every answer in the cache.
      fake.reset();
      try (LlmClient third =
          ClientTestSupport.client(fake, "claude-3.5-haiku").cache(cache).build()) {
        List<ApiResponse> answers = join(third.startBatch(rows, FAST));
        answers.forEach(r -> assertTrue(r.cacheHit()));
        assertEquals(0, fake.requests().size());
      }
    }
  }
}

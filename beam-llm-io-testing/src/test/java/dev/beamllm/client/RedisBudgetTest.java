package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.redis.RedisConnections;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import redis.clients.jedis.RedisClient;

/**
 * The spending cap shared through a real redis-server by several clients, each standing for one
 * worker of a cluster (its own budget, its own Redis thread), against the fake: together they spend
 * no more than the cap, the rows past it end with a {@code BUDGET} error unsent, none is lost, and
 * the reservations of a worker that vanished stop holding the cap once its lease runs out, while
 * what it spent stays spent.
 */
public class RedisBudgetTest {
  /** gpt-4.1 with 500 output tokens and a 200-word prompt: about $0.0045 at worst. */
  private static final double WORST_CASE = 0.0045;

  private RedisServer redis;

  @Before
  public void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @After
  public void stopRedis() {
    redis.close();
  }

  private SharedLimits shared(String namespace) {
    return SharedLimits.redis(redis.uri()).withNamespace(namespace);
  }

  private LlmClient worker(FakeProviderServer fake, String namespace, double cap) {
    return ClientTestSupport.client(fake, "gpt-4.1")
        .samplingParams(SamplingParams.defaults().withMaxNewTokens(500))
        .sharedLimits(shared(namespace))
        .maxCost(cap)
        .build();
  }

  private static List<CompletableFuture<ApiResponse>> start(LlmClient client, String tag, int n) {
    List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.start(Conversation.user(tag + " row " + i + ": " + "word ".repeat(200))));
    }
    return futures;
  }

  private static boolean budgetError(ApiResponse r) {
    return r.error().map(e -> e.kind() == ErrorKind.BUDGET).orElse(false);
  }

  private RedisClient jedis() {
    return RedisConnections.client(shared("x").server());
  }

  /** The ledger's money spent, in dollars. */
  private double ledgerSpent(String namespace, double cap) {
    String spent = jedis().get(key(namespace, cap, "spent"));
    return spent == null ? 0 : Long.parseLong(spent) / 1e6;
  }

  private static String key(String namespace, double cap, String part) {
    return "beamllm:" + namespace + ":budget:" + Math.round(cap * 1e6) + ":" + part;
  }

  /**
   * Two workers each given the whole cap would spend it twice; sharing it through Redis they spend
   * it once between them, nearly whole, and every row is an answer or a budget failure.
   */
  @Test(timeout = 120_000)
  public void twoWorkersSharingTheCapThroughRedisSpendNoMoreThanIt() {
    double cap = 0.05;
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .keyless(true)
            .latency(FakeLatency.fixed(Duration.ofMillis(20)))
            .start()) {
      LlmClient one = worker(fake, "budget-test", cap);
      LlmClient two = worker(fake, "budget-test", cap);
      List<ApiResponse> answers = new ArrayList<>();
      List<ApiResponse> ofOne;
      List<ApiResponse> ofTwo;
      try {
        List<CompletableFuture<ApiResponse>> a = start(one, "one", 150);
        List<CompletableFuture<ApiResponse>> b = start(two, "two", 150);
        ofOne = a.stream().map(CompletableFuture::join).toList();
        ofTwo = b.stream().map(CompletableFuture::join).toList();
      } finally {
        one.close();
        two.close();
      }
      answers.addAll(ofOne);
      answers.addAll(ofTwo);
      long answered = answers.stream().filter(r -> !r.isError()).count();
      long refused = answers.stream().filter(RedisBudgetTest::budgetError).count();
      assertEquals("every row is an answer or a budget failure", 300, answered + refused);
      assertTrue("some rows fit: " + answered, answered > 0);
      assertTrue("some rows do not", refused > 0);
      double spent = answers.stream().mapToDouble(ApiResponse::cost).sum();
      assertTrue("spent " + spent + " of " + cap, spent <= cap);
      // A row is refused only once the cluster's spent leaves less than its worst case.
      assertTrue("spent " + spent + " of " + cap, spent > cap - WORST_CASE);
      assertEquals("nothing refused was sent", answered, fake.requests().size());
      ApiResponse firstRefused =
          answers.stream().filter(RedisBudgetTest::budgetError).findFirst().orElseThrow();
      assertEquals(0, firstRefused.attempts());
      assertTrue(
          firstRefused.error().orElseThrow().message(),
          firstRefused.error().orElseThrow().message().contains("by the cluster"));

      // The ledger counted what the answers cost (each rounded to a millionth), and the closed
      // workers hold nothing there any more.
      assertEquals(spent, ledgerSpent("budget-test", cap), answered * 1e-6);
      Map<String, String> held = jedis().hgetAll(key("budget-test", cap, "held"));
      assertTrue("reservations left: " + held, held.isEmpty());
    }
  }

  /**
   * Far from the cap, Redis sees exchanges, not requests: what answers cost is told in batches, and
   * a worker keeps room for its next attempts, so most reserve at once.
   */
  @Test(timeout = 120_000)
  public void farFromTheCapRedisSeesFarFewerCallsThanRequests() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .keyless(true)
            .recordRequests(false)
            .latency(FakeLatency.fixed(Duration.ofMillis(20)))
            .start()) {
      List<LlmClient> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        workers.add(
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(100))
                .sharedLimits(shared("calls"))
                .maxCost(100)
                .build());
      }
      redis.command("CONFIG RESETSTAT");
      long answered;
      try {
        List<CompletableFuture<ApiResponse>> futures = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          futures.addAll(start(workers.get(w), "worker " + w, 1_500));
        }
        answered = futures.stream().map(CompletableFuture::join).filter(r -> !r.isError()).count();
      } finally {
        workers.forEach(LlmClient::close);
      }
      assertEquals(3_000, answered);
      String stats = jedis().info("commandstats");
      long evals = 0;
      for (String line : stats.split("\r?\n")) {
        if (line.startsWith("cmdstat_eval:")) {
          evals = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+).*", "$1"));
        }
      }
      // The shared limits' calls count too; the budget's are a fraction of the requests.
      assertTrue("Redis script calls for 3,000 requests: " + evals, evals > 0 && evals < 1_000);
    }
  }

  /**
   * A worker that reserved most of the cap and vanished without settling (its Redis thread stopped,
   * as when its machine is lost) holds the cap only until its lease runs out: another worker's rows
   * wait meanwhile, then go. What the vanished worker had spent stays spent.
   */
  @Test(timeout = 120_000)
  public void theReservationOfAVanishedWorkerIsReleasedAfterItsLease() throws Exception {
    double cap = 0.05;
    long capMicros = Math.round(cap * 1e6);
    RedisQuota vanishing = new RedisQuota(shared("stale-test"), "nokey", 1_000);
    Budget gone = Budget.of(cap, null, PromptCache.none(), vanishing, Runnable::run);
    // It spends $0.006 of a $0.01 reservation...
    assertEquals(10_000L, reserve(gone, 10_000));
    gone.settle(10_000, 0.006);
    // ... then reserves all but $0.001 of what is left, and vanishes.
    long big = capMicros - 6_000 - 1_000;
    assertEquals(big, reserve(gone, big));
    vanishing.close();
    assertEquals(0.006, ledgerSpent("stale-test", cap), 1e-9);
    // It holds its reservation, perhaps with an advance for its next attempts: the cap has less
    // room left than a worst case.
    long held = Long.parseLong(jedis().hget(key("stale-test", cap, "held"), vanishing.worker()));
    assertTrue("held " + held, held >= big && capMicros - 6_000 - held < WORST_CASE * 1e6);

    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      long startNanos = System.nanoTime();
      List<ApiResponse> answers;
      // Closed before the ledger is read: what its last answers cost is told to Redis by then.
      try (LlmClient survivor = worker(fake, "stale-test", cap)) {
        answers = start(survivor, "survivor", 20).stream().map(CompletableFuture::join).toList();
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      long answered = answers.stream().filter(r -> !r.isError()).count();
      long refused = answers.stream().filter(RedisBudgetTest::budgetError).count();
      assertEquals("every row is an answer or a budget failure", 20, answered + refused);
      assertTrue("rows went once the lease ran out: " + answered, answered > 0);
      // Nothing fitted beside the vanished worker's reservation: the rows waited for its lease.
      assertTrue("answered after only " + seconds + " s", seconds >= 0.7);
      double spent = answers.stream().mapToDouble(ApiResponse::cost).sum();
      assertTrue("spent " + spent + " beside the $0.006 kept", spent <= cap - 0.006);
      assertEquals(0.006 + spent, ledgerSpent("stale-test", cap), answered * 1e-6);
      assertNull(
          "the vanished worker holds nothing",
          jedis().hget(key("stale-test", cap, "held"), vanishing.worker()));
    }
  }

  /** Reserves on a bare budget and waits for the room the ledger grants (0 when refused). */
  private static long reserve(Budget budget, long micros) throws Exception {
    CompletableFuture<Long> granted = new CompletableFuture<>();
    Budget.Verdict verdict = budget.reserve(micros, granted::complete);
    assertFalse("a shared budget asks the ledger first", verdict == Budget.Verdict.RESERVED);
    assertEquals(Budget.Verdict.WAIT, verdict);
    return granted.get(10, TimeUnit.SECONDS);
  }
}

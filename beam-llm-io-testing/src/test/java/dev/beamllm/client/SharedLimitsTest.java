package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import dev.beamllm.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Limits shared through a real redis-server by several clients, each standing for one worker of a
 * cluster (its own scheduler, its own Redis connection), against the fake provider enforcing the
 * quota they share.
 */
public class SharedLimitsTest {
  private RedisServer redis;

  @Before
  public void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @After
  public void stopRedis() {
    redis.close();
  }

  private static List<String> prompts(String tag, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(tag + " prompt " + i);
    }
    return out;
  }

  /** Runs the same number of prompts through each client at once; returns every answer. */
  private static List<ApiResponse> runTogether(List<LlmClient> workers, int each) {
    List<CompletableFuture<List<ApiResponse>>> runs = new ArrayList<>();
    for (int w = 0; w < workers.size(); w++) {
      LlmClient worker = workers.get(w);
      List<String> mine = prompts("worker " + w, each);
      runs.add(CompletableFuture.supplyAsync(() -> worker.processPrompts(mine)));
    }
    List<ApiResponse> all = new ArrayList<>();
    runs.forEach(r -> all.addAll(r.join()));
    return all;
  }

  private LlmClient worker(FakeProviderServer fake, Limits limits, String namespace) {
    LlmClient.Builder b = ClientTestSupport.client(fake, "gpt-4.1-mini").limits(limits);
    if (namespace != null) {
      b.sharedLimits(SharedLimits.redis(redis.uri()).withNamespace(namespace));
    }
    return b.build();
  }

  /**
   * Three workers each told the whole quota draw 429s when they each spend it; sharing it through
   * Redis, the same three draw none, and the second and later minutes' worth goes at the quota's
   * rate: the run takes at least the time the quota allows beyond its first full bucket.
   */
  @Test(timeout = 120_000)
  public void workersSharingOneQuotaThroughRedisStayWithinIt() {
    int rpm = 1_200;
    int each = 440; // 1,320 in all: the first 1,200 fill the provider's bucket, 120 more at 20/s
    for (boolean shared : new boolean[] {false, true}) {
      try (FakeProviderServer fake =
          FakeProviderServer.builder()
              .requestsPerMinute(rpm)
              .latency(FakeLatency.logNormal(Duration.ofMillis(30), 0.3))
              .recordRequests(false)
              .start()) {
        List<LlmClient> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
          workers.add(worker(fake, Limits.perMinute(rpm, 0), shared ? "quota-test" : null));
        }
        long start = System.nanoTime();
        List<ApiResponse> answers;
        try {
          answers = runTogether(workers, each);
        } finally {
          workers.forEach(LlmClient::close);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        FakeServerStats stats = fake.stats();
        assertEquals(3 * each, answers.size());
        assertTrue(answers.stream().noneMatch(ApiResponse::isError));
        if (shared) {
          assertEquals("429s drawn by workers sharing the quota", 0, stats.rateLimited());
          // 120 requests beyond the full bucket at 20/s: at least 6 s, less the reserve's slack.
          assertTrue("took only " + seconds + " s", seconds >= 4.5);
        } else {
          assertTrue(
              "workers each given the whole quota overspend it: " + stats.rateLimited() + " 429s",
              stats.rateLimited() > 10);
        }
      }
    }
  }

  /** Redis sees chunks, not requests: far fewer calls than requests. */
  @Test(timeout = 60_000)
  public void leasesComeInChunksSoRedisSeesFewCalls() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      List<LlmClient> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        workers.add(worker(fake, Limits.perMinute(120_000, 0), "chunks"));
      }
      redis.command("CONFIG RESETSTAT");
      try {
        runTogether(workers, 1_000);
      } finally {
        workers.forEach(LlmClient::close);
      }
      long evals = evalCalls();
      assertTrue(
          "Redis script calls for 2,000 requests: " + evals + " in " + infoCommandStats(),
          evals > 0 && evals < 2_000 / 5);
    }
  }

  private long evalCalls() throws Exception {
    // INFO's reply is a bulk string; read the whole of it through a fresh socket.
    String info = infoCommandStats();
    long calls = 0;
    for (String line : info.split("\r?\n")) {
      // Every script asks the server's TIME once; a call from outside a script would too.
      if (line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha:")) {
        calls += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+).*", "$1"));
      }
    }
    return calls;
  }

  private String infoCommandStats() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", redis.port())) {
      s.setSoTimeout(2_000);
      s.getOutputStream().write("INFO commandstats\r\n".getBytes());
      java.io.BufferedReader in =
          new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
      int length = Integer.parseInt(in.readLine().substring(1));
      char[] body = new char[length];
      int read = 0;
      while (read < length) {
        int n = in.read(body, read, length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      return new String(body, 0, read);
    }
  }

  /** Requests in flight are held across workers: never more at the provider than the limit. */
  @Test(timeout = 60_000)
  public void requestsInFlightAreSharedAcrossWorkers() {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(100)))
            .recordRequests(false)
            .start()) {
      List<LlmClient> workers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        workers.add(worker(fake, Limits.unlimited().maxConcurrent(6), "slots"));
      }
      try {
        List<ApiResponse> answers = runTogether(workers, 40);
        assertTrue(answers.stream().noneMatch(ApiResponse::isError));
      } finally {
        workers.forEach(LlmClient::close);
      }
      int max = fake.stats().maxConcurrency();
      assertTrue("at most 6 in flight across three workers, saw " + max, max <= 6 && max >= 2);
    }
  }

  /**
   * A worker done with its requests gives its slots back soon, so a limit no larger than the worker
   * count does not leave a busy worker waiting on an idle one (it used to keep one slot for as long
   * as its client stayed open).
   */
  @Test(timeout = 60_000)
  public void anIdleWorkerDoesNotKeepASlotABusyOneNeeds() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(20)))
            .recordRequests(false)
            .start()) {
      try (LlmClient idle = worker(fake, Limits.unlimited().maxConcurrent(1), "idle");
          LlmClient busy = worker(fake, Limits.unlimited().maxConcurrent(1), "idle")) {
        assertTrue(
            idle.processPrompts(prompts("idle", 1)).stream().noneMatch(ApiResponse::isError));
        // The idle worker stays open, as a Beam worker's shared client does between bundles.
        List<ApiResponse> answers =
            CompletableFuture.supplyAsync(() -> busy.processPrompts(prompts("busy", 5)))
                .get(15, TimeUnit.SECONDS);
        assertEquals(5, answers.size());
        assertTrue(answers.stream().noneMatch(ApiResponse::isError));
        assertEquals(6, fake.stats().received());
        assertEquals(1, fake.stats().maxConcurrency());
      }
    }
  }

  /** A worker that dies holding slots gives them back when its lease runs out. */
  @Test(timeout = 30_000)
  public void slotsOfAWorkerThatDiedComeBackByExpiry() throws Exception {
    SharedLimits shared = SharedLimits.redis(redis.uri()).withNamespace("expiry");
    RedisQuota dead = new RedisQuota(shared, "acct", 1_000);
    CompletableFuture<RedisQuota.Slots> held = new CompletableFuture<>();
    dead.slotsCall("acquire", 4, 4, held::complete);
    assertEquals(4, held.get(5, TimeUnit.SECONDS).held());
    dead.close(); // gone without releasing: as a worker killed mid-job

    try (RedisQuota alive = new RedisQuota(shared, "acct", 1_000)) {
      CompletableFuture<RedisQuota.Slots> none = new CompletableFuture<>();
      alive.slotsCall("acquire", 4, 4, none::complete);
      assertEquals(
          "the dead worker's lease still runs", 0, none.get(5, TimeUnit.SECONDS).granted());
      Thread.sleep(1_300);
      CompletableFuture<RedisQuota.Slots> back = new CompletableFuture<>();
      alive.slotsCall("acquire", 4, 4, back::complete);
      assertEquals(4, back.get(5, TimeUnit.SECONDS).granted());
    }
  }

  /** A 429 one worker draws pauses that model on every worker, and only that model. */
  @Test(timeout = 30_000)
  public void aCoolDownOneWorkerLearnsEveryWorkerHonours() throws Exception {
    SharedLimits shared = SharedLimits.redis(redis.uri()).withNamespace("cool");
    try (RedisQuota qa = new RedisQuota(shared, "acct");
        RedisQuota qb = new RedisQuota(shared, "acct");
        Scheduler a = new Scheduler(Limits.perMinute(10_000, 0), java.util.Map.of(), qa);
        Scheduler b = new Scheduler(Limits.perMinute(10_000, 0), java.util.Map.of(), qb)) {
      // b has sent to both models before: it watches them.
      for (String model : List.of("m1", "m2")) {
        Admitted job = new Admitted(model);
        b.submit(job);
        b.finished(
            model, job.admission.get(5, TimeUnit.SECONDS), 10, RateLimitInfo.NONE, false, -1);
      }
      Admitted first = new Admitted("m1");
      a.submit(first);
      a.finished(
          "m1",
          first.admission.get(5, TimeUnit.SECONDS),
          0,
          RateLimitInfo.NONE,
          true,
          TimeUnit.SECONDS.toNanos(20));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (b.coolDownNanos("m1") == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue("b learned a's cool-down", b.coolDownNanos("m1") > TimeUnit.SECONDS.toNanos(15));
      assertEquals("the other model is not paused", 0, b.coolDownNanos("m2"));
      Admitted held = new Admitted("m1");
      b.submit(held);
      Thread.sleep(300);
      assertFalse("b does not send to m1 while it cools down", held.admission.isDone());
    }
  }

  /**
   * What a worker learns of a model's real limit from its provider's headers reaches the others.
   */
  @Test(timeout = 30_000)
  public void aModelsRealLimitOneWorkerReadsIsPublished() throws Exception {
    SharedLimits shared = SharedLimits.redis(redis.uri()).withNamespace("learned");
    try (RedisQuota qa = new RedisQuota(shared, "acct");
        Scheduler a = new Scheduler(Limits.unlimited(), java.util.Map.of(), qa)) {
      Admitted job = new Admitted("m1");
      a.submit(job);
      a.finished(
          "m1",
          job.admission.get(5, TimeUnit.SECONDS),
          10,
          new RateLimitInfo(500, 499, 40_000, 39_000),
          false,
          -1);
      String key = "beamllm:learned:acct:model:m1:limits";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String requests = "";
      while (System.nanoTime() < deadline) {
        requests = redis.command("HGET " + key + " requests");
        if (requests.startsWith("$3")) {
          break;
        }
        Thread.sleep(20);
      }
      assertEquals("a bulk reply of 3 bytes: 500", "$3", requests);
    }
  }

  @Test
  public void anUnreachableServerIsRefusedAtOnceWithoutItsPassword() {
    try {
      SharedLimits.redis("redis://:s3cret-pass@127.0.0.1:9").checkReachable();
      fail("port 9 answers no Redis");
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("127.0.0.1:9"));
      assertFalse(e.getMessage(), e.getMessage().contains("s3cret"));
    }
    SharedLimits s = SharedLimits.redis("redis://user:s3cret-pass@example.org:6379");
    assertFalse(s.toString().contains("s3cret"));
    assertTrue(s.toString().contains("user:***@example.org"));
  }

  @Test
  public void badUrisAndNamespacesAreRefusedWhenGiven() {
    for (String bad : new String[] {"", "http://127.0.0.1:6379", "redis://", "not a uri"}) {
      try {
        SharedLimits.redis(bad);
        fail("accepted " + bad);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage(), expected.getMessage().startsWith("sharedLimits"));
      }
    }
    try {
      SharedLimits.redis("redis://127.0.0.1:6379").withNamespace("a b");
      fail("accepted a namespace with a space");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("namespace"));
    }
    assertEquals(
        "job-name-1",
        SharedLimits.redis("redis://h:1").withDefaultNamespace("job name/1").namespace());
  }

  /** A scheduler job that records its admission. */
  private static final class Admitted implements Scheduler.Job {
    final String model;
    final CompletableFuture<Scheduler.Admission> admission = new CompletableFuture<>();

    Admitted(String model) {
      this.model = model;
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public long tokens() {
      return 10;
    }

    @Override
    public long submittedNanos() {
      return System.nanoTime();
    }

    @Override
    public void start(Scheduler.Admission a) {
      admission.complete(a);
    }
  }
}

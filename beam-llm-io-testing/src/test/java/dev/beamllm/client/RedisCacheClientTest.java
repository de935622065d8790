package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.RedisCache;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RedisServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * Clients with a Redis cache, as a cluster's workers use it: two separate clients (two workers) see
 * each other's answers, hits take nothing from the rate limiter, and a Redis that is down loses no
 * row.
 */
public class RedisCacheClientTest {

  private static List<Conversation> prompts(String tag, int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.user("Question " + i + " about " + tag).withId(tag + i));
    }
    return out;
  }

  @Test(timeout = 60_000)
  public void twoClientsSharingOneRedisSeeEachOthersAnswers() throws Exception {
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake = FakeProviderServer.builder().start()) {
      RedisCache cache = ResponseCache.redis(redis.uri());
      List<Conversation> firstHalf = prompts("first", 10);
      List<Conversation> secondHalf = prompts("second", 10);
      List<Conversation> all = new ArrayList<>(firstHalf);
      all.addAll(secondHalf);
      // Each "worker" has its own client and its own copy of the cache, as Beam deserializes one.
      try (LlmClient workerA =
              ClientTestSupport.client(fake, "gpt-4.1-mini").cache(copy(cache)).build();
          LlmClient workerB =
              ClientTestSupport.client(fake, "gpt-4.1-mini").cache(copy(cache)).build()) {
        List<ApiResponse> a = workerA.processPrompts(firstHalf);
        List<ApiResponse> b = workerB.processPrompts(secondHalf);
        assertEquals(20, fake.stats().received());
        a.forEach(r -> assertFalse(r.cacheHit()));
        b.forEach(r -> assertFalse(r.cacheHit()));
        fake.reset();
        // Each worker now answers the other's prompts (and its own) without sending.
        List<ApiResponse> aAgain = workerA.processPrompts(all);
        List<ApiResponse> bAgain = workerB.processPrompts(all);
        assertEquals("answered from Redis", 0, fake.stats().received());
        for (int i = 0; i < all.size(); i++) {
          ApiResponse fresh = i < 10 ? a.get(i) : b.get(i - 10);
          assertTrue(aAgain.get(i).cacheHit());
          assertEquals(fresh.toBuilder().setCacheHit(true).build(), aAgain.get(i));
          assertEquals(fresh.toBuilder().setCacheHit(true).build(), bAgain.get(i));
        }
      }
      // The YAML key names it the same way, and a client built from it shares the answers too.
      try (LlmClient fromMap =
          LlmClient.of(
              ConfigMaps.read(Map.of("models", "gpt-4.1-mini", "cache", redis.uri()))
                  .withRegistry(fake.pointRegistry(dev.beamllm.model.ModelRegistry.defaults()))
                  .withApiKeys(ApiKeys.sameForAll("sk-test"))
                  .withProgress(StatusTracker.Display.NONE))) {
        assertTrue(fromMap.config().cache().orElseThrow() instanceof RedisCache);
        assertTrue(fromMap.start(firstHalf.get(3)).join().cacheHit());
        assertEquals(0, fake.stats().received());
      }
    }
  }

  /**
   * Hits cost no quota: with one request a minute, forty cached prompts are answered at once, and
   * the minute's one request is still there for a new prompt afterwards.
   */
  @Test(timeout = 60_000)
  public void hitsAreAnsweredWithoutTheRateLimiter() throws Exception {
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake = FakeProviderServer.builder().start()) {
      RedisCache cache = ResponseCache.redis(redis.uri());
      List<Conversation> warm = prompts("warm", 40);
      try (LlmClient unlimited =
          ClientTestSupport.client(fake, "gpt-4.1-mini").cache(cache).build()) {
        unlimited.processPrompts(warm).forEach(r -> assertFalse(r.isError()));
      }
      fake.reset();
      try (LlmClient tiny =
          ClientTestSupport.client(fake, "gpt-4.1-mini")
              .limits(Limits.perMinute(1, 0))
              .cache(copy(cache))
              .build()) {
        long start = System.nanoTime();
        List<ApiResponse> hits = tiny.processPrompts(warm);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        hits.forEach(r -> assertTrue(r.cacheHit()));
        assertEquals("no request sent for a hit", 0, fake.stats().received());
        // Were hits admitted by the limiter, the second would wait a minute; a loaded CI machine
        // takes seconds for all.
        assertThat("40 hits under 1 request/min", took, lessThan(Duration.ofSeconds(20)));

        start = System.nanoTime();
        ApiResponse fresh = tiny.start(Conversation.user("a question nobody asked")).join();
        assertFalse(fresh.isError());
        assertFalse(fresh.cacheHit());
        assertThat(
            "the minute's one request was not spent on the hits",
            Duration.ofNanos(System.nanoTime() - start),
            lessThan(Duration.ofSeconds(20)));
        assertEquals(1, fake.stats().received());
      }
    }
  }

  /** A Redis that is down is a miss for every lookup and a logged write: every row is answered. */
  @Test(timeout = 60_000)
  public void aRedisThatIsDownLosesNoRow() throws Exception {
    String gone;
    try (RedisServer redis = RedisServer.start()) {
      gone = redis.uri();
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .cache(ResponseCache.redis(gone))
                .build()) {
      long start = System.nanoTime();
      List<ApiResponse> out = client.processPrompts(prompts("down", 30));
      out.forEach(r -> assertFalse(r.error().map(Object::toString).orElse(""), r.isError()));
      assertEquals(30, fake.stats().received());
      assertThat(Duration.ofNanos(System.nanoTime() - start), lessThan(Duration.ofSeconds(20)));
    }
  }

  private static ResponseCache copy(ResponseCache cache) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(cache);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ResponseCache) in.readObject();
    }
  }
}

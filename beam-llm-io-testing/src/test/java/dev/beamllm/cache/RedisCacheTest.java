package dev.beamllm.cache;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Message;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.testing.RedisServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Test;

/**
 * The Redis cache against a real {@code redis-server}: lossless storage in the SQLite cache's JSON
 * form, TTLs, namespaces, copies that connect on their own, concurrent writers, a server that is
 * down or refuses the password, and a password that never shows.
 */
public class RedisCacheTest {

  private static ApiResponse answer(String id) {
    return ApiResponse.builder()
        .setModel("gpt-4.1-mini")
        .setProvider("openai")
        .setMessage(Message.assistant("Answer to " + id + ": Paris. ünïcødé ✓"))
        .setFinishReason("stop")
        .setUsage(new Usage(120, 9, 64, 8))
        .setCost(1.234e-5)
        .setLatency(Duration.ofMillis(420))
        .setAttempts(2)
        .setConversationId(id)
        .build();
  }

  @Test
  public void storedAnswersComeBackEqualUnderThePrefixInTheSqliteForm() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisCache cache = ResponseCache.redis(redis.uri());
      cache.put("k1", answer("a"));
      assertEquals(answer("a"), cache.get("k1").orElseThrow());
      assertFalse(cache.get("never stored").isPresent());
      // A later put replaces the entry.
      ApiResponse newer = answer("a").toBuilder().setAttempts(1).build();
      cache.put("k1", newer);
      assertEquals(newer, cache.get("k1").orElseThrow());
      // Failed answers are not stored.
      cache.put(
          "failed",
          ApiResponse.builder()
              .setModel("gpt-4.1-mini")
              .setError(ApiError.of(ErrorKind.SERVER, "boom"))
              .build());
      assertFalse(cache.get("failed").isPresent());
      assertEquals(":1", redis.command("EXISTS beamllm:cache:k1"));
      assertEquals(":0", redis.command("EXISTS beamllm:cache:failed"));
      // Without a TTL the entry never expires.
      assertEquals(":-1", redis.command("PTTL beamllm:cache:k1"));
      String stored = bulk(redis, "beamllm:cache:k1");
      assertEquals(
          "the value is the SQLite cache's JSON form", ApiResponseJson.toJson(newer), stored);
    }
  }

  @Test
  public void answersExpireAfterTheTtl() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisCache day = ResponseCache.redis(redis.uri() + "?ttl=1d");
      day.put("long", answer("long"));
      long pttl = Long.parseLong(redis.command("PTTL beamllm:cache:long").substring(1));
      assertThat(pttl, allOf(greaterThan(86_000_000L), lessThanOrEqualTo(86_400_000L)));

      RedisCache brief = ResponseCache.redis(redis.uri()).withTtl(Duration.ofMillis(300));
      brief.put("short", answer("short"));
      assertTrue(brief.get("short").isPresent());
      Thread.sleep(600);
      assertFalse("gone after its TTL", brief.get("short").isPresent());
      assertTrue(day.get("long").isPresent());
    }
  }

  @Test
  public void namespacesKeepJobsApartOnOneServer() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisCache a = ResponseCache.redis(redis.uri()).withNamespace("job-a");
      RedisCache b = ResponseCache.redis(redis.uri() + "?namespace=job-b");
      RedisCache none = ResponseCache.redis(redis.uri());
      a.put("k", answer("a"));
      assertEquals(answer("a"), a.get("k").orElseThrow());
      assertFalse(b.get("k").isPresent());
      assertFalse(none.get("k").isPresent());
      assertEquals(":1", redis.command("EXISTS beamllm:cache:job-a:k"));
    }
  }

  @Test
  public void aCopyIsOnlySettingsAndConnectsItself() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisCache cache = ResponseCache.redis(redis.uri());
      cache.put("before", answer("before"));
      ResponseCache copy = roundTrip(cache);
      assertEquals(answer("before"), copy.get("before").orElseThrow());
      copy.put("after", answer("after"));
      assertEquals(answer("after"), cache.get("after").orElseThrow());
    }
  }

  @Test
  public void eightThreadsWriteAtOnceInPipelines() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int threads = 8;
      int perThread = 200;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          // Half share one cache object (one writer), half have their own.
          RedisCache cache = ResponseCache.redis(redis.uri());
          done.add(
              pool.submit(
                  () -> {
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                      writes.add(cache.putAsync(thread + "/" + i, answer(thread + "/" + i)));
                    }
                    writes.forEach(CompletableFuture::join);
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(":" + threads * perThread, redis.command("DBSIZE"));
      RedisCache reader = ResponseCache.redis(redis.uri());
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          assertEquals(answer(t + "/" + i), reader.get(t + "/" + i).orElseThrow());
        }
      }
    }
  }

  @Test
  public void aServerThatIsDownIsAFailureThatNamesItQuickly() throws Exception {
    String uri;
    try (RedisServer redis = RedisServer.start()) {
      uri = redis.uri();
    }
    RedisCache cache = ResponseCache.redis(uri);
    long start = System.nanoTime();
    IllegalStateException lookup = assertThrows(IllegalStateException.class, () -> cache.get("k"));
    assertThat(lookup.getMessage(), containsString("127.0.0.1"));
    // Lookups right after a refused connection fail without trying again.
    assertThrows(IllegalStateException.class, () -> cache.get("k"));
    CompletionException write =
        assertThrows(CompletionException.class, () -> cache.putAsync("k", answer("k")).join());
    assertThat(write.getCause().getMessage(), containsString("response cache redis://127.0.0.1"));
    IllegalStateException check = assertThrows(IllegalStateException.class, cache::checkReachable);
    assertThat(check.getMessage(), containsString("cannot reach " + uri));
    assertFalse("one line", check.getMessage().contains("\n"));
    assertThat(Duration.ofNanos(System.nanoTime() - start), lessThan(Duration.ofSeconds(10)));
  }

  @Test
  public void aPasswordWorksAndNeverShows() throws Exception {
    String secret = "Sup3r-s3cret";
    try (RedisServer redis = RedisServer.start()) {
      assertEquals("+OK", redis.command("CONFIG SET requirepass " + secret));
      String base = "redis://:" + secret + "@127.0.0.1:" + redis.port();
      RedisCache good = ResponseCache.redis(base + "/1?ttl=1h");
      good.checkReachable();
      good.put("k", answer("k"));
      assertEquals(answer("k"), good.get("k").orElseThrow());
      assertThat(good.toString(), not(containsString(secret)));
      assertThat(good.toString(), containsString(":***@127.0.0.1"));

      RedisCache wrong =
          ResponseCache.redis("redis://:wrong-" + secret + "@127.0.0.1:" + redis.port());
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, wrong::checkReachable);
      assertThat(everything(refused), not(containsString(secret)));
      assertThat(refused.getMessage(), containsString("***"));
      IllegalStateException lookup =
          assertThrows(IllegalStateException.class, () -> wrong.get("k"));
      assertThat(everything(lookup), not(containsString(secret)));
      CompletionException write =
          assertThrows(CompletionException.class, () -> wrong.putAsync("k", answer("k")).join());
      assertThat(everything(write), not(containsString(secret)));
    }
  }

  /** A throwable's messages and stack trace, causes included, as a log would print them. */
  private static String everything(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }

  /** A string value read with the inline protocol: the length line, then the bytes. */
  private static String bulk(RedisServer redis, String key) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", redis.port())) {
      s.getOutputStream()
          .write(("GET " + key + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      StringBuilder header = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        header.append((char) c);
      }
      int length = Integer.parseInt(header.toString().trim().substring(1));
      byte[] body = new byte[length];
      in.readFully(body);
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static ResponseCache roundTrip(ResponseCache cache) throws Exception {
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

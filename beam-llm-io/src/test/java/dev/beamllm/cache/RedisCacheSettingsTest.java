package dev.beamllm.cache;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/**
 * {@link ResponseCache#redis}'s settings, which need no server: the URI's parts, TTL and namespace
 * checked at once, the password masked wherever the URI is shown, and a copy that is only settings.
 */
public class RedisCacheSettingsTest {

  @Test
  public void theUriGivesServerDatabaseTtlAndNamespace() {
    RedisCache cache =
        ResponseCache.redis("redis://cache.internal:6380/3?ttl=7d&namespace=team-a.nightly");
    assertEquals(Optional.of(Duration.ofDays(7)), cache.ttl());
    assertEquals("team-a.nightly", cache.namespace());
    assertEquals("beamllm:cache:team-a.nightly:abc", cache.redisKey("abc"));
    assertEquals(
        "redis://cache.internal:6380/3?ttl=7d&namespace=team-a.nightly", cache.redactedUri());

    RedisCache plain = ResponseCache.redis("redis://localhost");
    assertEquals(Optional.empty(), plain.ttl());
    assertEquals("", plain.namespace());
    assertEquals("beamllm:cache:abc", plain.redisKey("abc"));
    assertEquals("redis://localhost:6379/0", plain.redactedUri());
  }

  @Test
  public void everyTtlSpellingMeansTheSame() {
    for (String ttl : List.of("90s", "1500ms", "30m", "12h", "2d", "PT12H", "p2d")) {
      assertTrue(ttl, ResponseCache.redis("redis://h?ttl=" + ttl).ttl().isPresent());
    }
    assertEquals(
        Duration.ofMillis(1500), ResponseCache.redis("redis://h?ttl=1500ms").ttl().orElseThrow());
    assertEquals(
        Duration.ofMinutes(5),
        ResponseCache.redis("redis://h").withTtl(Duration.ofMinutes(5)).ttl().orElseThrow());
  }

  @Test
  public void aBadUriTtlOrNamespaceIsRefusedAtOnceNamingTheProblem() {
    assertThat(refusal("http://localhost:6379"), containsString("must start with redis://"));
    assertThat(refusal("localhost:6379"), containsString("must start with redis://"));
    assertThat(refusal("redis:///0"), containsString("names no host"));
    assertThat(refusal("redis://"), containsString("not a URI"));
    assertThat(refusal("redis://h/abc"), containsString("database number"));
    assertThat(refusal("redis://h?ttl=soon"), containsString("ttl must be a duration"));
    assertThat(refusal("redis://h?ttl=0s"), containsString("ttl: must be at least 1 millisecond"));
    assertThat(refusal("redis://h?tll=7d"), containsString("unknown option 'tll'"));
    assertThat(refusal("redis://h?namespace=a%20b"), containsString("namespace: must be"));
    RedisCache ok = ResponseCache.redis("redis://h");
    assertThrows(IllegalArgumentException.class, () -> ok.withTtl(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ok.withTtl(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> ok.withNamespace(""));
    assertThrows(NullPointerException.class, () -> ResponseCache.redis(null));
  }

  @Test
  public void thePasswordIsNeverShown() {
    String secret = "s3cr3t-Pa55";
    for (String uri :
        List.of(
            "redis://:" + secret + "@h:7000",
            "redis://alice:" + secret + "@h:7000/2",
            "rediss://" + secret + "@h",
            "redis://bob:" + secret + "@h?ttl=1h")) {
      RedisCache cache = ResponseCache.redis(uri);
      assertThat(cache.toString(), not(containsString(secret)));
      assertThat(cache.redactedUri(), not(containsString(secret)));
      assertThat(cache.redactedUri(), containsString(":***@h"));
      assertThat(cache.withTtl(Duration.ofHours(2)).toString(), not(containsString(secret)));
    }
    assertThat(
        ResponseCache.redis("redis://alice:" + secret + "@h").redactedUri(),
        containsString("redis://alice:***@h:6379/0"));
    // Refusals quote the URI as given, masked, even when it does not parse.
    for (String bad :
        List.of(
            "http://:" + secret + "@h",
            "redis://alice:" + secret + "@h/x",
            "redis://:" + secret + "@h?ttl=never",
            "redis://:" + secret + " with space@h")) {
      assertThat(refusal(bad), not(containsString(secret)));
      assertThat(refusal(bad), containsString("***"));
    }
  }

  @Test
  public void settingsEqualSettingsAndACopyIsOnlySettings() throws Exception {
    RedisCache cache = ResponseCache.redis("redis://:pw@127.0.0.1:1/1?ttl=1h&namespace=n");
    // Nothing connects until first use, so a cache for an unreachable server serializes fine.
    RedisCache copy = roundTrip(cache);
    assertEquals(cache, copy);
    assertEquals(cache.hashCode(), copy.hashCode());
    assertEquals(Optional.of(Duration.ofHours(1)), copy.ttl());
    assertFalse(cache.equals(cache.withNamespace("other")));
  }

  @Test
  public void atReadsWhatTheSettingNames() {
    assertTrue(ResponseCache.at("memory") instanceof MemoryCache);
    assertTrue(ResponseCache.at("out/cache.db") instanceof SqliteCache);
    assertTrue(ResponseCache.at("redis://h:1") instanceof RedisCache);
    assertTrue(ResponseCache.at("REDISS://h:1") instanceof RedisCache);
    assertThrows(IllegalArgumentException.class, () -> ResponseCache.at("http://h/cache"));
  }

  private static String refusal(String uri) {
    return assertThrows(IllegalArgumentException.class, () -> ResponseCache.redis(uri))
        .getMessage();
  }

  private static RedisCache roundTrip(RedisCache cache) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(cache);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (RedisCache) in.readObject();
    }
  }
}

package dev.beamllm.cache;

import dev.beamllm.redis.RedisConnections;
import dev.beamllm.redis.RedisUri;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link ResponseCache} in Redis, shared by every worker, process and job that names the same
 * server: on a cluster it is the job's checkpoint, and one job's answers are the next one's hits.
 * Each answer is a string under {@code beamllm:cache:[namespace:]<key>} holding its {@link
 * ApiResponseJson} form (what the SQLite cache stores), with an optional time to live.
 *
 * <p>Only the settings are serialized (the URI's parts, TTL and namespace), so a copy sent to a
 * Beam worker connects from there, through one pool per server in each JVM. Answers are written by
 * a writer thread of the cache's own, every answer waiting in one pipeline, and each {@link
 * #putAsync} completes when its pipeline is acknowledged. As with the SQLite cache, a store that
 * fails loses no row: a lookup that fails is a miss (the request is sent) and a write that fails is
 * logged by the client, which still delivers the answer. The password never appears in {@link
 * #toString()}, messages or exceptions.
 *
 * <p>The password travels inside the serialized pipeline with the rest of the URI; use Redis ACLs
 * or a network that only the job's workers reach when that matters.
 */
public final class RedisCache implements ResponseCache {
  private static final long serialVersionUID = 1L;

  /** After a lookup could not reach the server, lookups are misses at once for this long. */
  private static final long DOWN_NANOS = 1_000_000_000L;

  private final RedisUri uri;
  private transient volatile GroupCommitWriter writer;
  // While down, lookups fail at once until downUntilNanos. A flag of its own, not "the deadline has
  // passed", because System.nanoTime() may be negative and a fresh copy's deadline is 0.
  private transient volatile long downUntilNanos;
  private transient volatile boolean down;

  RedisCache(RedisUri uri) {
    this.uri = uri;
  }

  /**
   * The same cache whose answers expire {@code ttl} after they are written (at least a
   * millisecond); by default they never expire. A URI's {@code ?ttl=7d} sets the same.
   */
  public RedisCache withTtl(Duration ttl) {
    return new RedisCache(uri.withTtl(ttl));
  }

  /**
   * The same cache with its keys under {@code beamllm:cache:<namespace>:}, so jobs that must not
   * see each other's answers can share one Redis (1 to 100 letters, digits or {@code . _ - :}). A
   * URI's {@code ?namespace=name} sets the same.
   */
  public RedisCache withNamespace(String namespace) {
    return new RedisCache(uri.withNamespace(namespace));
  }

  /** How long an answer is kept after it is written; empty when answers never expire. */
  public Optional<Duration> ttl() {
    return uri.ttlMillis() > 0 ? Optional.of(Duration.ofMillis(uri.ttlMillis())) : Optional.empty();
  }

  /** The namespace of the keys, empty for none. */
  public String namespace() {
    return uri.namespace();
  }

  /** The Redis key of a cache key: the prefix, the namespace and the key. */
  public String redisKey(String key) {
    return uri.keyPrefix() + key;
  }

  /** Batches noted beside the answers, under the same prefix. */
  @Override
  public BatchLedger batchLedger() {
    return new RedisLedger(uri);
  }

  /** The URI with its password masked: {@code redis://user:***@host:6379/0?ttl=7d}. */
  public String redactedUri() {
    return uri.toString();
  }

  /**
   * Checks now that the server can be reached and written with these credentials (one short-lived
   * probe key), so a job can stop before it sends anything.
   *
   * @throws IllegalStateException saying why in one line, the password masked
   */
  public void checkReachable() {
    String probe = uri.keyPrefix() + "probe:" + java.util.UUID.randomUUID();
    try {
      // Expires by itself should the delete not happen (a lost connection, an ACL without DEL).
      String reply = client().set(probe, "1", SetParams.setParams().px(10_000));
      if (!"OK".equals(reply)) {
        throw new IllegalStateException(uri + ": the probe write was answered " + reply);
      }
      try {
        client().del(probe);
      } catch (redis.clients.jedis.exceptions.JedisDataException deleteRefused) {
        // Written is what matters; the probe expires in seconds.
      }
    } catch (JedisConnectionException e) {
      throw new IllegalStateException("cannot reach " + uri + ": " + rootMessage(e), e);
    } catch (JedisException e) {
      throw new IllegalStateException(uri + " refused a write: " + rootMessage(e), e);
    }
  }

  /**
   * The answer stored under the key, if any.
   *
   * @throws IllegalStateException when the server cannot be reached or the entry cannot be read
   *     (the client takes either as a miss)
   */
  @Override
  public Optional<ApiResponse> get(String key) {
    if (down) {
      if (System.nanoTime() - downUntilNanos < 0) {
        throw new IllegalStateException(
            "response cache " + uri + ": unreachable a moment ago, lookups are misses for now");
      }
      down = false;
    }
    String json;
    try {
      json = client().get(redisKey(key));
    } catch (JedisConnectionException e) {
      downUntilNanos = System.nanoTime() + DOWN_NANOS;
      down = true;
      throw failure(e);
    } catch (JedisException e) {
      throw failure(e);
    }
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ApiResponseJson.fromJson(json));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "response cache " + uri + ": the entry for key " + key + " cannot be read", e);
    }
  }

  /**
   * The JSON stored under the key with {@link #putEntry}, beside the answers.
   *
   * @throws IllegalStateException when the server cannot be reached (the client takes it as a miss)
   */
  @Override
  public Optional<String> getEntry(String key) {
    try {
      return Optional.ofNullable(client().get(redisKey(key)));
    } catch (JedisException e) {
      throw failure(e);
    }
  }

  /** Queues the JSON for the cache's writer, with the cache's TTL; completes when acknowledged. */
  @Override
  public CompletableFuture<Void> putEntry(String key, String json) {
    return writer().submit(redisKey(key), json);
  }

  /**
   * Stores the answer, replacing any under the same key, and returns when Redis has acknowledged
   * it; failed answers are not stored.
   */
  @Override
  public void put(String key, ApiResponse response) {
    try {
      putAsync(key, response).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof IllegalStateException ise ? ise : failure(e.getCause());
    }
  }

  /**
   * Queues the answer for the cache's writer, which sends every answer waiting in one pipeline;
   * completes when this one is acknowledged.
   */
  @Override
  public CompletableFuture<Void> putAsync(String key, ApiResponse response) {
    if (response.isError()) {
      return CompletableFuture.completedFuture(null);
    }
    return writer().submit(redisKey(key), ApiResponseJson.toJson(response));
  }

  private GroupCommitWriter writer() {
    GroupCommitWriter w = writer;
    if (w == null) {
      synchronized (this) {
        if (writer == null) {
          writer = new GroupCommitWriter(new Writes(), "beamllm-redis-writer " + uri);
        }
        w = writer;
      }
    }
    return w;
  }

  /** The writer's side: one pipeline per group, sent again once if the connection was stale. */
  private final class Writes implements GroupCommitWriter.Store {
    @Override
    public void write(List<GroupCommitWriter.Entry> group) {
      try {
        send(group);
      } catch (JedisConnectionException stale) {
        // A pooled connection the server closed (a restart, an idle timeout) fails on first use;
        // a fresh one succeeds. SET is idempotent, so sending the group again is safe.
        try {
          send(group);
        } catch (JedisException e) {
          throw failure(e);
        }
      } catch (JedisException e) {
        throw failure(e);
      }
    }

    private void send(List<GroupCommitWriter.Entry> group) {
      SetParams params = uri.ttlMillis() > 0 ? SetParams.setParams().px(uri.ttlMillis()) : null;
      List<Response<String>> replies = new ArrayList<>(group.size());
      try (AbstractPipeline pipeline = client().pipelined()) {
        for (GroupCommitWriter.Entry e : group) {
          replies.add(
              params == null
                  ? pipeline.set(e.key(), e.json())
                  : pipeline.set(e.key(), e.json(), params));
        }
        pipeline.sync();
      }
      for (Response<String> r : replies) {
        r.get(); // throws the server's error for that command, if any
      }
    }

    @Override
    public void reset() {
      // The pool replaces broken connections itself.
    }
  }

  private RedisClient client() {
    return RedisConnections.client(uri);
  }

  private IllegalStateException failure(Throwable e) {
    return new IllegalStateException("response cache " + uri + ": " + rootMessage(e), e);
  }

  /** The innermost message (a refused connection's, not Jedis's wrapper). */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message != null ? message : e.getClass().getSimpleName();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisCache other && uri.equals(other.uri);
  }

  @Override
  public int hashCode() {
    return Objects.hash(RedisCache.class, uri);
  }

  /** {@code RedisCache{redis://user:***@host:6379/0}}: the password is never shown. */
  @Override
  public String toString() {
    return "RedisCache{" + uri + "}";
  }
}

package dev.beamllm.cache;

import dev.beamllm.redis.RedisUri;
import dev.beamllm.response.ApiResponse;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Stores answers by request key so the same request is never paid for twice. A hit is answered
 * without sending and without using rate-limit capacity. Implementations are thread-safe.
 */
public interface ResponseCache extends Serializable {

  /** The answer stored under the key, if any. */
  Optional<ApiResponse> get(String key);

  /** Stores a successful answer. */
  void put(String key, ApiResponse response);

  /**
   * Stores a successful answer and completes when it is stored (for a persistent store: durable).
   * Stores that write in groups complete later and cheaper; this default stores at once.
   */
  default CompletableFuture<Void> putAsync(String key, ApiResponse response) {
    try {
      put(key, response);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The JSON value stored under the key with {@link #putEntry}: answers that are not a chat
   * response (embeddings), kept in the same store. Empty when there is none, and by default (a
   * store of the caller's that keeps only responses).
   */
  default Optional<String> getEntry(String key) {
    return Optional.empty();
  }

  /**
   * Stores a JSON value under the key, replacing any; completes when it is stored (for a persistent
   * store: durable). By default nothing is stored.
   */
  default CompletableFuture<Void> putEntry(String key, String json) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Where the client notes the provider batches it submitted, so that a job run again waits for
   * them rather than submitting their requests twice: in the same store as the answers. None by
   * default (a store of the caller's that cannot keep them).
   */
  default BatchLedger batchLedger() {
    return BatchLedger.NONE;
  }

  /** An in-memory cache for this JVM. */
  static ResponseCache memory() {
    return new MemoryCache();
  }

  /**
   * A cache in a SQLite file, created with its folders if missing, that outlives the JVM and can be
   * shared by threads, processes and Beam workers that see the same file. Only the path is
   * serialized; the file is opened on first use.
   */
  static ResponseCache sqlite(Path file) {
    return new SqliteCache(Objects.requireNonNull(file, "file"));
  }

  /**
   * A cache in Redis that every worker, process and job naming the same server shares: on a cluster
   * it is the job's checkpoint. {@code uri} is {@code
   * redis://[user:password@]host[:port][/db][?ttl=7d&namespace=name]} ({@code rediss://} for TLS);
   * answers never expire unless a TTL is given here or with {@link RedisCache#withTtl}. The URI is
   * checked now (a refusal names the problem, the password masked); the server is reached on first
   * use, or now with {@link RedisCache#checkReachable()}.
   *
   * @throws IllegalArgumentException for a URI that is not a Redis URI, a bad TTL or namespace
   */
  static RedisCache redis(String uri) {
    return new RedisCache(RedisUri.parse(uri, "redis cache"));
  }

  /**
   * The cache a setting names, as the YAML key {@code cache} and the main job's {@code --cache} and
   * {@code --checkpoint} take it: {@code memory}, a {@code redis://} or {@code rediss://} URI, or
   * the path of a SQLite file.
   *
   * @throws IllegalArgumentException for a URI of another scheme, or a bad Redis URI
   */
  static ResponseCache at(String where) {
    Objects.requireNonNull(where, "where");
    String w = where.trim();
    if (w.equalsIgnoreCase("memory")) {
      return memory();
    }
    if (w.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      // A URI: Redis, or refused naming the schemes it may have (not a file called "http:").
      return redis(w);
    }
    return sqlite(Path.of(where));
  }
}

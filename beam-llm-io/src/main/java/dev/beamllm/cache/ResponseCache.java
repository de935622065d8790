package dev.beamllm.cache;

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
}

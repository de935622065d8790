package dev.beamllm.client;

import dev.beamllm.cache.ResponseCache;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The cache's JSON entries ({@link ResponseCache#getEntry}, {@link ResponseCache#putEntry}) as the
 * non-chat requests use them: an entry that cannot be read is a miss, and one that cannot be
 * written is dropped (the answer paid for is still delivered), never an error.
 */
final class EntryCache {
  private final ResponseCache cache;

  /**
   * @param cache the client's cache, or null for none
   */
  EntryCache(ResponseCache cache) {
    this.cache = cache;
  }

  /**
   * The entry under the key, read with {@code read}; empty without a cache, on a miss, or
   * unreadable.
   */
  <T> Optional<T> get(String key, Function<String, T> read) {
    if (cache == null) {
      return Optional.empty();
    }
    try {
      return cache.getEntry(key).map(read);
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** Stores the entry; completes once stored, or at once when it cannot be. */
  CompletableFuture<Void> put(String key, String json) {
    if (cache == null) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return cache.putEntry(key, json).exceptionally(failed -> null);
    } catch (RuntimeException failed) {
      return CompletableFuture.completedFuture(null);
    }
  }
}

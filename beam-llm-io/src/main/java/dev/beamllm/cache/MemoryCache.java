package dev.beamllm.cache;

import dev.beamllm.response.ApiResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ResponseCache} in a concurrent map; its contents do not survive serialization. */
final class MemoryCache implements ResponseCache {
  private static final long serialVersionUID = 1L;
  private final transient Map<String, ApiResponse> entries = new ConcurrentHashMap<>();
  private final transient BatchLedger ledger = new MemoryLedger();
  private final transient Map<String, String> jsonEntries = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiResponse> get(String key) {
    return entries == null ? Optional.empty() : Optional.ofNullable(entries.get(key));
  }

  @Override
  public void put(String key, ApiResponse response) {
    if (entries != null) {
      entries.put(key, response);
    }
  }

  @Override
  public Optional<String> getEntry(String key) {
    return jsonEntries == null ? Optional.empty() : Optional.ofNullable(jsonEntries.get(key));
  }

  @Override
  public CompletableFuture<Void> putEntry(String key, String json) {
    if (jsonEntries != null) {
      jsonEntries.put(key, json);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Batches noted in this JVM only; a copy that was serialized notes none. */
  @Override
  public BatchLedger batchLedger() {
    return ledger != null ? ledger : BatchLedger.NONE;
  }

  @Override
  public String toString() {
    return "MemoryCache";
  }
}

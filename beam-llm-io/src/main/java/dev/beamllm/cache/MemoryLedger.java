package dev.beamllm.cache;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link BatchLedger} in a concurrent map, for the memory cache: it lasts as long as the JVM. */
final class MemoryLedger implements BatchLedger {
  private final Map<String, Pending> byKey = new ConcurrentHashMap<>();

  @Override
  public void submitted(Pending batch, Collection<String> keys) {
    keys.forEach(k -> byKey.put(k, batch));
  }

  @Override
  public Map<String, Pending> pending(Collection<String> keys) {
    Map<String, Pending> found = new HashMap<>();
    for (String k : keys) {
      Pending p = byKey.get(k);
      if (p != null) {
        found.put(k, p);
      }
    }
    return found;
  }

  @Override
  public void forget(Collection<String> keys) {
    keys.forEach(byKey::remove);
  }
}

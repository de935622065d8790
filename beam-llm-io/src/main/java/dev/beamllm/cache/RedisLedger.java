package dev.beamllm.cache;

import dev.beamllm.redis.RedisConnections;
import dev.beamllm.redis.RedisUri;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link BatchLedger} beside a {@link RedisCache}'s answers: each request key's batch is a string
 * under the cache's prefix plus {@code batch:<key>}, so every worker of a cluster finds the batches
 * any of them submitted. Entries expire after {@value #KEEP_DAYS} days, about as long as the
 * providers keep a batch's results.
 */
final class RedisLedger implements BatchLedger {
  private static final int KEEP_DAYS = 29;

  private final RedisUri uri;

  RedisLedger(RedisUri uri) {
    this.uri = uri;
  }

  private String key(String requestKey) {
    return uri.keyPrefix() + "batch:" + requestKey;
  }

  @Override
  public void submitted(Pending batch, Collection<String> keys) {
    SetParams expiry = SetParams.setParams().ex(KEEP_DAYS * 86_400L);
    try (AbstractPipeline pipeline = RedisConnections.client(uri).pipelined()) {
      for (String k : keys) {
        pipeline.set(key(k), batch.stored(), expiry);
      }
      pipeline.sync();
    } catch (JedisException e) {
      throw failure(e);
    }
  }

  @Override
  public Map<String, Pending> pending(Collection<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<String> asked = new ArrayList<>(keys);
    List<String> values;
    try {
      values =
          RedisConnections.client(uri).mget(asked.stream().map(this::key).toArray(String[]::new));
    } catch (JedisException e) {
      throw failure(e);
    }
    Map<String, Pending> found = new HashMap<>();
    for (int i = 0; i < asked.size(); i++) {
      Pending p = Pending.parse(values.get(i));
      if (p != null) {
        found.put(asked.get(i), p);
      }
    }
    return found;
  }

  @Override
  public void forget(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try {
      RedisConnections.client(uri).del(keys.stream().map(this::key).toArray(String[]::new));
    } catch (JedisException e) {
      throw failure(e);
    }
  }

  private IllegalStateException failure(JedisException e) {
    return new IllegalStateException("batch ledger in " + uri + ": " + e.getMessage(), e);
  }
}

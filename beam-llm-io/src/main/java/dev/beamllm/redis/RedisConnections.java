package dev.beamllm.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * One connection pool per Redis server, database and credentials in this JVM, shared by every
 * response cache and shared limiter that names them. Beam deserializes a cache per DoFn instance,
 * and a pool per copy would open a hundred connections per worker; one pool per JVM (as JdbcIO
 * shares its data source) keeps it to what is in use. Pools are never closed: idle connections are
 * closed by the pool's evictor, so a pool nobody uses holds no socket, and a restarted server is
 * reconnected to.
 */
public final class RedisConnections {
  /** Connect within this, or the server counts as unreachable. */
  public static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  /** A command's answer within this, or it fails. */
  public static final int SOCKET_TIMEOUT_MILLIS = 5_000;

  /** Connections per pool: the client's threads look up at once, and one writer pipelines. */
  private static final int MAX_CONNECTIONS = 32;

  private static final Map<String, RedisClient> CLIENTS = new HashMap<>();

  private RedisConnections() {}

  /** The JVM's client for the URI's server, created on first use (connecting lazily). */
  public static synchronized RedisClient client(RedisUri uri) {
    return CLIENTS.computeIfAbsent(uri.connectionKey(), k -> create(uri));
  }

  private static RedisClient create(RedisUri uri) {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
            .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
            .database(uri.database())
            .ssl(uri.tls())
            .clientName("beamllm");
    if (uri.user() != null) {
      config.user(uri.user());
    }
    if (uri.password() != null) {
      config.password(uri.password());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(MAX_CONNECTIONS);
    pool.setMaxIdle(MAX_CONNECTIONS);
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofMillis(CONNECT_TIMEOUT_MILLIS + SOCKET_TIMEOUT_MILLIS));
    pool.setTestWhileIdle(true);
    pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(10));
    pool.setMinEvictableIdleDuration(Duration.ofSeconds(30));
    return RedisClient.builder()
        .hostAndPort(new HostAndPort(uri.host(), uri.port()))
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }
}

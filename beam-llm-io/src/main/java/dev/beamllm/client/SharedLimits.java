package dev.beamllm.client;

import dev.beamllm.redis.RedisUri;
import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the limits that every worker of a cluster shares are held: a Redis server, and the
 * namespace of one job's keys there. With it, the client's requests/min, tokens/min and requests in
 * flight are those of the whole cluster, not of one JVM, and what a worker learns from a provider
 * (its real limits, a cool-down after a 429) every worker honours. A spending cap ({@link
 * ClientConfig#withMaxCost}) becomes the cluster's too ({@link RedisBudget}). Immutable; its {@link
 * #toString} never shows a password.
 *
 * <pre>{@code SharedLimits.redis("redis://10.0.0.5:6379").withNamespace("nightly-eval")}</pre>
 */
public final class SharedLimits implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** The namespace of a client outside Beam when none is given. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final String uri;
  private final String namespace; // null: not set

  private SharedLimits(String uri, String namespace) {
    this.uri = uri;
    this.namespace = namespace;
  }

  /**
   * Limits held on the Redis server at {@code uri}: {@code
   * redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS.
   *
   * @throws IllegalArgumentException when the URI is not a Redis URI (the message never shows a
   *     password)
   */
  public static SharedLimits redis(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("sharedLimits: a redis:// URI is needed");
    }
    RedisUri.parse(uri.strip(), "sharedLimits:");
    return new SharedLimits(uri.strip(), null);
  }

  /**
   * A copy whose keys live under {@code namespace}: jobs with the same namespace (and the same
   * provider keys) share one quota; letters, digits, '.', '_' and '-'.
   */
  public SharedLimits withNamespace(String namespace) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "sharedLimits namespace: 1 to 100 letters, digits, '.', '_' or '-', got " + namespace);
    }
    return new SharedLimits(uri, namespace);
  }

  /** The namespace of the keys: the one set, else {@value #DEFAULT_NAMESPACE}. */
  public String namespace() {
    return namespace != null ? namespace : DEFAULT_NAMESPACE;
  }

  /**
   * A copy whose namespace is {@code name} (characters that a namespace cannot hold become '-')
   * unless one was set: {@code LlmIO} gives the pipeline's job name, so each job has its own quota
   * unless jobs name the same namespace.
   */
  public SharedLimits withDefaultNamespace(String name) {
    if (namespace != null || name == null || name.isBlank()) {
      return this;
    }
    String clean = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return withNamespace(clean.length() > 100 ? clean.substring(0, 100) : clean);
  }

  /**
   * Checks that the server answers, as a job does before it sends anything.
   *
   * @return this
   * @throws IllegalStateException naming the server (password masked) and why it cannot be reached
   */
  public SharedLimits checkReachable() {
    RedisQuota.ping(this);
    return this;
  }

  /** The URI with any password replaced by {@code ***}. */
  public String displayUri() {
    return server().toString();
  }

  /** The server, parsed and checked. */
  RedisUri server() {
    return RedisUri.parse(uri, "sharedLimits:");
  }

  /** A URI's password replaced by {@code ***}. */
  static String masked(String uri) {
    return RedisUri.mask(uri);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedLimits s
        && s.uri.equals(uri)
        && Objects.equals(s.namespace, namespace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri, namespace);
  }

  @Override
  public String toString() {
    return "SharedLimits{" + displayUri() + ", namespace=" + namespace() + "}";
  }
}

package dev.beamllm.redis;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis server and how the response cache stores there, parsed and checked from a {@code
 * redis://[user:password@]host[:port][/db][?ttl=7d&namespace=name]} URI ({@code rediss://} for
 * TLS). Its {@link #toString()} and every message it makes mask the password, so the URI can be
 * logged, shown and put in an exception.
 *
 * @param password null when the URI gives none
 * @param user null when the URI gives none
 * @param ttlMillis 0 for answers that never expire
 * @param namespace empty for none
 */
public record RedisUri(
    boolean tls,
    String user,
    String password,
    String host,
    int port,
    int database,
    long ttlMillis,
    String namespace)
    implements Serializable {

  /** The port when the URI gives none. */
  public static final int DEFAULT_PORT = 6379;

  private static final Pattern SHORT_DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._\\-:]{1,100}");

  /**
   * Parses and checks a URI; the message of a refusal names {@code setting} and masks the password.
   */
  public static RedisUri parse(String text, String setting) {
    if (text == null) {
      throw new NullPointerException("uri");
    }
    String shown = mask(text);
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw refused(setting, shown, "it is not a URI");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw refused(setting, shown, "it must start with redis:// (or rediss:// for TLS)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw refused(setting, shown, "it names no host (redis://host:port)");
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      if (colon < 0) {
        // redis://secret@host: the password alone, as redis-cli and Jedis read it.
        password = decode(info);
      } else {
        user = colon == 0 ? null : decode(info.substring(0, colon));
        password = decode(info.substring(colon + 1));
      }
    }
    int database = 0;
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/")) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        database = -1;
      }
      if (database < 0) {
        throw refused(setting, shown, "the path must be a database number (/0, /1, ...)");
      }
    }
    long ttlMillis = 0;
    String namespace = "";
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        switch (name) {
          case "ttl" -> ttlMillis = checkTtl(duration(value, shown)).toMillis();
          case "namespace" -> namespace = checkNamespace(value);
          default ->
              throw refused(
                  setting, shown, "unknown option '" + name + "' (known: ttl, namespace)");
        }
      }
    }
    return new RedisUri(
        scheme.equals("rediss"),
        user,
        password,
        uri.getHost(),
        port,
        database,
        ttlMillis,
        namespace);
  }

  /** The same store with answers kept for {@code ttl}. */
  public RedisUri withTtl(Duration ttl) {
    return new RedisUri(
        tls, user, password, host, port, database, checkTtl(ttl).toMillis(), namespace);
  }

  /** The same store with keys under {@code namespace}. */
  public RedisUri withNamespace(String namespace) {
    return new RedisUri(
        tls, user, password, host, port, database, ttlMillis, checkNamespace(namespace));
  }

  /** The prefix of every key this cache writes. */
  public String keyPrefix() {
    return "beamllm:cache:" + (namespace.isEmpty() ? "" : namespace + ":");
  }

  /**
   * What identifies a connection pool: the server, the database and the credentials (not the TTL or
   * namespace, which only change what is written through it).
   */
  public String connectionKey() {
    return (tls ? "rediss" : "redis")
        + "|"
        + user
        + "|"
        + password
        + "|"
        + host
        + "|"
        + port
        + "|"
        + database;
  }

  /** The URI with the password masked. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(tls ? "rediss://" : "redis://");
    if (user != null || password != null) {
      s.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
    }
    s.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    s.append('/').append(database);
    String sep = "?";
    if (ttlMillis > 0) {
      s.append(sep).append("ttl=").append(shortDuration(ttlMillis));
      sep = "&";
    }
    if (!namespace.isEmpty()) {
      s.append(sep).append("namespace=").append(namespace);
    }
    return s.toString();
  }

  /**
   * A Redis URI as given, with whatever stands between {@code ://} and the last {@code @} masked
   * except a user name: for messages about a URI that may not even parse.
   */
  public static String mask(String text) {
    int start = text.indexOf("://");
    int from = start < 0 ? 0 : start + 3;
    int at = text.lastIndexOf('@');
    if (at < from) {
      return text;
    }
    String info = text.substring(from, at);
    int colon = info.indexOf(':');
    String kept = colon < 0 ? "" : info.substring(0, colon);
    return text.substring(0, from) + kept + ":***" + text.substring(at);
  }

  /**
   * A duration as a number and a unit ({@code 500ms}, {@code 45s}, {@code 30m}, {@code 12h}, {@code
   * 7d}) or in ISO-8601 ({@code PT12H}, {@code P7D}).
   */
  public static Duration duration(String value, String shown) {
    String v = value.trim();
    Matcher m = SHORT_DURATION.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw refused(
          "redis cache",
          shown,
          "ttl must be a duration such as 7d, 12h, 30m, 45s or 500ms, got '" + value + "'");
    }
  }

  /** Milliseconds in the largest unit that divides them, as the URI's {@code ttl} takes it. */
  public static String shortDuration(long millis) {
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + "ms";
  }

  private static Duration checkTtl(Duration ttl) {
    if (ttl == null) {
      throw new NullPointerException("ttl");
    }
    if (ttl.isNegative() || ttl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "ttl: must be at least 1 millisecond (answers that never expire: no ttl), got " + ttl);
    }
    return ttl;
  }

  private static String checkNamespace(String namespace) {
    if (namespace == null) {
      throw new NullPointerException("namespace");
    }
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace: must be 1 to 100 letters, digits or . _ - :, got '" + namespace + "'");
    }
    return namespace;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException refused(String setting, String shown, String why) {
    return new IllegalArgumentException(setting + " " + shown + ": " + why);
  }
}

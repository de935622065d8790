package dev.beamllm.mcp;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One MCP server: a command this JVM starts and talks to over stdio, or a URL it reaches over
 * streamable HTTP. Immutable; every {@code withX} checks its argument at once and fails with one
 * line naming the server and the field.
 *
 * <p><b>Secrets.</b> Environment values and header values are never shown: {@link #toString()} and
 * every error print their names only. Because tools made from a server carry this configuration to
 * Beam's workers, a value may refer to the worker's environment instead of holding the secret:
 * {@code ${NAME}} (or {@code ${NAME:-default}}) in the command, an argument, an environment value,
 * the URL or a header value is replaced by that environment variable when the server is connected,
 * on the machine that connects, so the secret never enters the serialized pipeline. A reference to
 * a variable that is not set fails the connection with a message naming the variable.
 */
public final class McpServer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How long a server may take to start and answer the MCP handshake, unless set. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

  /** How long one request (a tool call, a listing) may take, unless set. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** How the JVM talks to the server. */
  public enum Transport {
    /** A local process started from a command; JSON-RPC over its stdin and stdout. */
    STDIO,
    /** A remote or local endpoint over MCP's streamable HTTP transport. */
    HTTP
  }

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
  private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Headers that Java's HTTP client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final String name;
  private final Transport transport;
  private final String command;
  private final ArrayList<String> args;
  private final LinkedHashMap<String, String> env;
  private final String url;
  private final LinkedHashMap<String, String> headers;
  private final Duration startupTimeout;
  private final Duration requestTimeout;

  private McpServer(
      String name,
      Transport transport,
      String command,
      List<String> args,
      Map<String, String> env,
      String url,
      Map<String, String> headers,
      Duration startupTimeout,
      Duration requestTimeout) {
    this.name = name;
    this.transport = transport;
    this.command = command;
    this.args = new ArrayList<>(args);
    this.env = new LinkedHashMap<>(env);
    this.url = url;
    this.headers = new LinkedHashMap<>(headers);
    this.startupTimeout = startupTimeout;
    this.requestTimeout = requestTimeout;
  }

  /**
   * A server this JVM starts as a process and talks to over its stdin and stdout, as Claude
   * Desktop's {@code "command"} entries.
   *
   * @param name the server's name: what tool names are prefixed with when they clash, and what
   *     errors say
   * @param command the program, found on the {@code PATH} or given by path
   * @param args its arguments
   * @throws IllegalArgumentException when the name, the command or an argument is missing
   */
  public static McpServer stdio(String name, String command, String... args) {
    return stdio(name, command, args == null ? null : List.of(args));
  }

  /** A stdio server with its arguments as a list; see {@link #stdio(String, String, String...)}. */
  public static McpServer stdio(String name, String command, List<String> args) {
    String n = checkName(name);
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("MCP server '" + n + "': command is missing");
    }
    return new McpServer(
        n,
        Transport.STDIO,
        command,
        checkArgs(n, args),
        Map.of(),
        null,
        Map.of(),
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * A server reached over MCP's streamable HTTP transport, as {@code "url"} entries.
   *
   * @param name the server's name
   * @param url its endpoint, {@code http} or {@code https}, with the path the server serves MCP on
   *     (often {@code /mcp})
   * @throws IllegalArgumentException when the name is missing or the URL is not an http(s) URL
   */
  public static McpServer http(String name, String url) {
    String n = checkName(name);
    return new McpServer(
        n,
        Transport.HTTP,
        null,
        List.of(),
        Map.of(),
        checkUrl(n, url),
        Map.of(),
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * This stdio server with these environment variables added to the process's environment (which
   * otherwise is this JVM's). Values may be {@code ${NAME}} references; they are never shown.
   *
   * @throws IllegalArgumentException for an HTTP server, a name that is empty or holds {@code =},
   *     or a missing value
   */
  public McpServer withEnv(Map<String, String> variables) {
    if (transport != Transport.STDIO) {
      throw new IllegalArgumentException(
          "MCP server '" + name + "': env is for stdio servers; an HTTP server takes headers");
    }
    Objects.requireNonNull(variables, "variables");
    LinkedHashMap<String, String> merged = new LinkedHashMap<>(env);
    for (Map.Entry<String, String> e : variables.entrySet()) {
      String key = e.getKey();
      if (key == null || !ENV_NAME.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': env name '" + key + "' must be non-empty without '='");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': env '" + key + "' has no value");
      }
      merged.put(key, e.getValue());
    }
    return new McpServer(
        name, transport, command, args, merged, url, headers, startupTimeout, requestTimeout);
  }

  /** This stdio server with one more environment variable; see {@link #withEnv(Map)}. */
  public McpServer withEnv(String variable, String value) {
    Map<String, String> one = new LinkedHashMap<>();
    one.put(variable, value);
    return withEnv(one);
  }

  /**
   * This HTTP server with these headers on every request (an {@code Authorization} header, an API
   * key). Values may be {@code ${NAME}} references; they are never shown.
   *
   * @throws IllegalArgumentException for a stdio server, a name that is not an HTTP token, or a
   *     value that is missing or holds a line break
   */
  public McpServer withHeaders(Map<String, String> values) {
    if (transport != Transport.HTTP) {
      throw new IllegalArgumentException(
          "MCP server '" + name + "': headers are for HTTP servers; a stdio server takes env");
    }
    Objects.requireNonNull(values, "values");
    LinkedHashMap<String, String> merged = new LinkedHashMap<>(headers);
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      if (key == null || !HEADER_NAME.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': header name '" + key + "' is not a valid HTTP header name");
      }
      if (RESTRICTED_HEADERS.contains(key.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': header '" + key + "' is set by the HTTP client itself");
      }
      String value = e.getValue();
      if (value == null) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': header '" + key + "' has no value");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "MCP server '" + name + "': header '" + key + "' must not hold a line break");
      }
      merged.put(key, value);
    }
    return new McpServer(
        name, transport, command, args, env, url, merged, startupTimeout, requestTimeout);
  }

  /** This HTTP server with one more header; see {@link #withHeaders(Map)}. */
  public McpServer withHeader(String header, String value) {
    Map<String, String> one = new LinkedHashMap<>();
    one.put(header, value);
    return withHeaders(one);
  }

  /**
   * How long the server may take to start and answer the handshake (positive; default {@link
   * #DEFAULT_STARTUP_TIMEOUT}). A {@code npx} command that downloads its package needs more.
   */
  public McpServer withStartupTimeout(Duration timeout) {
    return new McpServer(
        name,
        transport,
        command,
        args,
        env,
        url,
        headers,
        checkPositive(name, timeout, "startupTimeout"),
        requestTimeout);
  }

  /**
   * How long one request may take (positive; default {@link #DEFAULT_REQUEST_TIMEOUT}). A {@link
   * dev.beamllm.tool.ToolSet}'s shorter call timeout ends the call sooner for the model.
   */
  public McpServer withRequestTimeout(Duration timeout) {
    return new McpServer(
        name,
        transport,
        command,
        args,
        env,
        url,
        headers,
        startupTimeout,
        checkPositive(name, timeout, "requestTimeout"));
  }

  /** The server's name. */
  public String name() {
    return name;
  }

  /** Stdio or streamable HTTP. */
  public Transport transport() {
    return transport;
  }

  /** The command of a stdio server, as configured (references not yet replaced). */
  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  /** The arguments of a stdio server, as configured. */
  public List<String> args() {
    return Collections.unmodifiableList(args);
  }

  /** The names of the environment variables set for a stdio server (their values are secret). */
  public Set<String> envNames() {
    return Collections.unmodifiableSet(env.keySet());
  }

  /** The URL of an HTTP server, as configured. */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }

  /** The names of the headers sent to an HTTP server (their values are secret). */
  public Set<String> headerNames() {
    return Collections.unmodifiableSet(headers.keySet());
  }

  /** How long the server may take to start and answer the handshake. */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /** How long one request may take. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** The configured environment values (secret: never shown). */
  Map<String, String> env() {
    return Collections.unmodifiableMap(env);
  }

  /** The configured header values (secret: never shown). */
  Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }

  /**
   * The URL with its {@code ${NAME}} references replaced from {@code environment}: what a provider
   * that calls this server itself is told.
   *
   * @throws IllegalStateException naming the variable that is not set
   * @throws IllegalArgumentException for a stdio server
   */
  public String resolvedUrl(Function<String, String> environment) {
    if (transport != Transport.HTTP) {
      throw new IllegalArgumentException("MCP server '" + name + "' is not an HTTP server");
    }
    return expand(url, "url", environment);
  }

  /**
   * The header values with their {@code ${NAME}} references replaced from {@code environment}: what
   * a provider that calls this server itself is sent. Secret: never log or show them.
   *
   * @throws IllegalStateException naming the header and the variable that is not set
   */
  public Map<String, String> resolvedHeaders(Function<String, String> environment) {
    Map<String, String> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, expand(v, "header '" + k + "'", environment)));
    return Collections.unmodifiableMap(h);
  }

  /**
   * This server with every {@code ${NAME}} reference replaced from {@code environment}: what is
   * connected to. The result is not validated again (its values may be anything a variable holds).
   *
   * @throws IllegalStateException naming the field and the variable that is not set
   */
  McpServer resolved(Function<String, String> environment) {
    String c = command == null ? null : expand(command, "command", environment);
    List<String> a = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      a.add(expand(args.get(i), "args[" + i + "]", environment));
    }
    Map<String, String> e = new LinkedHashMap<>();
    env.forEach((k, v) -> e.put(k, expand(v, "env '" + k + "'", environment)));
    String u = url == null ? null : expand(url, "url", environment);
    Map<String, String> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, expand(v, "header '" + k + "'", environment)));
    return new McpServer(name, transport, c, a, e, u, h, startupTimeout, requestTimeout);
  }

  private String expand(String value, String field, Function<String, String> environment) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1);
      String found = environment.apply(variable);
      if (found == null) {
        if (m.group(2) == null) {
          throw new IllegalStateException(
              "MCP server '"
                  + name
                  + "': "
                  + field
                  + " refers to ${"
                  + variable
                  + "}, which is not set in this environment");
        }
        found = m.group(2).substring(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(found));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("MCP server: a server needs a non-empty name");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(
            "MCP server '" + name.strip() + "': the name must not hold control characters");
      }
    }
    return name;
  }

  private static List<String> checkArgs(String name, List<String> args) {
    if (args == null) {
      return List.of();
    }
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i) == null) {
        throw new IllegalArgumentException("MCP server '" + name + "': args[" + i + "] is null");
      }
    }
    return args;
  }

  private static String checkUrl(String name, String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("MCP server '" + name + "': url is missing");
    }
    if (REFERENCE.matcher(url).find()) {
      return url; // checked once the references are replaced, where the server is connected
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "MCP server '" + name + "': url is not a valid URI (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          "MCP server '"
              + name
              + "': url must be http or https"
              + (scheme == null ? "" : ", not '" + scheme + "'"));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("MCP server '" + name + "': url has no host");
    }
    return url;
  }

  private static Duration checkPositive(String name, Duration d, String field) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(
          "MCP server '" + name + "': " + field + " must be positive, not " + d);
    }
    return d;
  }

  /** The URL without its user info, query and fragment, which may hold credentials. */
  static String shownUrl(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null) {
        return "(url)";
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
              .toString()
          + (u.getRawQuery() == null ? "" : "?***");
    } catch (URISyntaxException e) {
      return "(url)";
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof McpServer)) {
      return false;
    }
    McpServer s = (McpServer) o;
    return name.equals(s.name)
        && transport == s.transport
        && Objects.equals(command, s.command)
        && args.equals(s.args)
        && env.equals(s.env)
        && Objects.equals(url, s.url)
        && headers.equals(s.headers)
        && startupTimeout.equals(s.startupTimeout)
        && requestTimeout.equals(s.requestTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, transport, command, args, env, url, headers, startupTimeout, requestTimeout);
  }

  /** The server without secrets: environment and header names with their values masked. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("McpServer{").append(name).append(", ");
    if (transport == Transport.STDIO) {
      s.append("stdio: ").append(command);
      for (String a : args) {
        s.append(' ').append(a);
      }
      masked(s, "env", env);
    } else {
      s.append("http: ").append(shownUrl(url));
      masked(s, "headers", headers);
    }
    return s.append('}').toString();
  }

  private static void masked(StringBuilder s, String what, Map<String, String> values) {
    if (!values.isEmpty()) {
      s.append(", ").append(what).append("=[");
      String sep = "";
      for (String k : values.keySet()) {
        s.append(sep).append(k).append("=***");
        sep = ", ";
      }
      s.append(']');
    }
  }
}

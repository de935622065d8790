package dev.beamllm.mcp;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ExecutableTool;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The MCP servers whose tools a model may use, read from a Claude-Desktop-style configuration or
 * built in code, and their tools as {@link ExecutableTool}s:
 *
 * <pre>{@code
 * {"mcpServers": {
 *    "files":  {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/data"]},
 *    "search": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}}}}
 * }</pre>
 *
 * <p>An entry with {@code command} is a stdio server (with {@code args} and {@code env}); one with
 * {@code url} is a streamable HTTP server (with {@code headers}). {@code "type"} may say {@code
 * "stdio"} or {@code "http"} ({@code "streamable-http"}, {@code "streamableHttp"}); the deprecated
 * SSE transport is refused. {@code "disabled": true} leaves an entry out; {@code autoApprove} and
 * {@code alwaysAllow} (other clients' settings) are ignored; any other field is an error. See
 * {@link McpServer} for {@code ${NAME}} references, which keep secrets out of the pipeline.
 *
 * <p><b>Tool names.</b> A tool keeps its MCP name unless two servers here offer a tool of that
 * name: then each of those tools is named {@code <server>__<tool>}. {@link #withPrefixedNames}
 * names every tool so. Characters a provider does not take in a tool name (anything but letters,
 * digits, {@code _} and {@code -}) become {@code _}, and names are cut to 64 characters; the MCP
 * server is still called with the tool's own name. Two tools whose names still clash are an error.
 *
 * <p><b>One client per server per JVM.</b> Every tool of a server, in every copy Beam deserializes
 * on a worker, reaches one shared client for that server's configuration, started on the first call
 * and closed, with a stdio server's process, when its last user releases it ({@link #release}) or
 * becomes unreachable, and at the latest when the JVM exits. Immutable and serializable.
 */
public final class McpServers implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Set<String> FIELDS =
      Set.of("type", "command", "args", "env", "url", "headers", "disabled");
  private static final Set<String> IGNORED = Set.of("autoApprove", "alwaysAllow");

  private final LinkedHashMap<String, McpServer> servers;
  private final boolean prefixedNames;

  private McpServers(Map<String, McpServer> servers, boolean prefixedNames) {
    this.servers = new LinkedHashMap<>(servers);
    this.prefixedNames = prefixedNames;
  }

  /**
   * These servers.
   *
   * @throws IllegalArgumentException when two have the same name
   */
  public static McpServers of(McpServer... servers) {
    return of(Arrays.asList(servers));
  }

  /** These servers; see {@link #of(McpServer...)}. */
  public static McpServers of(List<McpServer> servers) {
    return new McpServers(Map.of(), false).plus(servers);
  }

  /**
   * The servers of a Claude-Desktop-style configuration file.
   *
   * @throws IllegalArgumentException naming the file, and the server and field that is wrong
   * @throws UncheckedIOException when the file cannot be read
   */
  public static McpServers fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("MCP config " + file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("MCP config " + file + ": " + e.getMessage(), e);
    }
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      String prefix = "MCP config: ";
      throw new IllegalArgumentException(
          "MCP config "
              + file
              + ": "
              + (message.startsWith(prefix) ? message.substring(prefix.length()) : message),
          e);
    }
  }

  /**
   * The servers of a Claude-Desktop-style configuration: an object whose {@code mcpServers} object
   * maps each server's name to its entry.
   *
   * @throws IllegalArgumentException with one line naming the server and the field that is wrong;
   *     never showing an environment or header value
   */
  public static McpServers fromJson(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(json);
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the text around the error, which may be a secret.
      JsonLocation at = e.getLocation();
      String original = e.getOriginalMessage();
      String why = original != null && original.startsWith("Duplicate field") ? original + " " : "";
      throw new IllegalArgumentException(
          "MCP config: "
              + why
              + "not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("MCP config: expected a JSON object with \"mcpServers\"");
    }
    JsonNode entries = root.get("mcpServers");
    if (entries == null || !entries.isObject()) {
      throw new IllegalArgumentException(
          "MCP config: \"mcpServers\" must be an object mapping names to servers");
    }
    List<McpServer> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = entries.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      McpServer server = parse(e.getKey(), e.getValue());
      if (server != null) {
        out.add(server);
      }
    }
    return of(out);
  }

  private static McpServer parse(String name, JsonNode entry) {
    String where = "MCP server '" + name + "': ";
    if (!entry.isObject()) {
      throw new IllegalArgumentException(where + "expected an object with command or url");
    }
    entry
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f) && !IGNORED.contains(f)) {
                throw new IllegalArgumentException(
                    where
                        + "unknown field '"
                        + f
                        + "' (expected command, args, env, url, headers, type or disabled)");
              }
            });
    JsonNode disabled = entry.get("disabled");
    if (disabled != null && !disabled.isBoolean()) {
      throw new IllegalArgumentException(where + "disabled must be true or false");
    }
    if (disabled != null && disabled.asBoolean()) {
      return null;
    }
    String type = text(entry, "type", where);
    boolean hasCommand = entry.has("command");
    boolean hasUrl = entry.has("url");
    if (hasCommand && hasUrl) {
      throw new IllegalArgumentException(where + "has both command and url; give one");
    }
    if (!hasCommand && !hasUrl) {
      throw new IllegalArgumentException(where + "needs command (stdio) or url (HTTP)");
    }
    if (type != null) {
      switch (type) {
        case "stdio":
          if (!hasCommand) {
            throw new IllegalArgumentException(where + "type stdio needs command");
          }
          break;
        case "http":
        case "streamable-http":
        case "streamableHttp":
          if (!hasUrl) {
            throw new IllegalArgumentException(where + "type " + type + " needs url");
          }
          break;
        case "sse":
          throw new IllegalArgumentException(
              where + "type sse (the deprecated HTTP+SSE transport) is not supported; use http");
        default:
          throw new IllegalArgumentException(where + "type '" + type + "' is not stdio or http");
      }
    }
    if (hasCommand) {
      for (String f : new String[] {"headers"}) {
        if (entry.has(f)) {
          throw new IllegalArgumentException(where + f + " is for HTTP servers (url)");
        }
      }
      String command = text(entry, "command", where);
      McpServer server = McpServer.stdio(name, command, strings(entry, "args", where));
      Map<String, String> env = map(entry, "env", where);
      return env.isEmpty() ? server : server.withEnv(env);
    }
    for (String f : new String[] {"args", "env"}) {
      if (entry.has(f)) {
        throw new IllegalArgumentException(where + f + " is for stdio servers (command)");
      }
    }
    McpServer server = McpServer.http(name, text(entry, "url", where));
    Map<String, String> headers = map(entry, "headers", where);
    return headers.isEmpty() ? server : server.withHeaders(headers);
  }

  private static String text(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(where + field + " must be a string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(where + field + " must be an array of strings");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw new IllegalArgumentException(where + field + "[" + i + "] must be a string");
      }
      out.add(v.get(i).asText());
    }
    return out;
  }

  private static Map<String, String> map(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException(where + field + " must be an object of strings");
    }
    Iterator<Map.Entry<String, JsonNode>> it = v.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        // Name the key, never the value: it may be a secret.
        throw new IllegalArgumentException(
            where + field + " '" + e.getKey() + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /**
   * These servers and more; names must stay unique.
   *
   * @throws IllegalArgumentException naming a server that is here already
   */
  public McpServers plus(List<McpServer> more) {
    LinkedHashMap<String, McpServer> all = new LinkedHashMap<>(servers);
    for (McpServer s : Objects.requireNonNull(more, "servers")) {
      Objects.requireNonNull(s, "server");
      if (all.putIfAbsent(s.name(), s) != null) {
        throw new IllegalArgumentException("MCP server '" + s.name() + "' is configured twice");
      }
    }
    return new McpServers(all, prefixedNames);
  }

  /** These servers and one more; see {@link #plus(List)}. */
  public McpServers plus(McpServer server) {
    return plus(List.of(server));
  }

  /**
   * These servers, naming every tool {@code <server>__<tool>} ({@code true}) or only the tools
   * whose name more than one server uses ({@code false}, the default).
   */
  public McpServers withPrefixedNames(boolean always) {
    return new McpServers(servers, always);
  }

  /** Whether every tool's name is prefixed with its server's. */
  public boolean prefixedNames() {
    return prefixedNames;
  }

  /** The servers, in the configuration's order. */
  public List<McpServer> servers() {
    return List.copyOf(servers.values());
  }

  /** The server of this name, if configured. */
  public Optional<McpServer> server(String name) {
    return Optional.ofNullable(servers.get(name));
  }

  /**
   * Every server's tools, named as the class comment says: starts (or reuses) each server's shared
   * client and lists its tools, waiting at most each server's startup and request timeouts. The
   * tools hold a share of their server's client until {@link #release} (or until they become
   * unreachable); a released tool connects again when it is called.
   *
   * @throws IllegalStateException naming the server that could not be started or listed
   */
  public List<ExecutableTool> listTools() {
    try {
      return listToolsAsync().get();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing MCP tools", e);
    }
  }

  /**
   * {@link #listTools()} without blocking: every server is listed in parallel, and the future fails
   * with an {@link IllegalStateException} naming the first server that could not be.
   */
  public CompletableFuture<List<ExecutableTool>> listToolsAsync() {
    List<ServerHandle> handles = new ArrayList<>();
    List<CompletableFuture<List<McpTools.Listed>>> listings = new ArrayList<>();
    for (McpServer server : servers.values()) {
      ServerHandle handle = new ServerHandle(server);
      handles.add(handle);
      listings.add(McpTools.list(handle));
    }
    return CompletableFuture.allOf(listings.toArray(new CompletableFuture<?>[0]))
        .handle(
            (ignored, error) -> {
              if (error != null) {
                handles.forEach(ServerHandle::release);
                throw error instanceof CompletionException
                    ? (CompletionException) error
                    : new CompletionException(error);
              }
              List<List<McpTools.Listed>> all = new ArrayList<>();
              listings.forEach(l -> all.add(l.join()));
              try {
                return McpTools.name(all, prefixedNames);
              } catch (RuntimeException e) {
                handles.forEach(ServerHandle::release);
                throw e;
              }
            });
  }

  /**
   * Gives back the share of their servers' clients that these tools hold; the last user of a client
   * closes it and stops a stdio server's process ({@link ExecutableTool#release()} of each: tools
   * that do not come from MCP hold nothing). A released tool connects again when it is called.
   */
  public static void release(Collection<? extends ExecutableTool> tools) {
    for (ExecutableTool tool : tools) {
      tool.release();
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException) {
      return (RuntimeException) cause;
    }
    return new IllegalStateException(cause.getMessage(), cause);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof McpServers
        && servers.equals(((McpServers) o).servers)
        && prefixedNames == ((McpServers) o).prefixedNames;
  }

  @Override
  public int hashCode() {
    return Objects.hash(servers, prefixedNames);
  }

  /** The servers without secrets. */
  @Override
  public String toString() {
    return "McpServers" + servers.values() + (prefixedNames ? " (prefixed names)" : "");
  }
}

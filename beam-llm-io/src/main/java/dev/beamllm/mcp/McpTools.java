package dev.beamllm.mcp;

import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Listing a server's tools, and naming them as {@link McpServers} says. */
final class McpTools {
  /** Between a server's name and a tool's when the tool's name is prefixed. */
  static final String SEPARATOR = "__";

  private static final int MAX_NAME = 64;

  private McpTools() {}

  /** One tool as its server lists it. */
  record Listed(ServerHandle handle, String remoteName, String description, String schema) {}

  /** The server's tools, through its shared client (started if need be). */
  static CompletableFuture<List<Listed>> list(ServerHandle handle) {
    McpServer server = handle.server();
    CompletableFuture<McpSchema.ListToolsResult> listing;
    try {
      listing =
          handle
              .client()
              .thenCompose(
                  client ->
                      client.getServerCapabilities() == null
                              || client.getServerCapabilities().tools() == null
                          ? CompletableFuture.completedFuture(
                              new McpSchema.ListToolsResult(List.of(), null))
                          : client.listTools().toFuture());
    } catch (RuntimeException e) {
      listing = CompletableFuture.failedFuture(e);
    }
    return listing.handle(
        (result, error) -> {
          if (error != null) {
            Throwable e = Connection.unwrap(error);
            if (e instanceof IllegalStateException
                && e.getMessage() != null
                && e.getMessage().startsWith("MCP server '")) {
              throw new CompletionException(e);
            }
            throw new CompletionException(
                new IllegalStateException(
                    "MCP server '"
                        + server.name()
                        + "': listing its tools failed: "
                        + Connection.reason(e, server.requestTimeout()),
                    e));
          }
          List<Listed> out = new ArrayList<>();
          for (McpSchema.Tool t : result.tools()) {
            String description = t.description() != null ? t.description() : t.title();
            out.add(new Listed(handle, t.name(), description, schema(t.inputSchema())));
          }
          return out;
        });
  }

  /**
   * The tools of every server, named: a tool keeps its name unless another server has one of the
   * same name (or {@code prefixAll}), then it is {@code <server>__<tool>}; characters other than
   * letters, digits, {@code _} and {@code -} become {@code _}; names are cut to 64 characters.
   *
   * @throws IllegalStateException when two tools still end with one name
   */
  static List<ExecutableTool> name(List<List<Listed>> servers, boolean prefixAll) {
    Map<String, Integer> serversPerName = new HashMap<>();
    for (List<Listed> tools : servers) {
      tools.stream()
          .map(Listed::remoteName)
          .distinct()
          .forEach(n -> serversPerName.merge(n, 1, Integer::sum));
    }
    Map<String, Listed> named = new LinkedHashMap<>();
    List<ExecutableTool> out = new ArrayList<>();
    for (List<Listed> tools : servers) {
      for (Listed t : tools) {
        String server = t.handle().server().name();
        boolean prefix = prefixAll || serversPerName.get(t.remoteName()) > 1;
        String name = clean(prefix ? server + SEPARATOR + t.remoteName() : t.remoteName());
        Listed before = named.putIfAbsent(name, t);
        if (before != null) {
          throw new IllegalStateException(
              "MCP tools: the name '"
                  + name
                  + "' stands for server '"
                  + before.handle().server().name()
                  + "' tool '"
                  + before.remoteName()
                  + "' and server '"
                  + server
                  + "' tool '"
                  + t.remoteName()
                  + "'");
        }
        out.add(
            new McpTool(t.handle(), new Tool(name, t.description(), t.schema()), t.remoteName()));
      }
    }
    return out;
  }

  /** A name a provider takes: letters, digits, _ and -, at most 64 characters. */
  static String clean(String name) {
    String cleaned = name.replaceAll("[^a-zA-Z0-9_-]", "_");
    if (cleaned.isEmpty()) {
      cleaned = "_";
    }
    return cleaned.length() > MAX_NAME ? cleaned.substring(0, MAX_NAME) : cleaned;
  }

  /**
   * The input schema as JSON text, without the top-level {@code $schema} (which names the JSON
   * Schema draft and which some providers' function declarations refuse).
   */
  static String schema(Map<String, Object> inputSchema) {
    if (inputSchema == null || inputSchema.isEmpty()) {
      return "{\"type\":\"object\",\"properties\":{}}";
    }
    Map<String, Object> copy = new LinkedHashMap<>(inputSchema);
    copy.remove("$schema");
    copy.putIfAbsent("type", "object");
    return Json.write(Json.MAPPER.valueToTree(copy));
  }
}

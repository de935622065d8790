package dev.beamllm.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolOutput;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One tool of an MCP server: the definition the model sees, and a call that is the server's {@code
 * tools/call} through the JVM's shared client, without blocking a thread while the server works.
 * Serializable: it holds the server's configuration and reaches the client on the worker.
 */
final class McpTool implements ExecutableTool, AutoCloseable {
  private static final long serialVersionUID = 1L;

  private final ServerHandle handle;
  private final Tool definition;
  private final String remoteName;

  McpTool(ServerHandle handle, Tool definition, String remoteName) {
    this.handle = handle;
    this.definition = definition;
    this.remoteName = remoteName;
  }

  @Override
  public Tool definition() {
    return definition;
  }

  /** The server the tool belongs to. */
  McpServer server() {
    return handle.server();
  }

  /** The tool's name on its server. */
  String remoteName() {
    return remoteName;
  }

  ServerHandle handle() {
    return handle;
  }

  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    Map<String, Object> arguments;
    try {
      arguments = arguments(argumentsJson);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(ToolOutput.error(e.getMessage()));
    }
    String server = handle.server().name();
    CompletableFuture<ToolOutput> out;
    try {
      out =
          handle
              .client()
              .thenCompose(
                  client ->
                      client
                          .callTool(new McpSchema.CallToolRequest(remoteName, arguments))
                          .toFuture())
              .thenApply(ToolResults::output);
    } catch (RuntimeException e) {
      out = CompletableFuture.failedFuture(e);
    }
    return out.exceptionally(
        error -> {
          Throwable e = Connection.unwrap(error);
          if (e instanceof IllegalStateException
              && e.getMessage() != null
              && e.getMessage().startsWith("MCP server '")) {
            return ToolOutput.error(e.getMessage()); // the server could not be started
          }
          return ToolOutput.error(
              "MCP server '"
                  + server
                  + "' failed the call to '"
                  + remoteName
                  + "': "
                  + Connection.reason(e, handle.server().requestTimeout()));
        });
  }

  private Map<String, Object> arguments(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "arguments for tool '" + definition.name() + "' are not valid JSON");
    }
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "arguments for tool '" + definition.name() + "' must be a JSON object");
    }
    return Json.toMap(node);
  }

  /** Gives back this tool's (and its server's other tools') share of the shared client. */
  @Override
  public void close() {
    handle.release();
  }

  /** The same as {@link #close()}. */
  @Override
  public void release() {
    close();
  }

  @Override
  public String toString() {
    return "McpTool{" + definition.name() + " = " + handle.server().name() + "/" + remoteName + "}";
  }
}

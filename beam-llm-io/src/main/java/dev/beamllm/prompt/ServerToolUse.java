package dev.beamllm.prompt;

import dev.beamllm.prompt.internal.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool the provider ran itself during one answer (a remote MCP server's tool, or a built-in tool:
 * web search, a code interpreter): the call and its result in one part, kept in the answer's
 * message so it can be shown, cached and replayed. Only the provider that made it can take it back:
 * each carries its {@link #origin} and the provider's raw item(s), which that provider's format
 * sends back verbatim; other formats leave it out (the model's own text already tells what it
 * learnt).
 *
 * @param kind what ran: {@link #MCP}, {@code web_search}, {@code code_interpreter}, ...
 * @param server the server (an MCP server's label or name), or null for a built-in tool
 * @param name the tool's name
 * @param arguments the arguments as a JSON object text
 * @param output the tool's output text, or null when none came back
 * @param isError whether the call failed (then {@code output} holds the error text)
 * @param raw the provider's own JSON for the call (an OpenAI item such as {@code mcp_call} or
 *     {@code web_search_call}; an array of Anthropic's blocks, {@code mcp_tool_use} and {@code
 *     mcp_tool_result} or {@code server_tool_use} and its result; an array of Gemini's {@code
 *     executableCode} and {@code codeExecutionResult} parts), or null when nothing goes back
 * @param origin the provider family that ran it ({@link Thinking#OPENAI}, {@link
 *     Thinking#ANTHROPIC}, ...), or null
 */
public record ServerToolUse(
    String kind,
    String server,
    String name,
    String arguments,
    String output,
    boolean isError,
    String raw,
    String origin)
    implements Part {
  /** A remote MCP server's tool. */
  public static final String MCP = "mcp";

  /** Checks the required fields and brings arguments and raw payload to canonical JSON. */
  public ServerToolUse {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    arguments = canonicalOrAsIs(arguments == null || arguments.isBlank() ? "{}" : arguments);
    if (raw != null) {
      raw = Json.canonical(Json.parse(raw));
    }
  }

  private static String canonicalOrAsIs(String json) {
    try {
      return Json.canonical(Json.parse(json));
    } catch (RuntimeException notJson) {
      return json;
    }
  }

  /** The raw payload, if it was made by the given provider family. */
  public Optional<String> rawFrom(String family) {
    return family.equals(origin) ? Optional.ofNullable(raw) : Optional.empty();
  }

  /** One line for people: {@code server.name(arguments) -> output}. */
  public String describe() {
    return (server == null ? "" : server + ".")
        + name
        + "("
        + arguments
        + ")"
        + (output == null ? "" : (isError ? " failed: " : " -> ") + output);
  }

  @Override
  public String type() {
    return "server_tool_use";
  }
}

package dev.beamllm.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.util.Map;
import java.util.Objects;

/**
 * A request by the assistant to call a tool.
 *
 * @param id the provider's call id, which the matching {@link ToolResult} refers to
 * @param name the tool's name
 * @param arguments the arguments as a JSON object, in canonical (sorted, compact) form
 * @param itemId the id of the OpenAI Responses {@code function_call} item ({@code fc_...}), which
 *     differs from the call id; kept so the item can be replayed whole after the reasoning item
 *     that needs it; null for calls from other APIs or written by hand
 */
public record ToolCall(String id, String name, String arguments, String itemId) implements Part {

  /** Checks the fields and brings the arguments to canonical JSON; an empty item id is none. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (id.isEmpty()) {
      throw new InvalidPromptException("tool call has an empty id");
    }
    if (name.isEmpty()) {
      throw new InvalidPromptException("tool call '" + id + "' has an empty name");
    }
    arguments = canonicalArguments(id, arguments == null || arguments.isBlank() ? "{}" : arguments);
    if (itemId != null && itemId.isEmpty()) {
      itemId = null;
    }
  }

  /** A tool call with no provider item id. */
  public ToolCall(String id, String name, String arguments) {
    this(id, name, arguments, null);
  }

  /** Creates a tool call whose arguments are given as a JSON object. */
  public static ToolCall of(String id, String name, String argumentsJson) {
    return new ToolCall(id, name, argumentsJson);
  }

  /**
   * The arguments as plain Java values (maps, lists, strings, numbers, booleans, nulls), for code
   * that runs the tool; {@link #arguments()} is the same object as canonical JSON text.
   */
  public Map<String, Object> argumentsMap() {
    return Json.toMap(Json.parse(arguments));
  }

  @Override
  public String type() {
    return "tool_call";
  }

  private static String canonicalArguments(String id, String json) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidPromptException(
          "tool call '"
              + id
              + "' has arguments that are not valid JSON: "
              + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidPromptException("tool call '" + id + "' arguments must be a JSON object");
    }
    return Json.canonical(node);
  }
}

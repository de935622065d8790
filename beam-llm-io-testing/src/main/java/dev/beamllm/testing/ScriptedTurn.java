package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One assistant turn of a scripted conversation ({@link FakeProviderServer#script}): either text or
 * one or more tool calls, which the fake answers in the wire format of whichever API is asked.
 *
 * <pre>{@code
 * fake.script("Plan my trip", List.of(
 *     ScriptedTurn.toolCalls(ScriptedTurn.call("lookup", "{\"city\":\"Oslo\"}")),
 *     ScriptedTurn.text("Oslo it is.")));
 * }</pre>
 */
public final class ScriptedTurn {
  private final String text;
  private final List<Call> toolCalls;

  private ScriptedTurn(String text, List<Call> toolCalls) {
    this.text = text;
    this.toolCalls = toolCalls;
  }

  /**
   * A call to a tool in a scripted turn.
   *
   * @param name the tool's name
   * @param argumentsJson its arguments, a JSON object (null or blank for {@code {}}), kept as
   *     compact JSON in the order written
   */
  public record Call(String name, String argumentsJson) {
    /** Checks the name and brings the arguments to compact JSON. */
    public Call {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a scripted tool call needs a tool name");
      }
      argumentsJson = compactObject(name, argumentsJson);
    }
  }

  /** A turn that answers this text. */
  public static ScriptedTurn text(String text) {
    return new ScriptedTurn(Objects.requireNonNull(text, "text"), List.of());
  }

  /** A turn that calls these tools, in this order, with ids the fake generates. */
  public static ScriptedTurn toolCalls(List<Call> calls) {
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("a tool-call turn needs at least one call");
    }
    return new ScriptedTurn(null, List.copyOf(calls));
  }

  /** A turn that calls these tools, in this order. */
  public static ScriptedTurn toolCalls(Call... calls) {
    return toolCalls(List.of(calls));
  }

  /** A call for {@link #toolCalls}: the tool's name and its arguments as a JSON object. */
  public static Call call(String name, String argumentsJson) {
    return new Call(name, argumentsJson);
  }

  /** Whether this turn is text (else tool calls). */
  public boolean isText() {
    return text != null;
  }

  /** The text of a text turn, or null. */
  public String text() {
    return text;
  }

  /** The calls of a tool-call turn; empty for a text turn. */
  public List<Call> toolCalls() {
    return toolCalls;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScriptedTurn other
        && Objects.equals(text, other.text)
        && toolCalls.equals(other.toolCalls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, toolCalls);
  }

  @Override
  public String toString() {
    return isText() ? "text(" + text + ")" : "toolCalls" + toolCalls;
  }

  /**
   * A turn in the JSON form of {@code POST /fake/script}: {@code {"text": "..."}} or {@code
   * {"tool_calls": [{"name": "...", "arguments": {...}}]}}, the arguments an object or a string
   * holding one.
   *
   * @throws IllegalArgumentException naming what is wrong at {@code at}
   */
  static ScriptedTurn fromJson(JsonNode turn, String at) {
    if (turn == null || !turn.isObject()) {
      throw new IllegalArgumentException(at + " must be an object");
    }
    JsonNode text = turn.get("text");
    JsonNode calls = turn.get("tool_calls");
    if ((text == null) == (calls == null)) {
      throw new IllegalArgumentException(at + " must have exactly one of 'text' and 'tool_calls'");
    }
    if (text != null) {
      if (!text.isTextual()) {
        throw new IllegalArgumentException(at + ".text must be a string");
      }
      return text(text.textValue());
    }
    if (!calls.isArray() || calls.isEmpty()) {
      throw new IllegalArgumentException(at + ".tool_calls must be a non-empty array");
    }
    List<Call> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      JsonNode call = calls.get(i);
      String c = at + ".tool_calls[" + i + "]";
      JsonNode name = call.get("name");
      if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
        throw new IllegalArgumentException(c + ".name must be a non-empty string");
      }
      JsonNode args = call.get("arguments");
      String json =
          args == null || args.isNull()
              ? null
              : args.isTextual() ? args.textValue() : args.toString();
      try {
        out.add(call(name.textValue(), json));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(c + ": " + e.getMessage(), e);
      }
    }
    return toolCalls(out);
  }

  private static String compactObject(String name, String json) {
    if (json == null || json.isBlank()) {
      return "{}";
    }
    JsonNode node;
    try {
      node = Json.parse(json);
    } catch (InvalidPromptException e) {
      throw new IllegalArgumentException(
          "arguments of scripted call to '" + name + "' are not JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "arguments of scripted call to '" + name + "' must be a JSON object, got " + json);
    }
    return Json.write(node);
  }
}

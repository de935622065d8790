package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;

/**
 * A tool a provider defines itself, which a {@link Tool} may carry ({@link Tool#builtin()}):
 *
 * <ul>
 *   <li>tools the provider runs during the answer: {@link WebSearch} and {@link CodeInterpreter}.
 *       Their calls come back as {@link dev.beamllm.prompt.ServerToolUse} parts; an API without the
 *       tool refuses the request before it is sent;
 *   <li>{@link AnthropicDefinedTool}: a tool the caller runs whose arguments Anthropic's models are
 *       trained on (bash, the text editor), offered to Claude as Anthropic's own definition and to
 *       every other model as an ordinary function.
 * </ul>
 */
public sealed interface BuiltinTool extends Serializable
    permits WebSearch, CodeInterpreter, AnthropicDefinedTool {

  /** Whether the provider runs the tool (true) or the caller does, through a {@link ToolSet}. */
  boolean runsOnProvider();

  /** What the tool is, for people and error messages: {@code web search}, ... */
  String describe();

  /** The settings as canonical JSON with a {@code kind} field, for coders and cache keys. */
  String toJson();

  /**
   * The tool from {@link #toJson}.
   *
   * @throws IllegalArgumentException for JSON that is not one
   */
  static BuiltinTool fromJson(String json) {
    JsonNode o = Json.parse(json);
    String kind = o.path("kind").asText("");
    return switch (kind) {
      case WebSearch.KIND -> WebSearch.fromJson(o);
      case CodeInterpreter.KIND -> CodeInterpreter.fromJson(o);
      case AnthropicDefinedTool.KIND -> AnthropicDefinedTool.fromJson(o);
      default -> throw new IllegalArgumentException("not a built-in tool's JSON: " + json);
    };
  }
}

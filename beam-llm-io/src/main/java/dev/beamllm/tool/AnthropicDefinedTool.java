package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;

/**
 * A tool the caller runs whose definition Anthropic publishes and its models are trained on: a
 * {@link Tool} marked with one ({@link Tool#withBuiltin}) goes to Claude 4 and later models as
 * Anthropic's own definition, without a schema (Anthropic's docs, "bash tool" and "text editor
 * tool"), when its name is the one Anthropic requires; everywhere else (older Claude models, Claude
 * on Bedrock, every other API) it goes as the function its schema describes. The calls come back as
 * ordinary tool calls either way, which the tool's own code answers ({@link
 * dev.beamllm.tool.prefab.PrefabTools#bash}, {@link
 * dev.beamllm.tool.prefab.PrefabTools#textEditor}).
 */
public enum AnthropicDefinedTool implements BuiltinTool {
  /** A shell: {@code {"type": "bash_20250124", "name": "bash"}}; arguments command, restart. */
  BASH("bash_20250124", "bash"),
  /**
   * The text editor: {@code {"type": "text_editor_20250728", "name":
   * "str_replace_based_edit_tool"}}; commands view, create, str_replace and insert.
   */
  TEXT_EDITOR("text_editor_20250728", "str_replace_based_edit_tool");

  static final String KIND = "anthropic_defined";

  private final String toolType;
  private final String anthropicName;

  AnthropicDefinedTool(String toolType, String anthropicName) {
    this.toolType = toolType;
    this.anthropicName = anthropicName;
  }

  /** The definition's {@code type}. */
  public String toolType() {
    return toolType;
  }

  /** The name Anthropic requires for the definition; a tool named otherwise goes as a function. */
  public String anthropicName() {
    return anthropicName;
  }

  @Override
  public boolean runsOnProvider() {
    return false;
  }

  @Override
  public String describe() {
    return "Anthropic's " + toolType;
  }

  @Override
  public String toJson() {
    return Json.canonical(Json.object().put("kind", KIND).put("type", toolType));
  }

  static AnthropicDefinedTool fromJson(JsonNode o) {
    String type = o.path("type").asText("");
    for (AnthropicDefinedTool t : values()) {
      if (t.toolType.equals(type)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown Anthropic-defined tool '" + type + "'");
  }
}

package dev.beamllm.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A tool the model may call: a name, a description and a JSON schema for its arguments. The
 * provider adapters turn it into each API's tool definition.
 *
 * @param name the name, letters, digits, {@code _} and {@code -}, at most 64 characters
 * @param description what it does, for the model
 * @param parametersJson the JSON schema of its arguments (an object schema)
 * @param strict whether the provider must hold the model's arguments to the schema exactly
 *     (OpenAI's and Mistral's {@code strict}, Anthropic's strict tool use, Cohere's {@code
 *     strict_tools}); Gemini and Bedrock Converse have no such switch and are not sent it
 * @param computerUse the computer this tool operates when it is a computer-use tool ({@link
 *     #computer}), which the adapters render as each provider's own computer tool; null for a
 *     function
 * @param builtin the provider's own tool this is ({@link #webSearch}, {@link #codeInterpreter}), or
 *     the Anthropic definition a function is offered as ({@link #withBuiltin}); null for a plain
 *     function
 */
public record Tool(
    String name,
    String description,
    String parametersJson,
    boolean strict,
    ComputerUse computerUse,
    BuiltinTool builtin)
    implements Serializable {

  /** Checks the name and brings the schema to canonical JSON. */
  public Tool {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "tool name '" + name + "' must be 1-64 letters, digits, _ or -");
    }
    description = description == null ? "" : description;
    JsonNode schema =
        Json.parse(
            parametersJson == null ? "{\"type\":\"object\",\"properties\":{}}" : parametersJson);
    if (strict) {
      checkStrict(name, schema, "$");
    }
    parametersJson = Json.canonical(schema);
    if (computerUse != null && (!name.equals(ComputerUse.TOOL_NAME) || strict)) {
      throw new IllegalArgumentException(
          "a computer-use tool is named '" + ComputerUse.TOOL_NAME + "' and not strict");
    }
    if (builtin != null && computerUse != null) {
      throw new IllegalArgumentException(
          "a tool is a computer-use tool or a built-in tool, not both");
    }
    if (builtin != null && builtin.runsOnProvider() && strict) {
      throw new IllegalArgumentException("the provider's " + builtin.describe() + " is not strict");
    }
  }

  /** A computer-use tool or a function tool. */
  public Tool(
      String name,
      String description,
      String parametersJson,
      boolean strict,
      ComputerUse computerUse) {
    this(name, description, parametersJson, strict, computerUse, null);
  }

  /** A function tool. */
  public Tool(String name, String description, String parametersJson, boolean strict) {
    this(name, description, parametersJson, strict, null);
  }

  /** A function tool that is not strict. */
  public Tool(String name, String description, String parametersJson) {
    this(name, description, parametersJson, false);
  }

  /** A tool with a description and an argument schema. */
  public static Tool of(String name, String description, String parametersJson) {
    return new Tool(name, description, parametersJson);
  }

  /**
   * The computer-use tool for this computer: named {@code computer}, with the description and
   * argument schema the APIs without a computer tool of their own get as a function.
   */
  public static Tool computer(ComputerUse computer) {
    Objects.requireNonNull(computer, "computer");
    return new Tool(
        ComputerUse.TOOL_NAME,
        computer.functionDescription(),
        computer.functionSchema(),
        false,
        computer);
  }

  /** The provider's web search with its defaults, named {@value WebSearch#KIND}. */
  public static Tool webSearch() {
    return webSearch(WebSearch.defaults());
  }

  /** The provider's web search with these settings, named {@value WebSearch#KIND}. */
  public static Tool webSearch(WebSearch settings) {
    return ofBuiltin(WebSearch.KIND, Objects.requireNonNull(settings, "settings"));
  }

  /** The provider's code interpreter with its defaults, named {@value CodeInterpreter#KIND}. */
  public static Tool codeInterpreter() {
    return codeInterpreter(CodeInterpreter.defaults());
  }

  /** The provider's code interpreter with these settings, named {@value CodeInterpreter#KIND}. */
  public static Tool codeInterpreter(CodeInterpreter settings) {
    return ofBuiltin(CodeInterpreter.KIND, Objects.requireNonNull(settings, "settings"));
  }

  static Tool ofBuiltin(String name, BuiltinTool tool) {
    return new Tool(name, tool.describe(), null, false, null, tool);
  }

  /**
   * This function offered to Claude as Anthropic's own definition (see {@link
   * AnthropicDefinedTool}); its schema stays what every other model is sent.
   *
   * @throws IllegalArgumentException for a computer-use tool or a provider's tool
   */
  public Tool withBuiltin(AnthropicDefinedTool definition) {
    Objects.requireNonNull(definition, "definition");
    if (computerUse != null || (builtin != null && builtin.runsOnProvider())) {
      throw new IllegalArgumentException(
          "only a function can be offered as " + definition.describe() + ", not '" + name + "'");
    }
    return new Tool(name, description, parametersJson, strict, null, definition);
  }

  /** Whether the provider runs this tool itself (web search, code interpreter). */
  public boolean runsOnProvider() {
    return builtin != null && builtin.runsOnProvider();
  }

  /** Whether this is a computer-use tool. */
  public boolean isComputerUse() {
    return computerUse != null;
  }

  /**
   * This tool, strict or not. A strict tool's schema must be one providers can enforce: every
   * object lists all its properties as required and sets {@code additionalProperties: false} (the
   * schemas of {@link dev.beamllm.model.RecordSchemas} do).
   *
   * @throws IllegalArgumentException naming the first object of the schema that breaks the rule
   */
  public Tool withStrict(boolean strict) {
    return new Tool(name, description, parametersJson, strict, computerUse, builtin);
  }

  private static void checkStrict(String tool, JsonNode schema, String path) {
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.isObject()) {
      if (!schema.path("additionalProperties").isBoolean()
          || schema.get("additionalProperties").asBoolean()) {
        throw notStrict(tool, path, "must set \"additionalProperties\": false");
      }
      Set<String> required = new HashSet<>();
      schema.path("required").forEach(r -> required.add(r.asText()));
      properties
          .fieldNames()
          .forEachRemaining(
              p -> {
                if (!required.contains(p)) {
                  throw notStrict(tool, path, "must list \"" + p + "\" as required");
                }
              });
      properties
          .fields()
          .forEachRemaining(e -> checkStrict(tool, e.getValue(), path + "." + e.getKey()));
    }
    JsonNode items = schema.get("items");
    if (items != null && items.isObject()) {
      checkStrict(tool, items, path + "[]");
    }
    for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
      schema.path(combinator).forEach(s -> checkStrict(tool, s, path));
    }
  }

  private static IllegalArgumentException notStrict(String tool, String path, String rule) {
    return new IllegalArgumentException(
        "strict tool '" + tool + "': the object at " + path + " " + rule);
  }
}

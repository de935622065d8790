package dev.beamllm.tool;

import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.Objects;

/**
 * A tool the model may call: a name, a description and a JSON schema for its arguments. The
 * provider adapters turn it into each API's tool definition.
 *
 * @param name the name, letters, digits, {@code _} and {@code -}, at most 64 characters
 * @param description what it does, for the model
 * @param parametersJson the JSON schema of its arguments (an object schema)
 */
public record Tool(String name, String description, String parametersJson) implements Serializable {

  /** Checks the name and brings the schema to canonical JSON. */
  public Tool {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "tool name '" + name + "' must be 1-64 letters, digits, _ or -");
    }
    description = description == null ? "" : description;
    parametersJson =
        Json.canonical(
            Json.parse(
                parametersJson == null
                    ? "{\"type\":\"object\",\"properties\":{}}"
                    : parametersJson));
  }

  /** A tool with a description and an argument schema. */
  public static Tool of(String name, String description, String parametersJson) {
    return new Tool(name, description, parametersJson);
  }
}

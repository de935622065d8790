package dev.beamllm.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.internal.Json;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;

/**
 * Binds the model's arguments to Java values and turns what a tool returns into a {@link
 * ToolOutput}. Binding is strict: a property the schema does not have, a missing required one, a
 * string where a number belongs are errors the model is told about, not guesses.
 */
final class ToolArguments {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ToolArguments() {}

  /** Arguments that do not fit the tool's schema. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * The arguments as an object, checked against the schema's {@code properties} and {@code
   * required} (a property whose type admits null may be left out).
   */
  static ObjectNode parse(String argumentsJson, Tool definition) throws Invalid {
    JsonNode node;
    try {
      node =
          argumentsJson == null || argumentsJson.isBlank()
              ? Json.object()
              : MAPPER.readTree(argumentsJson);
    } catch (JsonProcessingException e) {
      throw new Invalid("the arguments are not JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode args)) {
      throw new Invalid("the arguments must be a JSON object, not " + node.getNodeType());
    }
    JsonNode schema = Json.parse(definition.parametersJson());
    JsonNode properties = schema.path("properties");
    if (schema.path("additionalProperties").isBoolean()
        && !schema.get("additionalProperties").asBoolean()) {
      List<String> unknown = new ArrayList<>();
      args.fieldNames()
          .forEachRemaining(
              f -> {
                if (!properties.has(f)) {
                  unknown.add(f);
                }
              });
      if (!unknown.isEmpty()) {
        throw new Invalid(
            "unknown argument(s) " + unknown + "; the tool takes " + names(properties));
      }
    }
    for (JsonNode r : schema.path("required")) {
      String name = r.asText();
      JsonNode value = args.get(name);
      if ((value == null || value.isNull()) && !nullable(properties.path(name))) {
        throw new Invalid("missing required argument '" + name + "'");
      }
    }
    return args;
  }

  /** A value bound to a Java type; its path names the argument in an error. */
  static Object bind(JsonNode value, Type type, String path) throws Invalid {
    try {
      return MAPPER.readerFor(MAPPER.getTypeFactory().constructType(type)).readValue(value);
    } catch (java.io.IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new Invalid("argument '" + path + "' does not fit its schema: " + why);
    }
  }

  /** What a tool returned, as the model will see it. */
  static ToolOutput output(Object result) {
    if (result instanceof ToolOutput o) {
      return o;
    }
    if (result instanceof String s) {
      return ToolOutput.text(s);
    }
    if (result instanceof Image || result instanceof Text) {
      return ToolOutput.of(List.of((Part) result));
    }
    if (result == null) {
      return ToolOutput.text("null");
    }
    try {
      return ToolOutput.text(MAPPER.writeValueAsString(result));
    } catch (JsonProcessingException e) {
      return ToolOutput.text(String.valueOf(result));
    }
  }

  /** A tool's failure, as the model will see it. */
  static ToolOutput failure(String tool, Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof InvocationTargetException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Invalid) {
      return ToolOutput.error("invalid arguments for '" + tool + "': " + cause.getMessage());
    }
    String message = cause.getMessage();
    return ToolOutput.error(
        "tool '"
            + tool
            + "' failed: "
            + cause.getClass().getSimpleName()
            + (message == null ? "" : ": " + message));
  }

  private static boolean nullable(JsonNode property) {
    JsonNode type = property.path("type");
    if (type.isArray()) {
      for (JsonNode t : type) {
        if ("null".equals(t.asText())) {
          return true;
        }
      }
    }
    return "null".equals(type.asText());
  }

  private static Set<String> names(JsonNode properties) {
    Set<String> names = new TreeSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

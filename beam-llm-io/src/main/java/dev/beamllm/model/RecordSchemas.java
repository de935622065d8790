package dev.beamllm.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Optional;

/**
 * JSON schemas derived from Java records, for structured output and tool arguments: each component
 * is a required property (an {@code Optional} one may be null), described by its {@link
 * Description}; strings, numbers, booleans, enums, lists, arrays, optionals and nested records are
 * mapped; {@code additionalProperties} is false, as OpenAI's strict mode requires.
 */
public final class RecordSchemas {
  private RecordSchemas() {}

  /** The JSON schema of a record class, as JSON text. */
  public static String of(Class<? extends Record> type) {
    return Json.canonical(schema(type, 0));
  }

  /**
   * The JSON schema of any type this class maps (a {@code List<MyRecord>}, an enum, a string...),
   * as JSON text.
   *
   * @throws IllegalArgumentException for a type with no schema (a map, an interface, a raw list)
   */
  public static String ofType(Type type) {
    return Json.canonical(schema(type, 0));
  }

  private static ObjectNode schema(Type type, int depth) {
    if (depth > 12) {
      throw new IllegalArgumentException("record nesting too deep at " + type);
    }
    ObjectNode s = Json.object();
    Class<?> raw = raw(type);
    if (raw == String.class || raw == char.class || raw == Character.class) {
      return s.put("type", "string");
    }
    if (raw == int.class
        || raw == long.class
        || raw == Integer.class
        || raw == Long.class
        || raw == short.class
        || raw == Short.class) {
      return s.put("type", "integer");
    }
    if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class) {
      return s.put("type", "number");
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return s.put("type", "boolean");
    }
    if (raw.isEnum()) {
      s.put("type", "string");
      var values = s.putArray("enum");
      for (Object c : raw.getEnumConstants()) {
        values.add(((Enum<?>) c).name());
      }
      return s;
    }
    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
      Type item = raw.isArray() ? raw.getComponentType() : typeArgument(type, raw);
      s.put("type", "array");
      s.set("items", schema(item, depth + 1));
      return s;
    }
    if (raw == Optional.class) {
      ObjectNode inner = schema(typeArgument(type, raw), depth + 1);
      var types = Json.MAPPER.createArrayNode().add(inner.path("type").asText()).add("null");
      inner.set("type", types);
      if (inner.get("enum") instanceof com.fasterxml.jackson.databind.node.ArrayNode values) {
        // An enum lists every value the property may take: null too, or "type" alone allows it.
        values.addNull();
      }
      return inner;
    }
    if (raw.isRecord()) {
      s.put("type", "object");
      ObjectNode props = s.putObject("properties");
      var required = s.putArray("required");
      for (RecordComponent c : raw.getRecordComponents()) {
        ObjectNode property = schema(c.getGenericType(), depth + 1);
        Description d = c.getAnnotation(Description.class);
        if (d != null) {
          property.put("description", d.value());
        }
        props.set(c.getName(), property);
        required.add(c.getName());
      }
      s.put("additionalProperties", false);
      return s;
    }
    throw new IllegalArgumentException("cannot derive a JSON schema for " + type.getTypeName());
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("cannot derive a JSON schema for " + type.getTypeName());
  }

  private static Type typeArgument(Type type, Class<?> raw) {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[0];
    }
    throw new IllegalArgumentException(
        raw.getSimpleName() + " needs a type argument for its JSON schema");
  }
}

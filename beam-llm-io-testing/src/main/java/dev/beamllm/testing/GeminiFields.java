package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Reading Gemini request bodies the way Google's proto-JSON parser does: every field may be spelled
 * in lowerCamelCase ({@code generationConfig}) or as the proto name ({@code generation_config}),
 * and a name the message does not have is a 400, not silently ignored.
 */
final class GeminiFields {
  private GeminiFields() {}

  /** The field under its camelCase or snake_case name, or null when absent or JSON null. */
  static JsonNode get(JsonNode node, String camelName) {
    JsonNode v = node.get(camelName);
    if (v == null) {
      v = node.get(snake(camelName));
    }
    return v == null || v.isNull() ? null : v;
  }

  /** Whether the field is present (and not null) under either spelling. */
  static boolean has(JsonNode node, String camelName) {
    return get(node, camelName) != null;
  }

  /**
   * Rejects a field name the message does not define, with Google's message.
   *
   * @param known the message's fields in camelCase
   * @param where the proto path of the message for the error, empty for the request itself
   */
  static void checkKnown(JsonNode node, Set<String> known, String where) {
    if (!node.isObject()) {
      throw ProviderError.badRequest(
          "Invalid value at '" + where + "' (type.googleapis.com/google.protobuf.Struct), " + node,
          where);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name) && !known.contains(camel(name))) {
        throw ProviderError.badRequest(
            "Invalid JSON payload received. Unknown name \""
                + name
                + "\""
                + (where.isEmpty() ? "" : " at '" + where + "'")
                + ": Cannot find field.",
            where.isEmpty() ? name : where + "." + name);
      }
    }
  }

  /**
   * An optional number field, with Google's message for a value of the wrong type and a
   * field-violation message for one out of range.
   */
  static Double number(JsonNode node, String camelName, String where, double min, double max) {
    JsonNode v = get(node, camelName);
    if (v == null) {
      return null;
    }
    String path = where + "." + snake(camelName);
    if (!v.isNumber()) {
      throw ProviderError.badRequest("Invalid value at '" + path + "' (TYPE_FLOAT), " + v, path);
    }
    if (v.asDouble() < min || v.asDouble() > max) {
      throw violation(
          path, snake(camelName) + " must be in the range [" + min + ", " + max + "], got " + v);
    }
    return v.asDouble();
  }

  /** An optional integer field; see {@link #number}. */
  static Integer integer(JsonNode node, String camelName, String where, long min, long max) {
    JsonNode v = get(node, camelName);
    if (v == null) {
      return null;
    }
    String path = where + "." + snake(camelName);
    if (!v.isIntegralNumber()) {
      throw ProviderError.badRequest("Invalid value at '" + path + "' (TYPE_INT32), " + v, path);
    }
    if (v.asLong() < min || v.asLong() > max) {
      throw violation(
          path, snake(camelName) + " must be in the range [" + min + ", " + max + "], got " + v);
    }
    return v.asInt();
  }

  /** An optional boolean field, false when absent. */
  static boolean bool(JsonNode node, String camelName, String where) {
    JsonNode v = get(node, camelName);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      String path = where + "." + snake(camelName);
      throw ProviderError.badRequest("Invalid value at '" + path + "' (TYPE_BOOL), " + v, path);
    }
    return v.booleanValue();
  }

  /**
   * A 400 in the form Google gives a failed field check: {@code * GenerateContentRequest.<path>:
   * <message>} on its own line.
   */
  static ProviderError violation(String path, String message) {
    return ProviderError.badRequest(
        "* GenerateContentRequest." + path + ": " + message + "\n", path);
  }

  /** {@code generationConfig} → {@code generation_config}. */
  static String snake(String camel) {
    StringBuilder sb = new StringBuilder(camel.length() + 4);
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code generation_config} → {@code generationConfig}. */
  static String camel(String snake) {
    StringBuilder sb = new StringBuilder(snake.length());
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  /**
   * A schema with every {@code type} in lower case, so the answerer can build instances of it: the
   * SDKs write Gemini's OpenAPI-style schemas with upper-case types ({@code OBJECT}).
   */
  static JsonNode lowerCaseTypes(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    lowerCaseTypesInPlace(copy);
    return copy;
  }

  private static void lowerCaseTypesInPlace(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      JsonNode type = o.get("type");
      if (type != null && type.isTextual()) {
        o.put("type", type.textValue().toLowerCase(Locale.ROOT));
      } else if (type != null && type.isArray()) {
        ArrayNode types = o.putArray("type");
        type.forEach(t -> types.add(t.asText().toLowerCase(Locale.ROOT)));
      }
      o.forEach(GeminiFields::lowerCaseTypesInPlace);
    } else if (node.isArray()) {
      node.forEach(GeminiFields::lowerCaseTypesInPlace);
    }
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Bedrock's check of an {@code InvokeModel} body against the model's JSON schema, and its words for
 * a failure: a 400 {@code ValidationException} "Malformed input request: {@code <json-pointer>:
 * <what>}, please reformat your input and try again.", the {@code <what>} worded as the everit
 * JSON-schema validator words it ({@code required key [x] not found}, {@code extraneous key [x] is
 * not permitted}, {@code expected maximum item count: 96, found: 97}, ...).
 */
final class BedrockSchema {
  private BedrockSchema() {}

  /** Bedrock's refusal of a body that fails the model's schema. */
  static ProviderError malformed(String detail) {
    return ProviderError.badRequest(
        "Malformed input request: " + detail + ", please reformat your input and try again.", null);
  }

  /** Refuses a key the schema does not define. */
  static void onlyKeys(JsonNode body, Set<String> allowed) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw malformed("#: extraneous key [" + key + "] is not permitted");
      }
    }
  }

  /** A required key's value (JSON null counts as given, as the schema then refuses its type). */
  static JsonNode required(JsonNode body, String key) {
    JsonNode v = body.get(key);
    if (v == null) {
      throw malformed("#: required key [" + key + "] not found");
    }
    return v;
  }

  /** A string, with the schema's length bounds. */
  static String string(JsonNode v, String pointer, int minLength, int maxLength) {
    if (!v.isTextual()) {
      throw malformed(pointer + ": expected type: String, found: " + typeName(v));
    }
    int length = v.textValue().length();
    if (length < minLength) {
      throw malformed(pointer + ": expected minLength: " + minLength + ", actual: " + length);
    }
    if (length > maxLength) {
      throw malformed(pointer + ": expected maxLength: " + maxLength + ", actual: " + length);
    }
    return v.textValue();
  }

  /** One of a string enum's values. */
  static String oneOf(JsonNode v, String pointer, List<String> values) {
    String text = string(v, pointer, 0, Integer.MAX_VALUE);
    if (!values.contains(text)) {
      throw malformed(pointer + ": " + text + " is not a valid enum value");
    }
    return text;
  }

  /** One of an integer enum's values. */
  static int oneOf(JsonNode v, String pointer, Set<Integer> values) {
    if (!v.isIntegralNumber()) {
      throw malformed(pointer + ": expected type: Integer, found: " + typeName(v));
    }
    if (!values.contains(v.asInt()) || !v.canConvertToInt()) {
      throw malformed(pointer + ": " + v + " is not a valid enum value");
    }
    return v.asInt();
  }

  /** A boolean. */
  static boolean bool(JsonNode v, String pointer) {
    if (!v.isBoolean()) {
      throw malformed(pointer + ": expected type: Boolean, found: " + typeName(v));
    }
    return v.booleanValue();
  }

  /** An array with the schema's item-count bounds. */
  static JsonNode array(JsonNode v, String pointer, int minItems, int maxItems) {
    if (!v.isArray()) {
      throw malformed(pointer + ": expected type: JSONArray, found: " + typeName(v));
    }
    if (v.size() < minItems) {
      throw malformed(
          pointer + ": expected minimum item count: " + minItems + ", found: " + v.size());
    }
    if (v.size() > maxItems) {
      throw malformed(
          pointer + ": expected maximum item count: " + maxItems + ", found: " + v.size());
    }
    return v;
  }

  /** The validator's name for a JSON value's type. */
  private static String typeName(JsonNode v) {
    if (v.isTextual()) {
      return "String";
    }
    if (v.isBoolean()) {
      return "Boolean";
    }
    if (v.isIntegralNumber()) {
      return "Integer";
    }
    if (v.isNumber()) {
      return "BigDecimal";
    }
    if (v.isArray()) {
      return "JSONArray";
    }
    return v.isNull() ? "Null" : "JSONObject";
  }
}

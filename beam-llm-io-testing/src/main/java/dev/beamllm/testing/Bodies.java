package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.util.HexFormat;

/** Small helpers the dialects share for reading request bodies and making ids. */
final class Bodies {
  private Bodies() {}

  /** The body as a JSON object; anything else is a 400 with the provider's message. */
  static ObjectNode object(FakeHttpRequest request, String notJsonMessage) {
    JsonNode node;
    try {
      node = Json.parse(request.body());
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(notJsonMessage, null);
    }
    if (node == null || !node.isObject()) {
      throw ProviderError.badRequest(notJsonMessage, null);
    }
    return (ObjectNode) node;
  }

  /** A required non-empty string field. */
  static String requiredString(JsonNode body, String field, String message) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
      throw ProviderError.badRequest(message, field);
    }
    return v.textValue();
  }

  /** An optional integer field within bounds, or the default. */
  static int intField(JsonNode body, String field, int min, int max, int fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw ProviderError.badRequest(
          "Invalid '"
              + field
              + "': expected an integer between "
              + min
              + " and "
              + max
              + ", got "
              + v,
          field);
    }
    return v.asInt();
  }

  /** An optional number field within bounds. */
  static void checkNumber(JsonNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v != null && !v.isNull() && (!v.isNumber() || v.asDouble() < min || v.asDouble() > max)) {
      throw ProviderError.badRequest(
          "Invalid '"
              + field
              + "': expected a number between "
              + min
              + " and "
              + max
              + ", got "
              + v,
          field);
    }
  }

  /** An optional boolean field. */
  static boolean boolField(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ProviderError.badRequest(
          "Invalid '" + field + "': expected a boolean, got " + v, field);
    }
    return v.booleanValue();
  }

  /** A stable id with a prefix, from the request body. */
  static String id(String prefix, String seed) {
    return prefix + HexFormat.of().formatHex(Digests.sha256(seed)).substring(0, 24);
  }

  /** Seconds since the epoch. */
  static long now() {
    return System.currentTimeMillis() / 1000;
  }
}

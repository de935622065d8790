package dev.beamllm.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The JSON form an embedding is cached in: {@code {"model", "vector", "input_tokens", "cost"}}, the
 * vector as base64 of little-endian float32s (a quarter of the size of a JSON array of decimals,
 * and exact). Errors are not cached.
 */
public final class EmbeddingJson {
  private EmbeddingJson() {}

  /** The JSON of an embedding that has a vector. */
  public static String toJson(Embedding e) {
    if (e.isError()) {
      throw new IllegalArgumentException("an error is not cached: " + e);
    }
    float[] v = e.vector();
    ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bytes.putFloat(f);
    }
    ObjectNode o = Json.object();
    o.put("model", e.model());
    o.put("vector", Base64.getEncoder().encodeToString(bytes.array()));
    o.put("input_tokens", e.inputTokens());
    o.put("cost", e.cost());
    return Json.write(o);
  }

  /**
   * An embedding read back, without id.
   *
   * @throws IllegalArgumentException when the text is not an embedding's JSON
   */
  public static Embedding fromJson(String json) {
    JsonNode o;
    try {
      o = Json.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an embedding's JSON: " + e.getMessage(), e);
    }
    if (!o.path("model").isTextual() || !o.path("vector").isTextual()) {
      throw new IllegalArgumentException("not an embedding's JSON: model and vector are needed");
    }
    byte[] raw = Base64.getDecoder().decode(o.get("vector").asText());
    if (raw.length == 0 || raw.length % 4 != 0) {
      throw new IllegalArgumentException("not an embedding's JSON: the vector is cut");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[raw.length / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = bytes.getFloat();
    }
    return Embedding.of(
        null,
        o.get("model").asText(),
        v,
        o.path("input_tokens").asLong(0),
        o.path("cost").asDouble(0));
  }
}

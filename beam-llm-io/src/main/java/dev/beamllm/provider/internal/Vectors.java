package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.provider.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Embedding vectors read out of providers' JSON answers, with the checks every embedding API
 * shares: each vector an array of numbers, one vector per text sent.
 */
public final class Vectors {
  private Vectors() {}

  /**
   * A JSON array of numbers as floats.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} for anything else
   */
  public static float[] of(String api, JsonNode array) {
    if (array == null || !array.isArray() || array.isEmpty()) {
      throw Errors.unreadable(api, new IllegalStateException("an embedding is not a number array"));
    }
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = array.get(i);
      if (!x.isNumber()) {
        throw Errors.unreadable(
            api, new IllegalStateException("an embedding holds a non-number: " + x));
      }
      v[i] = x.floatValue();
    }
    return v;
  }

  /**
   * The vectors of an array of number arrays (Cohere's {@code embeddings.float}).
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} unless it holds {@code expected}
   *     vectors
   */
  public static List<float[]> list(String api, JsonNode arrays, int expected) {
    if (arrays == null || !arrays.isArray()) {
      throw Errors.unreadable(api, new IllegalStateException("no embeddings"));
    }
    List<float[]> out = new ArrayList<>();
    for (JsonNode a : arrays) {
      out.add(of(api, a));
    }
    return checked(api, out, expected);
  }

  /**
   * The vectors of an OpenAI-shaped {@code data} list ({@code [{"index": 0, "embedding": [...]},
   * ...]}, also Mistral's), put in input order by their {@code index}.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} unless each index from 0 to {@code
   *     expected - 1} has one vector
   */
  public static List<float[]> byIndex(String api, JsonNode data, int expected) {
    if (data == null || !data.isArray() || data.size() != expected) {
      throw Errors.unreadable(
          api,
          new IllegalStateException(
              (data == null || !data.isArray() ? 0 : data.size())
                  + " embeddings for "
                  + expected
                  + " inputs"));
    }
    float[][] ordered = new float[expected][];
    for (JsonNode item : data) {
      JsonNode index = item.get("index");
      int i = index != null && index.canConvertToInt() ? index.intValue() : -1;
      if (i < 0 || i >= expected || ordered[i] != null) {
        throw Errors.unreadable(api, new IllegalStateException("bad embedding index " + index));
      }
      ordered[i] = of(api, item.get("embedding"));
    }
    return List.of(ordered);
  }

  /**
   * The list as it is when it holds one vector per text.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} otherwise
   */
  public static List<float[]> checked(String api, List<float[]> vectors, int expected) {
    if (vectors.size() != expected) {
      throw Errors.unreadable(
          api,
          new IllegalStateException(vectors.size() + " embeddings for " + expected + " inputs"));
    }
    return vectors;
  }

  /** A token count the answer gives at this node, if it is a number. */
  public static OptionalLong tokens(JsonNode node) {
    return node != null && node.canConvertToLong()
        ? OptionalLong.of(node.longValue())
        : OptionalLong.empty();
  }
}

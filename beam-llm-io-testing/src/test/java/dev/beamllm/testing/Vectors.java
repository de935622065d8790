package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/** Reading embedding vectors out of JSON answers, and the arithmetic tests check them with. */
final class Vectors {
  private Vectors() {}

  /** A JSON array of numbers as floats. */
  static float[] of(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  /** The cosine between {@code v} and the first {@code v.length} components of {@code full}. */
  static double cosineWithPrefix(float[] full, float[] v) {
    float[] prefix = Arrays.copyOf(full, v.length);
    return dot(prefix, v) / (norm(prefix) * norm(v));
  }
}

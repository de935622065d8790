package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

/**
 * Deterministic unit-length embedding vectors: the same text always gives the same vector, and
 * different texts nearly orthogonal ones. A shortened vector ({@code dimensions}) is the full
 * vector's prefix scaled back to unit length, as OpenAI's text-embedding-3 models shorten theirs
 * ({@link #truncated} is the prefix as it is, as Gemini shortens its). The quantized types the
 * providers offer ({@code int8}, {@code binary}, ...) are derived from the float vector ({@link
 * #encode}).
 */
final class FakeEmbeddings {
  private FakeEmbeddings() {}

  /**
   * The embedding of a text.
   *
   * @param text the text
   * @param nativeDimensions the model's full dimension count
   * @param dimensions how many to return, at most {@code nativeDimensions}
   */
  static float[] vector(String text, int nativeDimensions, int dimensions) {
    // Gaussian components give directions spread evenly over the sphere; java.util.Random's
    // algorithm is specified, so vectors are the same on every JVM.
    Random random = new Random(ByteBuffer.wrap(Digests.sha256(text)).getLong());
    double[] full = new double[nativeDimensions];
    for (int i = 0; i < nativeDimensions; i++) {
      full[i] = random.nextGaussian();
    }
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      norm += full[i] * full[i];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (full[i] / norm);
    }
    return out;
  }

  /**
   * The vector as OpenAI's {@code encoding_format: base64}: little-endian float32, base64-encoded.
   */
  static String base64(float[] vector) {
    ByteBuffer bytes =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      bytes.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /**
   * The first {@code dimensions} components of the full unit vector, not scaled back to unit
   * length: Gemini truncates this way and documents that only the full-size embedding is
   * normalized.
   */
  static float[] truncated(String text, int nativeDimensions, int dimensions) {
    return Arrays.copyOf(vector(text, nativeDimensions, nativeDimensions), dimensions);
  }

  /** The vector as a JSON array of numbers. */
  static ArrayNode floats(float[] vector) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (float x : vector) {
      out.add(x);
    }
    return out;
  }

  /**
   * One embedding in the given type: {@code float} as it is; {@code int8}/{@code uint8} scale the
   * largest component to 127 ({@code uint8} adds 128); {@code ubinary} packs the signs (1 for
   * positive) eight to a byte, the last byte padded with zero bits, and {@code binary} is that less
   * 128; {@code base64} is the float32 values, little-endian. The names are Cohere's, which Mistral
   * shares for its {@code output_dtype}.
   */
  static JsonNode encode(String type, float[] v) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    switch (type) {
      case "float" -> {
        return floats(v);
      }
      case "int8", "uint8" -> {
        float max = 0;
        for (float x : v) {
          max = Math.max(max, Math.abs(x));
        }
        for (float x : v) {
          int q = Math.round(x / max * 127);
          out.add(type.equals("int8") ? q : q + 128);
        }
      }
      case "binary", "ubinary" -> {
        for (int i = 0; i < v.length; i += 8) {
          int b = 0;
          for (int k = 0; k < 8; k++) {
            b = b << 1 | (i + k < v.length && v[i + k] > 0 ? 1 : 0);
          }
          out.add(type.equals("ubinary") ? b : b - 128);
        }
      }
      default -> {
        return Json.MAPPER.getNodeFactory().textNode(base64(v));
      }
    }
    return out;
  }
}

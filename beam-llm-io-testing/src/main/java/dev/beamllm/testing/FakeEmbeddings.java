package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Digests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Random;

/**
 * Deterministic unit-length embedding vectors: the same text always gives the same vector, and
 * different texts nearly orthogonal ones. A shortened vector ({@code dimensions}) is the full
 * vector's prefix scaled back to unit length, as OpenAI's text-embedding-3 models shorten theirs.
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
}

package dev.beamllm.beam;

import dev.beamllm.response.Embedding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;

/**
 * Encodes an {@link Embedding}: id, model, the vector as float32s, tokens, cost, whether a cache
 * hit, and the error if any. Compact and exact, as vectors are most of a job's bytes.
 */
public final class EmbeddingCoder extends AtomicCoder<Embedding> {
  private static final EmbeddingCoder INSTANCE = new EmbeddingCoder();
  private static final NullableCoder<String> STRING = ResultTail.STRING;

  private EmbeddingCoder() {}

  /** The one instance, stateless. */
  public static EmbeddingCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Embedding e, OutputStream out) throws IOException {
    if (e == null) {
      throw new CoderException("cannot encode a null Embedding");
    }
    STRING.encode(e.id().orElse(null), out);
    STRING.encode(e.model(), out);
    DataOutputStream data = new DataOutputStream(out);
    float[] v = e.vector();
    data.writeInt(v.length);
    for (float f : v) {
      data.writeFloat(f);
    }
    data.writeLong(e.inputTokens());
    data.writeDouble(e.cost());
    data.flush();
    new ResultTail(e.cacheHit(), e.error().orElse(null)).encode(out);
  }

  @Override
  public Embedding decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    String model = STRING.decode(in);
    DataInputStream data = new DataInputStream(in);
    int n = data.readInt();
    if (n < 0) {
      throw new CoderException("cannot decode Embedding: a negative vector length");
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = data.readFloat();
    }
    long tokens = data.readLong();
    double cost = data.readDouble();
    ResultTail tail = ResultTail.decode(in);
    if (tail.error() != null) {
      return Embedding.failed(id, model, tail.error());
    }
    Embedding e = Embedding.of(id, model, v, tokens, cost);
    return tail.cacheHit() ? e.fromCache(id) : e;
  }

  @Override
  public void verifyDeterministic() {}
}

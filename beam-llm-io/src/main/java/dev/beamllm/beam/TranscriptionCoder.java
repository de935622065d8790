package dev.beamllm.beam;

import dev.beamllm.response.Transcription;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;

/**
 * Encodes a {@link Transcription}: id, model, text, seconds, text, audio and output tokens, cost,
 * whether a cache hit, and the error if any.
 */
public final class TranscriptionCoder extends AtomicCoder<Transcription> {
  private static final TranscriptionCoder INSTANCE = new TranscriptionCoder();
  private static final NullableCoder<String> STRING = ResultTail.STRING;

  private TranscriptionCoder() {}

  /** The one instance, stateless. */
  public static TranscriptionCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Transcription t, OutputStream out) throws IOException {
    if (t == null) {
      throw new CoderException("cannot encode a null Transcription");
    }
    STRING.encode(t.id().orElse(null), out);
    STRING.encode(t.model(), out);
    STRING.encode(t.text(), out);
    DataOutputStream data = new DataOutputStream(out);
    data.writeDouble(t.seconds());
    data.writeLong(t.textTokens());
    data.writeLong(t.audioTokens());
    data.writeLong(t.outputTokens());
    data.writeDouble(t.cost());
    data.flush();
    new ResultTail(t.cacheHit(), t.error().orElse(null)).encode(out);
  }

  @Override
  public Transcription decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    String model = STRING.decode(in);
    String text = STRING.decode(in);
    DataInputStream data = new DataInputStream(in);
    double seconds = data.readDouble();
    long textTokens = data.readLong();
    long audioTokens = data.readLong();
    long outputTokens = data.readLong();
    double cost = data.readDouble();
    ResultTail tail = ResultTail.decode(in);
    if (tail.error() != null) {
      return Transcription.failed(id, model, tail.error());
    }
    Transcription t =
        Transcription.of(id, model, text, seconds, textTokens, audioTokens, outputTokens, cost);
    // A cache hit costs nothing, which fromCache sets again.
    return tail.cacheHit() ? t.fromCache(id) : t;
  }

  @Override
  public void verifyDeterministic() {}
}

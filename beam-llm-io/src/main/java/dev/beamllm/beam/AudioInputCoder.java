package dev.beamllm.beam;

import dev.beamllm.client.AudioInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** Encodes an {@link AudioInput}: its id (or none), its file name and its bytes. */
public final class AudioInputCoder extends AtomicCoder<AudioInput> {
  private static final AudioInputCoder INSTANCE = new AudioInputCoder();
  private static final NullableCoder<String> ID = NullableCoder.of(StringUtf8Coder.of());

  private AudioInputCoder() {}

  /** The one instance, stateless. */
  public static AudioInputCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(AudioInput a, OutputStream out) throws IOException {
    if (a == null) {
      throw new CoderException("cannot encode a null AudioInput");
    }
    ID.encode(a.id(), out);
    StringUtf8Coder.of().encode(a.fileName(), out);
    ByteArrayCoder.of().encode(a.bytes(), out);
  }

  @Override
  public AudioInput decode(InputStream in) throws IOException {
    return new AudioInput(
        ID.decode(in), StringUtf8Coder.of().decode(in), ByteArrayCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}

package dev.beamllm.beam;

import dev.beamllm.client.TextInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** Encodes a {@link TextInput}: its id (or none) and its text. */
public final class TextInputCoder extends AtomicCoder<TextInput> {
  private static final TextInputCoder INSTANCE = new TextInputCoder();
  private static final NullableCoder<String> ID = NullableCoder.of(StringUtf8Coder.of());

  private TextInputCoder() {}

  /** The one instance, stateless. */
  public static TextInputCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(TextInput t, OutputStream out) throws IOException {
    ID.encode(t.id(), out);
    StringUtf8Coder.of().encode(t.text(), out);
  }

  @Override
  public TextInput decode(InputStream in) throws IOException {
    return new TextInput(ID.decode(in), StringUtf8Coder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}

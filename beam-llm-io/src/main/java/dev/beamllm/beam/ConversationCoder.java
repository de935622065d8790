package dev.beamllm.beam;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ConversationJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes a {@link Conversation} as its JSON form with every image and file embedded, so a worker
 * can decode it without the launcher's files. Lossless, and deterministic because the JSON form
 * writes fields in a fixed order.
 */
public final class ConversationCoder extends AtomicCoder<Conversation> {
  private static final ConversationCoder INSTANCE = new ConversationCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private ConversationCoder() {}

  /**
   * The one instance, stateless: the coder Beam infers for a {@code PCollection<Conversation>}, for
   * the places it cannot infer ({@code TestStream.create}, {@code KvCoder.of}).
   */
  public static ConversationCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Conversation value, OutputStream out) throws IOException {
    if (value == null) {
      throw new CoderException("cannot encode a null Conversation");
    }
    BYTES.encode(embeddedJson(value).getBytes(StandardCharsets.UTF_8), out);
  }

  @Override
  public Conversation decode(InputStream in) throws IOException {
    String json = new String(BYTES.decode(in), StandardCharsets.UTF_8);
    try {
      return fromEmbeddedJson(json);
    } catch (IllegalArgumentException e) {
      throw new CoderException("cannot decode Conversation: " + e.getMessage(), e);
    }
  }

  /** The JSON form this coder writes: images and files embedded, fields in a fixed order. */
  static String embeddedJson(Conversation value) {
    return ConversationJson.toJson(value, ConversationJson.Mode.EMBEDDED);
  }

  /**
   * Reads {@link #embeddedJson} back without validating, so an invalid conversation (one that
   * failed as such) reads back as it was.
   */
  static Conversation fromEmbeddedJson(String json) {
    return ConversationJson.restore(json);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}

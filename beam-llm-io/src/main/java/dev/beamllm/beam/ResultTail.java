package dev.beamllm.beam;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The bytes that end every non-chat result's encoding ({@link EmbeddingCoder}, {@link
 * TranscriptionCoder}, {@link RankingCoder}): whether it was a cache hit, whether it failed, and
 * then its error's kind, message, HTTP status and retry-after. One place, so the coders cannot
 * drift apart.
 *
 * @param cacheHit whether the result came from the cache
 * @param error the error that ended it, or null
 */
record ResultTail(boolean cacheHit, @Nullable ApiError error) {
  /** Ids, models, texts and error messages, any of which may be null. */
  static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());

  /** Writes the tail after the result's own fields. */
  void encode(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeBoolean(cacheHit);
    data.writeBoolean(error != null);
    data.flush();
    if (error != null) {
      STRING.encode(error.kind().name(), out);
      STRING.encode(error.message(), out);
      data.writeInt(error.status());
      data.writeLong(error.retryAfterMillis());
      data.flush();
    }
  }

  /** Reads what {@link #encode} wrote. */
  static ResultTail decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    boolean cacheHit = data.readBoolean();
    if (!data.readBoolean()) {
      return new ResultTail(cacheHit, null);
    }
    ErrorKind kind = ErrorKind.valueOf(STRING.decode(in));
    String message = STRING.decode(in);
    return new ResultTail(cacheHit, new ApiError(kind, message, data.readInt(), data.readLong()));
  }
}

package dev.beamllm.prompt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How long a recording lasts, for token estimates: providers bill audio by its duration (Gemini 32
 * tokens a second), so the estimate needs seconds, not bytes.
 */
final class AudioDuration {
  /**
   * The rate assumed for audio whose header is not read: 128 kbit/s, a common rate for MP3 and AAC
   * speech. Lossless formats (FLAC, AIFF) are longer per byte than this, so their estimate is high,
   * which errs on the safe side for rate limits.
   */
  static final double ESTIMATED_BYTES_PER_SECOND = 128_000 / 8.0;

  private AudioDuration() {}

  /** The duration: exact for a WAV, else estimated from the size. */
  static double seconds(byte[] audio) {
    return wavSeconds(audio).orElse(audio.length / ESTIMATED_BYTES_PER_SECOND);
  }

  /**
   * A RIFF/WAVE file's duration: its {@code data} chunk's size over the byte rate of its {@code fmt
   * } chunk. A streamed WAV may claim more data than is there, so only the bytes present count.
   */
  static Optional<Double> wavSeconds(byte[] audio) {
    if (audio.length < 12 || !id(audio, 0).equals("RIFF") || !id(audio, 8).equals("WAVE")) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(audio).order(ByteOrder.LITTLE_ENDIAN);
    long byteRate = 0;
    int at = 12;
    while (at + 8 <= audio.length) {
      String id = id(audio, at);
      long size = Integer.toUnsignedLong(b.getInt(at + 4));
      if (id.equals("fmt ") && at + 20 <= audio.length) {
        // The byte rate follows the format tag (2 bytes), channels (2) and sample rate (4).
        byteRate = Integer.toUnsignedLong(b.getInt(at + 16));
      } else if (id.equals("data") && byteRate > 0) {
        return Optional.of(Math.min(size, audio.length - at - 8L) / (double) byteRate);
      }
      // Chunks are padded to an even size.
      long next = at + 8L + size + (size & 1);
      if (next > audio.length) {
        break;
      }
      at = (int) next;
    }
    return Optional.empty();
  }

  private static String id(byte[] audio, int at) {
    return new String(audio, at, 4, StandardCharsets.US_ASCII);
  }
}

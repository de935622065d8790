package dev.beamllm.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What the fake "hears" in an uploaded audio file, deterministically: the text after a marker
 * {@code TRANSCRIPT:} anywhere in the file's bytes (up to the next control byte or the end: a test
 * writes it into a WAV's chunk or a tag), else the file name without its extension, {@code _} and
 * {@code -} read as spaces ({@code hello_world.wav} is "hello world"). The duration is a RIFF/WAVE
 * file's data size over its byte rate, else the size at 128 kbit/s, the fake's stand-in for
 * decoding compressed audio.
 *
 * @param text the transcript
 * @param seconds the audio's duration
 */
record AudioTranscript(String text, double seconds) {
  /** The marker a test puts in a file's bytes to choose its transcript. */
  static final String MARKER = "TRANSCRIPT:";

  private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
  private static final double COMPRESSED_BYTES_PER_SECOND = 128_000 / 8.0;

  /** The transcript and duration of a file. */
  static AudioTranscript of(String filename, byte[] audio) {
    return new AudioTranscript(text(filename, audio), seconds(audio));
  }

  private static String text(String filename, byte[] audio) {
    int at = Multipart.indexOf(audio, MARKER_BYTES, 0);
    if (at >= 0) {
      int start = at + MARKER_BYTES.length;
      int end = start;
      while (end < audio.length && (audio[end] & 0xff) >= 0x20 && audio[end] != 0x7f) {
        end++;
      }
      return new String(audio, start, end - start, StandardCharsets.UTF_8).strip();
    }
    String name = filename == null ? "" : filename;
    name = name.substring(name.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    return name.replace('_', ' ').replace('-', ' ').replaceAll("\\s+", " ").strip();
  }

  /** A WAV's duration from its {@code fmt } and {@code data} chunks, else by size. */
  private static double seconds(byte[] audio) {
    ByteBuffer b = ByteBuffer.wrap(audio).order(ByteOrder.LITTLE_ENDIAN);
    if (audio.length >= 12
        && chunkId(audio, 0).equals("RIFF")
        && chunkId(audio, 8).equals("WAVE")) {
      long byteRate = 0;
      int at = 12;
      while (at + 8 <= audio.length) {
        String id = chunkId(audio, at);
        long size = Integer.toUnsignedLong(b.getInt(at + 4));
        if (id.equals("fmt ") && at + 20 <= audio.length) {
          // The byte rate follows the format tag, channels and sample rate.
          byteRate = Integer.toUnsignedLong(b.getInt(at + 16));
        } else if (id.equals("data") && byteRate > 0) {
          // A streamed WAV may claim more data than was sent: count what is there.
          return Math.min(size, audio.length - at - 8L) / (double) byteRate;
        }
        // Chunks are padded to an even size.
        at += 8 + (int) Math.min(Integer.MAX_VALUE - 16, size + (size & 1));
      }
    }
    return audio.length / COMPRESSED_BYTES_PER_SECOND;
  }

  private static String chunkId(byte[] audio, int at) {
    return new String(audio, at, 4, StandardCharsets.US_ASCII);
  }
}

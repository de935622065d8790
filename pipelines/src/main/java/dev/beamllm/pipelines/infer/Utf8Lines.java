package dev.beamllm.pipelines.infer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a file's lines as bytes, one at a time, so one invalid UTF-8 byte fails its own line and
 * not the file: a UTF-8 byte-order mark is skipped, {@code \r\n} and {@code \n} both end a line,
 * and a line longer than {@value #MAX_LINE_BYTES} bytes is reported rather than filling the heap.
 */
final class Utf8Lines implements AutoCloseable {
  /** The longest line kept: rows may embed images and PDFs as base64, but not without bound. */
  static final int MAX_LINE_BYTES = 64 << 20;

  /** One line: its text, or why it has none. */
  record Line(int number, String text, String error) {}

  private final InputStream in;
  private byte[] buf = new byte[8192];
  private int number;

  Utf8Lines(InputStream in) throws IOException {
    this.in = skipBom(new BufferedInputStream(in, 1 << 16));
  }

  /** The stream without a leading UTF-8 byte-order mark. */
  static InputStream skipBom(InputStream in) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, 3);
    byte[] head = new byte[3];
    int n = p.readNBytes(head, 0, 3);
    if (!(n == 3
        && (head[0] & 0xFF) == 0xEF
        && (head[1] & 0xFF) == 0xBB
        && (head[2] & 0xFF) == 0xBF)) {
      p.unread(head, 0, n);
    }
    return p;
  }

  /** The next line, or null at the end of the file. */
  Line next() throws IOException {
    int len = 0;
    boolean tooLong = false;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (len == buf.length) {
        if (len >= MAX_LINE_BYTES) {
          tooLong = true;
          continue;
        }
        buf = Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, len * 2));
      }
      if (!tooLong) {
        buf[len++] = (byte) b;
      }
    }
    if (b == -1 && len == 0 && !tooLong) {
      return null;
    }
    number++;
    if (len > 0 && buf[len - 1] == '\r') {
      len--;
    }
    if (tooLong) {
      return new Line(number, "", "the line is longer than " + (MAX_LINE_BYTES >> 20) + " MiB");
    }
    CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(buf, 0, len);
    try {
      CharBuffer chars = strict.decode(bytes);
      return new Line(number, chars.toString(), null);
    } catch (CharacterCodingException e) {
      int at = firstInvalidByte(len);
      return new Line(
          number,
          new String(buf, 0, len, StandardCharsets.UTF_8),
          "invalid UTF-8 at byte " + (at + 1) + " of the line: save the file as UTF-8");
    }
  }

  private int firstInvalidByte(int len) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer bytes = ByteBuffer.wrap(buf, 0, len);
    CharBuffer out = CharBuffer.allocate(len + 1);
    var result = d.decode(bytes, out, true);
    return result.isError() ? bytes.position() : 0;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

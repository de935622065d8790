package dev.beamllm.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) split into its parts, read from the body's bytes so
 * binary files (audio uploads) come through unchanged. The OpenAI Files upload and the audio
 * transcription endpoint share it.
 *
 * @param parts the parts, in the order sent
 */
record Multipart(List<Part> parts) {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  /**
   * A part.
   *
   * @param name the form field's name
   * @param filename the file name, for a file part; null for a plain field
   * @param contentType the part's content type, or null
   * @param content the part's bytes
   */
  record Part(String name, String filename, String contentType, byte[] content) {
    /** The content as UTF-8 text, for a plain field. */
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /**
   * The parts of a request's body, or null when the request is not {@code multipart/form-data} with
   * a boundary: each provider words that refusal its own way.
   */
  static Multipart of(FakeHttpRequest request) {
    String type = request.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    Matcher m = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|[^;\\s]+)").matcher(type);
    if (!m.find()) {
      return null;
    }
    String boundary = m.group(2) != null ? m.group(2) : m.group(1);
    return parse(request.bodyBytes(), ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Multipart parse(byte[] body, byte[] delimiter) {
    List<Part> out = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      // "--" right after a delimiter closes the body.
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      int headersEnd = indexOf(body, HEADER_END, start);
      if (headersEnd < 0) {
        break;
      }
      // Each later delimiter is preceded by the CRLF that ends the previous part's content.
      byte[] next = concat(CRLF, delimiter);
      int end = indexOf(body, next, headersEnd + HEADER_END.length);
      if (end < 0) {
        break;
      }
      String head = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
      out.add(
          new Part(
              attribute(head, "name"),
              attribute(head, "filename"),
              header(head, "content-type"),
              Arrays.copyOfRange(body, headersEnd + HEADER_END.length, end)));
      at = end + CRLF.length;
    }
    return new Multipart(List.copyOf(out));
  }

  /** The first part named {@code name}, or null. */
  Part part(String name) {
    for (Part p : parts) {
      if (name.equals(p.name())) {
        return p;
      }
    }
    return null;
  }

  /** The first part named {@code name} as text, or null. */
  String field(String name) {
    Part p = part(name);
    return p == null ? null : p.text();
  }

  /** The value of {@code key="..."} in a part's headers, or null. */
  private static String attribute(String head, String key) {
    Matcher m = Pattern.compile("[; ]" + key + "=\"([^\"]*)\"").matcher(head);
    return m.find() ? m.group(1) : null;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Where {@code needle} first occurs in {@code hay} at or after {@code from}, or -1. */
  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

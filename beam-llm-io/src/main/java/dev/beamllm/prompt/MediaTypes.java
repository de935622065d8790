package dev.beamllm.prompt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Media types from magic bytes, never from file names. */
final class MediaTypes {
  static final String PNG = "image/png";
  static final String JPEG = "image/jpeg";
  static final String GIF = "image/gif";
  static final String WEBP = "image/webp";
  static final String PDF = "application/pdf";
  static final String TEXT = "text/plain";
  static final String WAV = "audio/wav";
  // Gemini's list names MP3 audio/mp3 (ai.google.dev/gemini-api/docs/audio), not audio/mpeg.
  static final String MP3 = "audio/mp3";
  static final String AIFF = "audio/aiff";
  static final String AAC = "audio/aac";
  static final String OGG = "audio/ogg";
  static final String FLAC = "audio/flac";

  /** Audio types by file extension, only for URIs, which have no bytes to sniff. */
  private static final String[][] AUDIO_EXTENSIONS = {
    {".wav", WAV},
    {".mp3", MP3},
    {".aiff", AIFF},
    {".aif", AIFF},
    {".aac", AAC},
    {".ogg", OGG},
    {".flac", FLAC}
  };

  private MediaTypes() {}

  /** The image media type the bytes start with, if any of PNG, JPEG, GIF or WebP. */
  static Optional<String> sniffImage(byte[] b) {
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
      return Optional.of(GIF);
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return Optional.of(WEBP);
    }
    return Optional.empty();
  }

  /** The document media type of the bytes: PDF by its header, plain text when valid UTF-8. */
  static Optional<String> sniffDocument(byte[] b) {
    if (startsWith(b, 0, '%', 'P', 'D', 'F', '-')) {
      return Optional.of(PDF);
    }
    if (sniffImage(b).isPresent()) {
      return sniffImage(b);
    }
    if (isUtf8Text(b)) {
      return Optional.of(TEXT);
    }
    return Optional.empty();
  }

  /**
   * The audio media type the bytes start with, if any of WAV, MP3 (ID3 tag or MPEG frame), AIFF,
   * AAC (ADTS), Ogg or FLAC.
   */
  static Optional<String> sniffAudio(byte[] b) {
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'A', 'V', 'E')) {
      return Optional.of(WAV);
    }
    if (startsWith(b, 0, 'I', 'D', '3')) {
      return Optional.of(MP3);
    }
    if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) {
      // MPEG audio frames and AAC's ADTS frames share the sync word; the layer bits tell them
      // apart: ADTS always has layer 00, MP3 (layers I to III) never.
      return Optional.of((b[1] & 0x06) == 0 ? AAC : MP3);
    }
    if (startsWith(b, 0, 'F', 'O', 'R', 'M')
        && (startsWith(b, 8, 'A', 'I', 'F', 'F') || startsWith(b, 8, 'A', 'I', 'F', 'C'))) {
      return Optional.of(AIFF);
    }
    if (startsWith(b, 0, 'O', 'g', 'g', 'S')) {
      return Optional.of(OGG);
    }
    if (startsWith(b, 0, 'f', 'L', 'a', 'C')) {
      return Optional.of(FLAC);
    }
    return Optional.empty();
  }

  /** The audio media type a URI's extension names, if any (query and fragment ignored). */
  static Optional<String> audioTypeFromName(String uri) {
    String path = uri.replaceFirst("[?#].*$", "").toLowerCase(java.util.Locale.ROOT);
    for (String[] e : AUDIO_EXTENSIONS) {
      if (path.endsWith(e[0])) {
        return Optional.of(e[1]);
      }
    }
    return Optional.empty();
  }

  /** A short hex dump of the first bytes, for error messages. */
  static String head(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return b.length == 0 ? "(empty)" : sb.toString();
  }

  private static boolean isUtf8Text(byte[] b) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b))
              .toString();
      return s.chars().noneMatch(c -> c == 0);
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean startsWith(byte[] b, int offset, int... magic) {
    if (b.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}

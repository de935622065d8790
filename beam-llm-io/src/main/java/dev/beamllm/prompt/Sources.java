package dev.beamllm.prompt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/** Reading bytes from paths, base64 and data URLs, with errors that name the source. */
final class Sources {
  private Sources() {}

  static byte[] readFile(Path path, String what) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new InvalidPromptException(what + " file not found: " + path.toAbsolutePath());
    } catch (IOException e) {
      throw new InvalidPromptException(
          "cannot read " + what + " file " + path.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  static byte[] decodeBase64(String base64, String what) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidPromptException(what + " is not valid base64: " + e.getMessage());
    }
  }

  /** A parsed {@code data:} URL. */
  record DataUrl(String mediaType, byte[] bytes) {}

  static boolean isDataUrl(String url) {
    return url.regionMatches(true, 0, "data:", 0, 5);
  }

  static DataUrl parseDataUrl(String url, String what) {
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw new InvalidPromptException(what + " data URL has no comma");
    }
    String header = url.substring(5, comma);
    if (!header.endsWith(";base64")) {
      throw new InvalidPromptException(what + " data URL must be base64-encoded");
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    return new DataUrl(mediaType, decodeBase64(url.substring(comma + 1), what + " data URL"));
  }

  static String dataUrl(String mediaType, byte[] bytes) {
    return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  static void requireHttpUrl(String url, String what) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
      throw new InvalidPromptException(
          what + " URL must be http(s) or a data URL, got '" + abbreviate(url) + "'");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}

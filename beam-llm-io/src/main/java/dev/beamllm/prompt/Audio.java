package dev.beamllm.prompt;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A recording for the model to listen to, from a file, bytes, base64, a data URL, or a URI the
 * provider fetches (Gemini's Files API or {@code gs://}). The media type comes from the bytes'
 * magic numbers (WAV, MP3, AIFF, AAC, Ogg, FLAC: the formats Gemini lists), or is given explicitly
 * for other formats; providers then accept or refuse it before anything is sent (OpenAI's chat
 * takes only WAV and MP3).
 */
public final class Audio implements Part {

  /** Where the audio came from, which decides how the project's JSON form writes it. */
  public enum Origin {
    /** A local file: the bytes are read, and the path is kept for the JSON form. */
    PATH,
    /** Bytes given directly, as base64 or as a data URL. */
    BYTES,
    /** A URI the provider fetches: no bytes here. */
    URL
  }

  private final Origin origin;
  private final String location;
  private final byte[] bytes;
  private final String mediaType;

  private Audio(Origin origin, String location, byte[] bytes, String mediaType) {
    this.origin = origin;
    this.location = location;
    this.bytes = bytes;
    this.mediaType = mediaType;
  }

  /** Reads an audio file; fails if it is missing or not a recognised audio format. */
  public static Audio fromPath(Path path) {
    byte[] bytes = Sources.readFile(path, "audio");
    return new Audio(Origin.PATH, path.toString(), bytes, sniff(bytes, path.toString()));
  }

  /** Reads an audio file named by a string path. */
  public static Audio fromPath(String path) {
    return fromPath(Path.of(path));
  }

  /** Audio from its bytes, its format recognised from them. */
  public static Audio fromBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Audio(Origin.BYTES, null, copy, sniff(copy, "audio bytes"));
  }

  /**
   * Audio from bytes with an explicit media type ({@code audio/...}), for formats not recognised
   * from the bytes; the provider decides whether it takes them.
   */
  public static Audio fromBytes(byte[] bytes, String mediaType) {
    return new Audio(Origin.BYTES, null, bytes.clone(), requireAudioType(mediaType));
  }

  /** Audio from base64 text, with or without a {@code data:} prefix. */
  public static Audio fromBase64(String base64) {
    if (Sources.isDataUrl(base64)) {
      return fromUrl(base64);
    }
    return fromBytes(Sources.decodeBase64(base64, "audio base64"));
  }

  /**
   * Audio at a URI the provider fetches itself: an http(s) URL such as a Gemini Files API uri, or a
   * {@code gs://} object; a {@code data:} URL is decoded into bytes instead (its media type is kept
   * when the bytes are not recognised). Only Gemini takes audio by URI.
   */
  public static Audio fromUrl(String url) {
    Objects.requireNonNull(url, "url");
    if (Sources.isDataUrl(url)) {
      Sources.DataUrl data = Sources.parseDataUrl(url, "audio");
      Optional<String> sniffed = MediaTypes.sniffAudio(data.bytes());
      return sniffed.isPresent() || data.mediaType().isEmpty()
          ? fromBytes(data.bytes())
          : fromBytes(data.bytes(), data.mediaType());
    }
    if (!url.regionMatches(true, 0, "gs://", 0, 5)) {
      Sources.requireHttpUrl(url, "audio");
    }
    return new Audio(Origin.URL, url, null, MediaTypes.audioTypeFromName(url).orElse(null));
  }

  /**
   * Reads an audio file whose format the bytes do not reveal (WebM, M4A, ...), with its media type.
   */
  public static Audio fromPath(Path path, String mediaType) {
    byte[] bytes = Sources.readFile(path, "audio");
    return new Audio(Origin.PATH, path.toString(), bytes, requireAudioType(mediaType));
  }

  /**
   * Restores audio from the JSON form: bytes win over a path when both are present; a given media
   * type wins over the one the bytes reveal.
   */
  static Audio restore(Origin origin, String location, byte[] bytes, String mediaType) {
    if (bytes == null) {
      if (origin == Origin.PATH) {
        return mediaType == null ? fromPath(location) : fromPath(Path.of(location), mediaType);
      }
      Audio audio = fromUrl(location);
      return mediaType == null ? audio : audio.withMediaType(mediaType);
    }
    String type =
        mediaType != null ? mediaType : sniff(bytes, location == null ? "audio" : location);
    return new Audio(origin, location, bytes, requireAudioType(type));
  }

  /** A copy with another media type, for a format the bytes do not reveal. */
  public Audio withMediaType(String mediaType) {
    return new Audio(origin, location, bytes, requireAudioType(mediaType));
  }

  /** Where the audio came from. */
  public Origin origin() {
    return origin;
  }

  /** The path or URI it came from, if any. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** The bytes; empty for audio by URI, which the provider fetches. */
  public Optional<byte[]> bytes() {
    return Optional.ofNullable(bytes).map(byte[]::clone);
  }

  /**
   * The media type ({@code audio/wav}, {@code audio/mp3}, ...); empty only for a URI whose name
   * does not tell it.
   */
  public Optional<String> mediaType() {
    return Optional.ofNullable(mediaType);
  }

  /**
   * The short format name: the media type's subtype ({@code wav}, {@code mp3}, {@code flac}, ...),
   * which is what OpenAI's {@code input_audio.format} takes.
   */
  public Optional<String> format() {
    return mediaType().map(t -> t.substring(t.indexOf('/') + 1));
  }

  /** Base64 of the bytes; fails for audio by URI. */
  public String base64() {
    return Base64.getEncoder().encodeToString(requireBytes());
  }

  /**
   * The duration in seconds: exact for a WAV file (its data size over its byte rate, read from the
   * header), else estimated from the size at 128 kbit/s, a typical rate for compressed speech;
   * empty for audio by URI.
   */
  public Optional<Double> seconds() {
    return bytes == null ? Optional.empty() : Optional.of(AudioDuration.seconds(bytes));
  }

  /** True when {@link #seconds} is read from the header rather than estimated from the size. */
  public boolean exactDuration() {
    return bytes != null && AudioDuration.wavSeconds(bytes).isPresent();
  }

  /** A short description for error messages: the path or URI, or the size in bytes. */
  public String describe() {
    return location != null
        ? "audio " + Sources.abbreviate(location)
        : "audio of " + bytes.length + " bytes";
  }

  byte[] requireBytes() {
    if (bytes == null) {
      throw new IllegalStateException(describe() + " is audio by URI and has no bytes here");
    }
    return bytes;
  }

  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public String type() {
    return "audio";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Audio other)) {
      return false;
    }
    return origin == other.origin
        && Objects.equals(location, other.location)
        && Arrays.equals(bytes, other.bytes)
        && Objects.equals(mediaType, other.mediaType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, location, Arrays.hashCode(bytes), mediaType);
  }

  @Override
  public String toString() {
    return "Audio{" + describe() + ", " + mediaType + "}";
  }

  private static String sniff(byte[] bytes, String where) {
    return MediaTypes.sniffAudio(bytes)
        .orElseThrow(
            () ->
                new InvalidPromptException(
                    "unknown audio media type for "
                        + where
                        + " (first bytes "
                        + MediaTypes.head(bytes)
                        + "; expected WAV, MP3, AIFF, AAC, Ogg or FLAC; give the media type"
                        + " explicitly for other formats)"));
  }

  private static String requireAudioType(String mediaType) {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!mediaType.startsWith("audio/") || mediaType.length() <= "audio/".length()) {
      throw new InvalidPromptException(
          "audio media type must be audio/<format>, got '" + mediaType + "'");
    }
    return mediaType;
  }
}

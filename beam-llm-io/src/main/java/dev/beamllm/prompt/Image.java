package dev.beamllm.prompt;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image, from a file, a URL, bytes, base64 or a data URL. The media type comes from the bytes'
 * magic numbers, never from a file name. Images from a path are read when created, so a missing
 * file fails at once and names the path.
 */
public final class Image implements Part {

  /** Where the image came from, which decides how the project's JSON form writes it. */
  public enum Origin {
    /** A local file: the bytes are read, and the path is kept for the JSON form. */
    PATH,
    /** An http(s) URL that the provider fetches: no bytes here. */
    URL,
    /** Bytes given directly, as base64 or as a data URL. */
    BYTES
  }

  /** How much detail the provider should look at (OpenAI's {@code detail}). */
  public enum Detail {
    AUTO,
    LOW,
    HIGH;

    /** The lowercase wire name. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name. */
    public static Detail parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidPromptException(
            "unknown image detail '" + name + "' (expected auto, low or high)");
      }
    }
  }

  private final Origin origin;
  private final String location;
  private final byte[] bytes;
  private final String mediaType;
  private final Detail detail;
  private transient int[] dimensions;

  private Image(Origin origin, String location, byte[] bytes, String mediaType, Detail detail) {
    this.origin = origin;
    this.location = location;
    this.bytes = bytes;
    this.mediaType = mediaType;
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  /** Reads an image file; fails if it is missing or not PNG, JPEG, GIF or WebP. */
  public static Image fromPath(Path path) {
    byte[] bytes = Sources.readFile(path, "image");
    return new Image(
        Origin.PATH, path.toString(), bytes, sniff(bytes, path.toString()), Detail.AUTO);
  }

  /** Reads an image file named by a string path. */
  public static Image fromPath(String path) {
    return fromPath(Path.of(path));
  }

  /**
   * An image at an http(s) URL, fetched by the provider; a {@code data:} URL is decoded into bytes
   * instead.
   */
  public static Image fromUrl(String url) {
    Objects.requireNonNull(url, "url");
    if (Sources.isDataUrl(url)) {
      Sources.DataUrl data = Sources.parseDataUrl(url, "image");
      return fromBytes(data.bytes());
    }
    Sources.requireHttpUrl(url, "image");
    return new Image(Origin.URL, url, null, null, Detail.AUTO);
  }

  /** An image from its bytes. */
  public static Image fromBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Image(Origin.BYTES, null, copy, sniff(copy, "image bytes"), Detail.AUTO);
  }

  /** An image from base64 text, with or without a {@code data:} prefix. */
  public static Image fromBase64(String base64) {
    if (Sources.isDataUrl(base64)) {
      return fromUrl(base64);
    }
    return fromBytes(Sources.decodeBase64(base64, "image base64"));
  }

  /** Restores an image from the JSON form: bytes win over a path when both are present. */
  static Image restore(Origin origin, String location, byte[] bytes, Detail detail) {
    if (bytes == null) {
      return origin == Origin.PATH
          ? fromPath(location).withDetail(detail)
          : fromUrl(location).withDetail(detail);
    }
    String where = location == null ? "image bytes" : location;
    return new Image(origin, location, bytes, sniff(bytes, where), detail);
  }

  /** A copy with the given detail level. */
  public Image withDetail(Detail detail) {
    return new Image(origin, location, bytes, mediaType, detail);
  }

  /**
   * A copy scaled down so neither side exceeds {@code maxSide} pixels, keeping the aspect ratio and
   * the format (GIF becomes PNG). Images already small enough, and URL images, are returned
   * unchanged.
   */
  public Image resized(int maxSide) {
    if (maxSide <= 0) {
      throw new IllegalArgumentException("maxSide must be positive, got " + maxSide);
    }
    if (origin == Origin.URL) {
      return this;
    }
    int[] size =
        dimensions()
            .orElseThrow(
                () ->
                    new InvalidPromptException(
                        "cannot resize "
                            + describe()
                            + ": "
                            + mediaType
                            + " is not decodable here"));
    int longest = Math.max(size[0], size[1]);
    if (longest <= maxSide) {
      return this;
    }
    double scale = (double) maxSide / longest;
    int w = Math.max(1, (int) Math.round(size[0] * scale));
    int h = Math.max(1, (int) Math.round(size[1] * scale));
    try {
      BufferedImage source = ImageIO.read(new ByteArrayInputStream(bytes));
      boolean jpeg = mediaType.equals(MediaTypes.JPEG);
      BufferedImage target =
          new BufferedImage(w, h, jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
      Graphics2D g = target.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, 0, 0, w, h, null);
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(target, jpeg ? "jpeg" : "png", out);
      return new Image(
          Origin.BYTES, null, out.toByteArray(), jpeg ? MediaTypes.JPEG : MediaTypes.PNG, detail);
    } catch (IOException e) {
      throw new InvalidPromptException("cannot resize " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** Where the image came from. */
  public Origin origin() {
    return origin;
  }

  /** The path or URL it came from, if any. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** The image bytes; empty for URL images, which the provider fetches. */
  public Optional<byte[]> bytes() {
    return Optional.ofNullable(bytes).map(byte[]::clone);
  }

  /** The media type from the magic bytes; empty for URL images. */
  public Optional<String> mediaType() {
    return Optional.ofNullable(mediaType);
  }

  /** The detail level OpenAI renders the image at, which sets its token cost. */
  public Detail detail() {
    return detail;
  }

  /** Base64 of the bytes; fails for URL images. */
  public String base64() {
    return Base64.getEncoder().encodeToString(requireBytes());
  }

  /** The image as a URL a provider accepts: the http(s) URL, or a base64 data URL. */
  public String url() {
    return origin == Origin.URL ? location : Sources.dataUrl(mediaType, bytes);
  }

  /**
   * Width and height in pixels, read from the header; empty for URL images and undecodable formats.
   */
  public Optional<int[]> dimensions() {
    if (bytes == null) {
      return Optional.empty();
    }
    if (dimensions == null) {
      dimensions = readDimensions(bytes);
    }
    return dimensions.length == 0 ? Optional.empty() : Optional.of(dimensions.clone());
  }

  /** A short description for error messages: the path or URL, or the size in bytes. */
  public String describe() {
    return location != null
        ? "image " + Sources.abbreviate(location)
        : "image of " + bytes.length + " bytes";
  }

  byte[] requireBytes() {
    if (bytes == null) {
      throw new IllegalStateException(describe() + " is a URL image and has no bytes here");
    }
    return bytes;
  }

  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public String type() {
    return "image";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Image other)) {
      return false;
    }
    return origin == other.origin
        && Objects.equals(location, other.location)
        && Arrays.equals(bytes, other.bytes)
        && Objects.equals(mediaType, other.mediaType)
        && detail == other.detail;
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, location, Arrays.hashCode(bytes), mediaType, detail);
  }

  @Override
  public String toString() {
    return "Image{" + describe() + ", " + mediaType + ", detail=" + detail.wireName() + "}";
  }

  private static String sniff(byte[] bytes, String where) {
    return MediaTypes.sniffImage(bytes)
        .orElseThrow(
            () ->
                new InvalidPromptException(
                    "unknown image media type for "
                        + where
                        + " (first bytes "
                        + MediaTypes.head(bytes)
                        + "; expected PNG, JPEG, GIF or WebP)"));
  }

  private static int[] readDimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return new int[0];
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return new int[0];
    }
  }
}

package dev.beamllm.prompt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * A document for the model to read: a PDF or another file, from a path, bytes, a URL or a file id
 * the provider already holds. PDFs are recognised by their header, plain text by being valid UTF-8.
 */
public final class File implements Part {

  /** Where the file came from. */
  public enum Origin {
    /** A local file, read when created. */
    PATH,
    /** Bytes given directly. */
    BYTES,
    /** An http(s) URL that the provider fetches. */
    URL,
    /** An id of a file already uploaded to the provider (e.g. OpenAI {@code file-abc}). */
    FILE_ID
  }

  private final Origin origin;
  private final String location;
  private final byte[] bytes;
  private final String mediaType;
  private final String filename;
  private transient DocumentStats stats;

  private File(Origin origin, String location, byte[] bytes, String mediaType, String filename) {
    this.origin = origin;
    this.location = location;
    this.bytes = bytes;
    this.mediaType = mediaType;
    this.filename = filename;
  }

  /** Reads a file; its media type comes from its bytes. */
  public static File fromPath(Path path) {
    byte[] bytes = Sources.readFile(path, "document");
    Path name = path.getFileName();
    return new File(
        Origin.PATH,
        path.toString(),
        bytes,
        sniff(bytes, path.toString()),
        name == null ? "document" : name.toString());
  }

  /** Reads a file named by a string path. */
  public static File fromPath(String path) {
    return fromPath(Path.of(path));
  }

  /** A document from bytes, with the file name providers show the model. */
  public static File fromBytes(byte[] bytes, String filename) {
    byte[] copy = bytes.clone();
    return new File(Origin.BYTES, null, copy, sniff(copy, filename), filename);
  }

  /** A document from bytes with an explicit media type, for formats not recognised from bytes. */
  public static File fromBytes(byte[] bytes, String filename, String mediaType) {
    return new File(Origin.BYTES, null, bytes.clone(), Objects.requireNonNull(mediaType), filename);
  }

  /** A document at an http(s) URL, or a data URL (decoded into bytes). */
  public static File fromUrl(String url) {
    if (Sources.isDataUrl(url)) {
      Sources.DataUrl data = Sources.parseDataUrl(url, "document");
      return fromBytes(data.bytes(), "document");
    }
    Sources.requireHttpUrl(url, "document");
    String name = url.substring(url.lastIndexOf('/') + 1);
    int query = name.indexOf('?');
    name = query >= 0 ? name.substring(0, query) : name;
    return new File(Origin.URL, url, null, null, name.isEmpty() ? "document" : name);
  }

  /** A file already uploaded to the provider, referred to by its id. */
  public static File fromFileId(String fileId) {
    if (fileId == null || fileId.isBlank()) {
      throw new InvalidPromptException("file id is empty");
    }
    return new File(Origin.FILE_ID, fileId, null, null, null);
  }

  /** Restores a file from the JSON form: bytes win over a path when both are present. */
  static File restore(
      Origin origin, String location, byte[] bytes, String mediaType, String filename) {
    if (bytes != null) {
      String type = mediaType != null ? mediaType : sniff(bytes, filename);
      return new File(origin, location, bytes, type, filename);
    }
    switch (origin) {
      case PATH:
        File read = fromPath(location);
        return filename == null ? read : read.withFilename(filename);
      case URL:
        File remote = fromUrl(location);
        return new File(
            Origin.URL, location, null, mediaType, filename == null ? remote.filename : filename);
      case FILE_ID:
        return new File(Origin.FILE_ID, location, null, mediaType, filename);
      default:
        throw new InvalidPromptException("document has neither bytes, path, URL nor file id");
    }
  }

  /** A copy with another file name. */
  public File withFilename(String filename) {
    return new File(origin, location, bytes, mediaType, filename);
  }

  /** Where the file came from. */
  public Origin origin() {
    return origin;
  }

  /** The path, URL or file id, if any. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** The file id, for files held by the provider. */
  public Optional<String> fileId() {
    return origin == Origin.FILE_ID ? Optional.of(location) : Optional.empty();
  }

  /** The bytes, when they are here. */
  public Optional<byte[]> bytes() {
    return Optional.ofNullable(bytes).map(byte[]::clone);
  }

  /** The media type, when known. */
  public Optional<String> mediaType() {
    return Optional.ofNullable(mediaType);
  }

  /** The file name shown to the model, when known. */
  public Optional<String> filename() {
    return Optional.ofNullable(filename);
  }

  /** True for PDF documents. */
  public boolean isPdf() {
    return MediaTypes.PDF.equals(mediaType);
  }

  /** True for plain-text documents. */
  public boolean isText() {
    return MediaTypes.TEXT.equals(mediaType);
  }

  /** The text of a plain-text document. */
  public String text() {
    if (!isText()) {
      throw new IllegalStateException(describe() + " is not a plain-text document");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Base64 of the bytes; fails when the bytes are not here. */
  public String base64() {
    return Base64.getEncoder().encodeToString(requireBytes());
  }

  /** The bytes as a base64 data URL. */
  public String dataUrl() {
    return Sources.dataUrl(mediaType, requireBytes());
  }

  /** Page count and extracted text of a PDF, for token estimates; empty for other documents. */
  public Optional<DocumentStats> pdfStats() {
    if (!isPdf() || bytes == null) {
      return Optional.empty();
    }
    if (stats == null) {
      try (PDDocument doc = Loader.loadPDF(bytes)) {
        stats = new DocumentStats(doc.getNumberOfPages(), new PDFTextStripper().getText(doc));
      } catch (IOException e) {
        throw new InvalidPromptException(
            "cannot read " + describe() + " as PDF: " + e.getMessage(), e);
      }
    }
    return Optional.of(stats);
  }

  /**
   * Pages and text of a PDF.
   *
   * @param pages the number of pages
   * @param text the extracted text
   */
  public record DocumentStats(int pages, String text) {}

  /** A short description for error messages. */
  public String describe() {
    if (location != null) {
      return "document " + Sources.abbreviate(location);
    }
    return "document " + (filename == null ? "" : filename + " ") + "of " + bytes.length + " bytes";
  }

  byte[] requireBytes() {
    if (bytes == null) {
      throw new IllegalStateException(describe() + " has no bytes here (" + origin + ")");
    }
    return bytes;
  }

  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public String type() {
    return "file";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof File other)) {
      return false;
    }
    return origin == other.origin
        && Objects.equals(location, other.location)
        && Arrays.equals(bytes, other.bytes)
        && Objects.equals(mediaType, other.mediaType)
        && Objects.equals(filename, other.filename);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, location, Arrays.hashCode(bytes), mediaType, filename);
  }

  @Override
  public String toString() {
    return "File{" + describe() + ", " + mediaType + "}";
  }

  private static String sniff(byte[] bytes, String where) {
    return MediaTypes.sniffDocument(bytes)
        .orElseThrow(
            () ->
                new InvalidPromptException(
                    "unknown document media type for "
                        + where
                        + " (first bytes "
                        + MediaTypes.head(bytes)
                        + "; expected PDF, an image or UTF-8 text; give the media type explicitly)"));
  }
}

package dev.beamllm.tool.prefab;

import dev.beamllm.tool.ExecutableTool;
import java.io.Serializable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Filesystem tools confined to one directory: list, read (by lines, for big files), search by glob
 * and substring, and unless {@link #withReadOnly read-only} write, edit (replace one exact, unique
 * string, as Claude's text editor does) and make directories; delete only when {@link #withDelete
 * allowed}. Every path the model gives is relative to the directory; one that is absolute, climbs
 * above it with {@code ..} or leaves it through a symbolic link is refused with an error result
 * that says so. Reads and writes are limited in size; a binary file is described (an image is
 * shown), never dumped.
 *
 * <pre>{@code
 * ToolSet tools = ToolSet.of(PrefabTools.filesystem("/data/agent-work").withDelete(true).tools());
 * }</pre>
 *
 * <p>Immutable and serializable: it holds the directory as a string, resolved on the machine that
 * runs the tool (a Beam worker), so the directory must exist there. Tools of one configuration can
 * be shared by any number of agent loops: they keep no state but the files. Calls that change one
 * file (write, edit) run one at a time per file in a JVM, so two edits of a turn do not lose each
 * other.
 */
public final class FilesystemTools implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most bytes a read returns, unless set: 64 KiB. */
  public static final int DEFAULT_MAX_READ_BYTES = 64 * 1024;

  /** The most bytes a write or an edit may leave in a file, unless set: 1 MiB. */
  public static final int DEFAULT_MAX_WRITE_BYTES = 1024 * 1024;

  /** The most entries a listing or a search returns, unless set. */
  public static final int DEFAULT_MAX_RESULTS = 200;

  /** The largest limit on reads and writes: 64 MiB. */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  private final String root;
  private final String name;
  private final boolean readOnly;
  private final boolean delete;
  private final int maxReadBytes;
  private final int maxWriteBytes;
  private final int maxResults;

  private FilesystemTools(
      String root,
      String name,
      boolean readOnly,
      boolean delete,
      int maxReadBytes,
      int maxWriteBytes,
      int maxResults) {
    this.root = root;
    this.name = name;
    this.readOnly = readOnly;
    this.delete = delete;
    this.maxReadBytes = maxReadBytes;
    this.maxWriteBytes = maxWriteBytes;
    this.maxResults = maxResults;
  }

  /** See {@link PrefabTools#filesystem}. */
  static FilesystemTools at(String root) {
    Objects.requireNonNull(root, "root");
    if (root.isBlank()) {
      throw new IllegalArgumentException("root: must name a directory, got a blank string");
    }
    Path path;
    try {
      path = Path.of(root);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("root: not a valid path: " + e.getMessage(), e);
    }
    // Fixed now, on the machine that builds the tools: a relative root must not mean another
    // directory on a worker whose working directory differs.
    return new FilesystemTools(
        path.toAbsolutePath().normalize().toString(),
        "fs",
        false,
        false,
        DEFAULT_MAX_READ_BYTES,
        DEFAULT_MAX_WRITE_BYTES,
        DEFAULT_MAX_RESULTS);
  }

  /**
   * The prefix of the tools' names ({@code <prefix>_read}, ...), to tell two directories apart;
   * {@code fs} unless set.
   *
   * @param prefix 1-40 letters, digits, {@code _} or {@code -}
   */
  public FilesystemTools withName(String prefix) {
    return new FilesystemTools(
        root,
        PrefabNames.checkPrefix(prefix),
        readOnly,
        delete,
        maxReadBytes,
        maxWriteBytes,
        maxResults);
  }

  /**
   * Read-only or not (not, unless set): a read-only configuration offers only list, read and
   * search, so the model is never offered a way to change a file.
   *
   * @throws IllegalArgumentException when deleting is allowed: a read-only directory cannot delete
   */
  public FilesystemTools withReadOnly(boolean readOnly) {
    if (readOnly && delete) {
      throw new IllegalArgumentException(
          "readOnly: cannot be set while delete is allowed; call withDelete(false) first");
    }
    return new FilesystemTools(
        root, name, readOnly, delete, maxReadBytes, maxWriteBytes, maxResults);
  }

  /**
   * Whether the model may delete files and empty directories (not, unless set). A directory with
   * anything in it, and the tool's directory itself, are never deleted.
   *
   * @throws IllegalArgumentException when allowing it on a read-only configuration
   */
  public FilesystemTools withDelete(boolean delete) {
    if (delete && readOnly) {
      throw new IllegalArgumentException("delete: cannot be allowed on read-only filesystem tools");
    }
    return new FilesystemTools(
        root, name, readOnly, delete, maxReadBytes, maxWriteBytes, maxResults);
  }

  /**
   * The most bytes one read returns (1 to {@link #MAX_BYTES}); a bigger file is read in parts with
   * {@code offset} and {@code limit}, and searched only up to 16 times this size.
   */
  public FilesystemTools withMaxReadBytes(int bytes) {
    return new FilesystemTools(
        root, name, readOnly, delete, checkBytes("maxReadBytes", bytes), maxWriteBytes, maxResults);
  }

  /** The most bytes a write or an edit may leave in a file (1 to {@link #MAX_BYTES}). */
  public FilesystemTools withMaxWriteBytes(int bytes) {
    return new FilesystemTools(
        root, name, readOnly, delete, maxReadBytes, checkBytes("maxWriteBytes", bytes), maxResults);
  }

  /** The most entries a listing or a search returns (1 to 10,000). */
  public FilesystemTools withMaxResults(int results) {
    if (results < 1 || results > 10_000) {
      throw new IllegalArgumentException("maxResults: must be between 1 and 10000, got " + results);
    }
    return new FilesystemTools(root, name, readOnly, delete, maxReadBytes, maxWriteBytes, results);
  }

  /** The directory, absolute. */
  public String root() {
    return root;
  }

  /** The prefix of the tools' names. */
  public String name() {
    return name;
  }

  /** Whether only list, read and search are offered. */
  public boolean readOnly() {
    return readOnly;
  }

  /** Whether delete is offered. */
  public boolean deleteAllowed() {
    return delete;
  }

  /** The most bytes one read returns. */
  public int maxReadBytes() {
    return maxReadBytes;
  }

  /** The most bytes a write or an edit may leave in a file. */
  public int maxWriteBytes() {
    return maxWriteBytes;
  }

  /** The most entries a listing or a search returns. */
  public int maxResults() {
    return maxResults;
  }

  /**
   * The tools, in this order: {@code <name>_list}, {@code _read}, {@code _search}; unless read-only
   * {@code _write}, {@code _edit}, {@code _mkdir}; and {@code _delete} when allowed.
   */
  public List<ExecutableTool> tools() {
    FilesystemOps ops = new FilesystemOps(this);
    List<ExecutableTool> tools = new ArrayList<>(ops.readTools());
    if (!readOnly) {
      tools.addAll(ops.writeTools());
    }
    if (delete) {
      tools.add(ops.deleteTool());
    }
    return List.copyOf(tools);
  }

  @Override
  public String toString() {
    return "FilesystemTools{root="
        + root
        + ", name="
        + name
        + (readOnly ? ", read-only" : "")
        + (delete ? ", delete" : "")
        + ", maxReadBytes="
        + maxReadBytes
        + ", maxWriteBytes="
        + maxWriteBytes
        + ", maxResults="
        + maxResults
        + "}";
  }

  private static int checkBytes(String setting, int bytes) {
    if (bytes < 1 || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          setting + ": must be between 1 and " + MAX_BYTES + ", got " + bytes);
    }
    return bytes;
  }
}

package dev.beamllm.tool.prefab;

import dev.beamllm.model.Description;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The filesystem tools' code: one method per tool, each resolving the model's paths inside the
 * directory first ({@link RootedPaths}) and answering every failure the model can cause with an
 * error result it reads.
 */
final class FilesystemOps implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes looked at to tell a text file from a binary one. */
  private static final int SNIFF_BYTES = 8192;

  /** Files a search looks at before it stops, so one call cannot walk a whole disk. */
  static final int MAX_SEARCH_FILES = 100_000;

  /** Characters of a matching line a search shows. */
  static final int MAX_MATCH_CHARS = 200;

  /** Folders a search descends. */
  private static final int MAX_DEPTH = 64;

  /**
   * Locks striped by path: calls that change one file in this JVM run one at a time, so two edits
   * of one turn (which run in parallel) do not overwrite each other.
   */
  private static final Object[] LOCKS = new Object[64];

  static {
    for (int i = 0; i < LOCKS.length; i++) {
      LOCKS[i] = new Object();
    }
  }

  private final FilesystemTools config;

  FilesystemOps(FilesystemTools config) {
    this.config = config;
  }

  /** Arguments of {@code list}. */
  record ListArgs(
      @Description("The folder to list, relative to the workspace; '.' or absent for the top.")
          Optional<String> path) {}

  /** Arguments of {@code read}. */
  record ReadArgs(
      @Description("The file to read, relative to the workspace.") String path,
      @Description("The first line to return, 1 for the first line; absent for 1.")
          Optional<Integer> offset,
      @Description("How many lines to return; absent for as many as fit.")
          Optional<Integer> limit) {}

  /** Arguments of {@code search}. */
  record SearchArgs(
      @Description(
              "A glob: without '/' it matches file names in any folder ('*.md'); with '/' it"
                  + " matches paths from the top ('docs/**/*.md'). Absent: every file.")
          Optional<String> glob,
      @Description(
              "Exact, case-sensitive text to find in the files; each matching line is returned as"
                  + " 'path:line: text'. Absent: only the names are matched.")
          Optional<String> contains,
      @Description("The folder to search in, relative to the workspace; absent for all of it.")
          Optional<String> path) {}

  /** Arguments of {@code write}. */
  record WriteArgs(
      @Description("The file to create or overwrite, relative to the workspace.") String path,
      @Description("The whole new content of the file.") String content) {}

  /** Arguments of {@code edit}. */
  record EditArgs(
      @Description("The file to edit, relative to the workspace.") String path,
      @Description(
              "The exact text to replace, whitespace included; it must occur exactly once in the"
                  + " file.")
          String old_str,
      @Description("The text to put in its place; empty to delete it.") String new_str) {}

  /** Arguments of {@code mkdir} and {@code delete}. */
  record PathArgs(@Description("The path, relative to the workspace.") String path) {}

  List<ExecutableTool> readTools() {
    String n = config.name();
    return List.of(
        Tools.function(
            n + "_list",
            "List a folder of the workspace (a directory on the machine; every path is relative"
                + " to it, '.' is its top). Each entry is shown by its path from the top, a folder"
                + " with a trailing '/', a file with its size.",
            ListArgs.class,
            this::list),
        Tools.function(
            n + "_read",
            "Read a text file of the workspace. Without offset and limit it returns the whole file"
                + " when it has at most "
                + config.maxReadBytes()
                + " bytes; otherwise it returns the lines that fit, with a note saying which"
                + " offset to read on from. An image (PNG, JPEG, GIF, WebP) is shown; other"
                + " binary files are refused.",
            ReadArgs.class,
            this::read),
        Tools.function(
            n + "_search",
            "Find files of the workspace by a glob on their names or paths, by text they contain,"
                + " or both. Returns matching paths, or matching lines as 'path:line: text', at"
                + " most "
                + config.maxResults()
                + ".",
            SearchArgs.class,
            this::search));
  }

  List<ExecutableTool> writeTools() {
    String n = config.name();
    return List.of(
        Tools.function(
            n + "_write",
            "Create a text file in the workspace, or overwrite one, with the given content (UTF-8,"
                + " at most "
                + config.maxWriteBytes()
                + " bytes). Missing folders on the way are created.",
            WriteArgs.class,
            this::write),
        Tools.function(
            n + "_edit",
            "Edit a text file of the workspace: replace old_str, which must occur exactly once in"
                + " the file, with new_str. Copy old_str exactly from the file, whitespace"
                + " included, with enough of the text around it to be unique.",
            EditArgs.class,
            this::edit),
        Tools.function(
            n + "_mkdir",
            "Create a folder in the workspace, with any missing folders on the way.",
            PathArgs.class,
            this::mkdir));
  }

  ExecutableTool deleteTool() {
    return Tools.function(
        config.name() + "_delete",
        "Delete a file or an empty folder of the workspace.",
        PathArgs.class,
        this::delete);
  }

  ToolOutput list(ListArgs a) {
    try {
      Path root = RootedPaths.realRoot(config.root());
      RootedPaths.Resolved dir = RootedPaths.resolve(root, or(a.path(), "."));
      if (!Files.exists(dir.real(), LinkOption.NOFOLLOW_LINKS)) {
        return ToolOutput.error("no folder '" + dir.shown() + "'");
      }
      if (!Files.isDirectory(dir.real(), LinkOption.NOFOLLOW_LINKS)) {
        return ToolOutput.error(
            "'" + dir.shown() + "' is a file, not a folder: read it with " + tool("read"));
      }
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.real())) {
        stream.forEach(entries::add);
      }
      if (entries.isEmpty()) {
        return ToolOutput.text("(empty folder)");
      }
      entries.sort(null);
      StringBuilder out = new StringBuilder();
      int shown = Math.min(entries.size(), config.maxResults());
      for (Path e : entries.subList(0, shown)) {
        out.append(out.length() == 0 ? "" : "\n").append(describe(root, e));
      }
      if (shown < entries.size()) {
        out.append("\n(first ").append(shown).append(" of ").append(entries.size());
        out.append(" entries shown)");
      }
      return ToolOutput.text(out.toString());
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    } catch (IOException e) {
      return failed("list", a.path().orElse("."), e);
    }
  }

  ToolOutput read(ReadArgs a) {
    int offset = or(a.offset(), 1);
    if (offset < 1) {
      return ToolOutput.error("offset must be 1 or more (1 is the first line), not " + offset);
    }
    Integer limit = a.limit() == null ? null : a.limit().orElse(null);
    if (limit != null && limit < 1) {
      return ToolOutput.error("limit must be 1 or more, not " + limit);
    }
    RootedPaths.Resolved file;
    try {
      file = RootedPaths.resolve(RootedPaths.realRoot(config.root()), a.path());
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    }
    try {
      Optional<ToolOutput> notText = checkFile(file);
      if (notText.isPresent()) {
        return notText.get();
      }
      long size = Files.size(file.real());
      byte[] head = readHead(file.real());
      Optional<String> image = imageType(head);
      if (image.isPresent()) {
        if (size > config.maxReadBytes()) {
          return ToolOutput.error(
              "'"
                  + file.shown()
                  + "' is an image ("
                  + image.get()
                  + ", "
                  + size
                  + " bytes), larger than the "
                  + config.maxReadBytes()
                  + " bytes this tool reads");
        }
        byte[] bytes = Files.readAllBytes(file.real());
        List<Part> parts =
            List.of(
                new Text("image '" + file.shown() + "' (" + image.get() + ", " + size + " bytes)"),
                Image.fromBytes(bytes));
        return ToolOutput.of(parts);
      }
      if (isBinary(head, size)) {
        return binary(file, size);
      }
      if (offset == 1 && limit == null && size <= config.maxReadBytes()) {
        byte[] bytes = readAll(file.real());
        String text;
        try {
          text = strictUtf8().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
          return binary(file, size);
        }
        return ToolOutput.text(text.isEmpty() ? "(empty file)" : text);
      }
      return readLines(file, offset, limit);
    } catch (CharacterCodingException e) {
      return binary(file, -1);
    } catch (IOException e) {
      return failed("read", file.shown(), e);
    }
  }

  private ToolOutput readLines(RootedPaths.Resolved file, int offset, Integer limit)
      throws IOException {
    try (BufferedReader in = reader(file.real())) {
      int lineNo = 0;
      String line;
      while (lineNo < offset - 1 && (line = in.readLine()) != null) {
        lineNo++;
      }
      if (lineNo < offset - 1) {
        return pastEnd(file, lineNo, offset);
      }
      StringBuilder out = new StringBuilder();
      long bytes = 0;
      int taken = 0;
      boolean cutLine = false;
      while (limit == null || taken < limit) {
        line = in.readLine();
        if (line == null) {
          break;
        }
        long lineBytes = line.getBytes(StandardCharsets.UTF_8).length + (taken == 0 ? 0 : 1);
        if (bytes + lineBytes > config.maxReadBytes()) {
          if (taken == 0) {
            // One line longer than a whole read (minified JSON, say): show its start.
            out.append(line, 0, Math.min(line.length(), config.maxReadBytes()));
            taken = 1;
            cutLine = true;
          } else {
            // The line does not fit: it is where the next read starts.
            return ToolOutput.text(
                out + more(file, offset, offset + taken - 1, offset + taken, false));
          }
          break;
        }
        out.append(taken == 0 ? "" : "\n").append(line);
        bytes += lineBytes;
        taken++;
      }
      if (taken == 0) {
        return pastEnd(file, lineNo, offset);
      }
      boolean moreFollow = in.readLine() != null;
      if (!moreFollow && !cutLine) {
        return ToolOutput.text(out.toString());
      }
      return ToolOutput.text(out + more(file, offset, offset + taken - 1, offset + taken, cutLine));
    }
  }

  private static ToolOutput pastEnd(RootedPaths.Resolved file, int lines, int offset) {
    return ToolOutput.error(
        "'"
            + file.shown()
            + "' has "
            + lines
            + " line"
            + (lines == 1 ? "" : "s")
            + "; offset "
            + offset
            + " is past its end");
  }

  private static String more(
      RootedPaths.Resolved file, int first, int last, int next, boolean cutLine) {
    return "\n[lines "
        + first
        + "-"
        + last
        + " of '"
        + file.shown()
        + "' shown"
        + (cutLine ? "; line " + first + " was cut at the read limit" : "")
        + "; read on with offset="
        + next
        + "]";
  }

  ToolOutput search(SearchArgs a) {
    String glob = or(a.glob(), null);
    String contains = or(a.contains(), null);
    if (glob == null && contains == null) {
      return ToolOutput.error("give a glob, a text it contains, or both");
    }
    if (contains != null && contains.isEmpty()) {
      return ToolOutput.error("contains must not be empty");
    }
    PathMatcher matcher = null;
    if (glob != null) {
      try {
        matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (IllegalArgumentException e) {
        return ToolOutput.error("glob '" + glob + "' is not valid: " + e.getMessage());
      }
    }
    try {
      Path root = RootedPaths.realRoot(config.root());
      RootedPaths.Resolved start = RootedPaths.resolve(root, or(a.path(), "."));
      if (!Files.isDirectory(start.real(), LinkOption.NOFOLLOW_LINKS)) {
        return ToolOutput.error("no folder '" + start.shown() + "'");
      }
      Search s = new Search(root, matcher, glob != null && glob.contains("/"), contains, config);
      s.walk(start.real(), 0);
      return ToolOutput.text(s.result());
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    } catch (IOException e) {
      return failed("search", a.path().orElse("."), e);
    }
  }

  /** One search: files in name order, depth first, until enough results or files are seen. */
  private static final class Search {
    final Path root;
    final PathMatcher matcher;
    final boolean byPath;
    final String contains;
    final FilesystemTools config;
    final List<String> results = new ArrayList<>();
    int files;
    boolean full;
    boolean tooMany;

    Search(
        Path root, PathMatcher matcher, boolean byPath, String contains, FilesystemTools config) {
      this.root = root;
      this.matcher = matcher;
      this.byPath = byPath;
      this.contains = contains;
      this.config = config;
    }

    void walk(Path dir, int depth) throws IOException {
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        stream.forEach(entries::add);
      } catch (FileSystemException e) {
        return; // an unreadable folder is skipped, as find does
      }
      entries.sort(null);
      for (Path e : entries) {
        if (full || tooMany) {
          return;
        }
        BasicFileAttributes attrs =
            Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        // Links are not followed: one could lead out of the directory, or in a circle.
        if (attrs.isDirectory() && depth < MAX_DEPTH) {
          walk(e, depth + 1);
        } else if (attrs.isRegularFile()) {
          if (++files > MAX_SEARCH_FILES) {
            tooMany = true;
            return;
          }
          visit(e, attrs.size());
        }
      }
    }

    void visit(Path file, long size) {
      Path relative = root.relativize(file);
      if (matcher != null && !matcher.matches(byPath ? relative : relative.getFileName())) {
        return;
      }
      String shown = relative.toString();
      if (contains == null) {
        add(shown);
        return;
      }
      if (size > 16L * config.maxReadBytes()) {
        return;
      }
      try (BufferedReader in = reader(file)) {
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null && !full) {
          lineNo++;
          if (line.indexOf('\0') >= 0) {
            return; // binary
          }
          if (line.contains(contains)) {
            add(shown + ":" + lineNo + ": " + cut(line));
          }
        }
      } catch (IOException e) {
        // Binary (not UTF-8) or unreadable: not searched.
      }
    }

    void add(String result) {
      if (results.size() < config.maxResults()) {
        results.add(result);
      } else {
        full = true;
      }
    }

    String result() {
      StringBuilder out = new StringBuilder();
      if (results.isEmpty()) {
        out.append("no matches");
      } else {
        out.append(String.join("\n", results));
      }
      if (full) {
        out.append("\n(stopped at ").append(config.maxResults());
        out.append(" results; narrow the search)");
      }
      if (tooMany) {
        out.append("\n(stopped after looking at ").append(MAX_SEARCH_FILES);
        out.append(" files; narrow the search with path)");
      }
      return out.toString();
    }

    private static String cut(String line) {
      return line.length() <= MAX_MATCH_CHARS ? line : line.substring(0, MAX_MATCH_CHARS) + "…";
    }
  }

  ToolOutput write(WriteArgs a) {
    byte[] bytes = a.content().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > config.maxWriteBytes()) {
      return ToolOutput.error(
          "content is "
              + bytes.length
              + " bytes; this tool writes at most "
              + config.maxWriteBytes()
              + " bytes per file");
    }
    RootedPaths.Resolved file;
    Path root;
    try {
      root = RootedPaths.realRoot(config.root());
      file = RootedPaths.resolve(root, a.path());
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    }
    if (file.isRoot(root) || Files.isDirectory(file.real(), LinkOption.NOFOLLOW_LINKS)) {
      return ToolOutput.error("'" + file.shown() + "' is a folder, not a file");
    }
    try {
      boolean existed;
      synchronized (lock(file.real())) {
        Files.createDirectories(file.real().getParent());
        existed = Files.exists(file.real(), LinkOption.NOFOLLOW_LINKS);
        writeAll(file.real(), bytes);
      }
      return ToolOutput.text(
          (existed ? "overwrote '" : "created '")
              + file.shown()
              + "' ("
              + bytes.length
              + " bytes)");
    } catch (IOException e) {
      return failed("write", file.shown(), e);
    }
  }

  ToolOutput edit(EditArgs a) {
    if (a.old_str().isEmpty()) {
      return ToolOutput.error("old_str is empty: give the exact text to replace");
    }
    return rewrite(
        a.path(),
        (text, shown) -> {
          int first = text.indexOf(a.old_str());
          if (first < 0) {
            return ToolOutput.error(
                "old_str was not found in '"
                    + shown
                    + "'; read the file and copy the text exactly, whitespace included");
          }
          if (text.indexOf(a.old_str(), first + 1) >= 0) {
            return ToolOutput.error(
                "old_str occurs "
                    + occurrences(text, a.old_str())
                    + " times in '"
                    + shown
                    + "'; include more of the text around it so that it occurs once");
          }
          return text.substring(0, first)
              + a.new_str()
              + text.substring(first + a.old_str().length());
        });
  }

  /**
   * Inserts {@code text} after line {@code after} of a text file (0: before the first line), as a
   * line of its own.
   */
  ToolOutput insert(String path, int after, String text) {
    if (after < 0) {
      return ToolOutput.error("insert_line must be 0 (the top) or more, not " + after);
    }
    return rewrite(
        path,
        (content, shown) -> {
          int at = 0;
          for (int line = 0; line < after; line++) {
            int nl = content.indexOf('\n', at);
            if (nl < 0) {
              if (line == after - 1 && at < content.length()) {
                // The last line, without a newline: insert after it.
                return content + "\n" + text + (text.endsWith("\n") ? "" : "\n");
              }
              return ToolOutput.error(
                  "'" + shown + "' has " + line + " lines; insert_line " + after + " is past them");
            }
            at = nl + 1;
          }
          return content.substring(0, at)
              + text
              + (text.endsWith("\n") ? "" : "\n")
              + content.substring(at);
        });
  }

  /** A change to a file's text: the new text, or an error the model reads. */
  private interface TextChange {
    /** A {@code String} (the new text) or a {@link ToolOutput} (why not). */
    Object apply(String text, String shown);
  }

  /**
   * Rewrites an existing UTF-8 text file under its lock, within the size limits: what edits and
   * inserts share.
   */
  private ToolOutput rewrite(String path, TextChange change) {
    RootedPaths.Resolved file;
    try {
      file = RootedPaths.resolve(RootedPaths.realRoot(config.root()), path);
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    }
    try {
      synchronized (lock(file.real())) {
        Optional<ToolOutput> notText = checkFile(file);
        if (notText.isPresent()) {
          return notText.get();
        }
        long size = Files.size(file.real());
        if (size > config.maxWriteBytes()) {
          return ToolOutput.error(
              "'"
                  + file.shown()
                  + "' is "
                  + size
                  + " bytes, more than the "
                  + config.maxWriteBytes()
                  + " bytes this tool edits");
        }
        String text;
        try {
          text = strictUtf8().decode(ByteBuffer.wrap(readAll(file.real()))).toString();
        } catch (CharacterCodingException e) {
          return binary(file, size);
        }
        if (text.indexOf('\0') >= 0) {
          return binary(file, size);
        }
        Object changed = change.apply(text, file.shown());
        if (changed instanceof ToolOutput refused) {
          return refused;
        }
        byte[] bytes = ((String) changed).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > config.maxWriteBytes()) {
          return ToolOutput.error(
              "the edited file would be "
                  + bytes.length
                  + " bytes; this tool writes at most "
                  + config.maxWriteBytes()
                  + " bytes per file");
        }
        writeAll(file.real(), bytes);
        return ToolOutput.text("edited '" + file.shown() + "' (" + bytes.length + " bytes)");
      }
    } catch (IOException e) {
      return failed("edit", file.shown(), e);
    }
  }

  /** Whether a path the model gave is a folder of the workspace (false when it is refused). */
  boolean isFolder(String path) {
    try {
      return Files.isDirectory(
          RootedPaths.resolve(RootedPaths.realRoot(config.root()), path).real(),
          LinkOption.NOFOLLOW_LINKS);
    } catch (RootedPaths.Refused e) {
      return false;
    }
  }

  ToolOutput mkdir(PathArgs a) {
    RootedPaths.Resolved dir;
    try {
      dir = RootedPaths.resolve(RootedPaths.realRoot(config.root()), a.path());
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    }
    if (Files.isDirectory(dir.real(), LinkOption.NOFOLLOW_LINKS)) {
      return ToolOutput.text("folder '" + dir.shown() + "' already exists");
    }
    if (Files.exists(dir.real(), LinkOption.NOFOLLOW_LINKS)) {
      return ToolOutput.error("'" + dir.shown() + "' exists and is a file");
    }
    try {
      Files.createDirectories(dir.real());
      return ToolOutput.text("created folder '" + dir.shown() + "'");
    } catch (IOException e) {
      return failed("create folder", dir.shown(), e);
    }
  }

  ToolOutput delete(PathArgs a) {
    RootedPaths.Resolved given;
    Path entry;
    try {
      Path root = RootedPaths.realRoot(config.root());
      // The entry itself, not where a link leads: deleting a link removes the link.
      given = RootedPaths.resolveEntry(root, a.path());
      if (given.isRoot(root)) {
        return ToolOutput.error("the workspace's top folder cannot be deleted");
      }
      entry = given.real();
    } catch (RootedPaths.Refused e) {
      return ToolOutput.error(e.getMessage());
    }
    try {
      BasicFileAttributes attrs;
      if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
        return ToolOutput.error("no file or folder '" + given.shown() + "'");
      }
      attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      synchronized (lock(entry)) {
        Files.delete(entry);
      }
      return ToolOutput.text(
          "deleted " + (attrs.isDirectory() ? "folder '" : "'") + given.shown() + "'");
    } catch (DirectoryNotEmptyException e) {
      return ToolOutput.error(
          "folder '" + given.shown() + "' is not empty; delete what is in it first");
    } catch (IOException e) {
      return failed("delete", given.shown(), e);
    }
  }

  /** Refuses what is missing, a folder or not a regular file, as text tools need a file. */
  private Optional<ToolOutput> checkFile(RootedPaths.Resolved file) {
    if (!Files.exists(file.real(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(
          ToolOutput.error(
              "no file '"
                  + file.shown()
                  + "'; "
                  + tool("list")
                  + " and "
                  + tool("search")
                  + " show what there is"));
    }
    if (Files.isDirectory(file.real(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(
          ToolOutput.error(
              "'" + file.shown() + "' is a folder, not a file: list it with " + tool("list")));
    }
    if (!Files.isRegularFile(file.real(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(ToolOutput.error("'" + file.shown() + "' is not a regular file"));
    }
    return Optional.empty();
  }

  private String tool(String suffix) {
    return config.name() + "_" + suffix;
  }

  private static String describe(Path root, Path entry) throws IOException {
    BasicFileAttributes attrs =
        Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String shown = RootedPaths.shown(root, entry);
    if (attrs.isDirectory()) {
      return shown + "/";
    }
    if (attrs.isSymbolicLink()) {
      return shown + " (symbolic link)";
    }
    if (!attrs.isRegularFile()) {
      return shown + " (special file)";
    }
    return shown + " (" + attrs.size() + " bytes)";
  }

  private static ToolOutput binary(RootedPaths.Resolved file, long size) {
    return ToolOutput.error(
        "'"
            + file.shown()
            + "' is a binary file"
            + (size >= 0 ? " (" + size + " bytes)" : "")
            + ", not UTF-8 text; this tool reads text files and images only");
  }

  private static ToolOutput failed(String what, String path, IOException e) {
    // FileSystemException's reason leaves out the absolute paths, which the model need not see.
    String why =
        e instanceof FileSystemException f && f.getReason() != null
            ? f.getReason()
            : e.getClass().getSimpleName();
    if (e instanceof java.nio.file.AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
      why = "a file is in the way";
    } else if (e instanceof java.nio.file.NotDirectoryException) {
      why = "a part of the path is a file, not a folder";
    }
    return ToolOutput.error("cannot " + what + " '" + path + "': " + why);
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  private static Object lock(Path real) {
    return LOCKS[Math.floorMod(real.toString().hashCode(), LOCKS.length)];
  }

  private static byte[] readHead(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(SNIFF_BYTES);
    }
  }

  private static byte[] readAll(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return in.readAllBytes();
    }
  }

  private static void writeAll(Path file, byte[] bytes) throws IOException {
    Files.write(
        file,
        bytes,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
  }

  private static BufferedReader reader(Path file) throws IOException {
    return new BufferedReader(
        new InputStreamReader(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), strictUtf8()));
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** Whether the first bytes look binary: a NUL, or bytes that are not UTF-8. */
  private static boolean isBinary(byte[] head, long size) {
    for (byte b : head) {
      if (b == 0) {
        return true;
      }
    }
    // A multi-byte character may be cut at the end of the sample: allow for it.
    int end = head.length;
    if (size > head.length) {
      end = Math.max(0, head.length - 3);
      while (end > 0 && (head[end] & 0xC0) == 0x80) {
        end--;
      }
    }
    try {
      strictUtf8().decode(ByteBuffer.wrap(head, 0, end));
      return false;
    } catch (CharacterCodingException e) {
      return true;
    }
  }

  /** The image type of the first bytes, as the providers take them: PNG, JPEG, GIF, WebP. */
  static Optional<String> imageType(byte[] b) {
    if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of("image/png");
    }
    if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
      return Optional.of("image/jpeg");
    }
    if (starts(b, 0, 'G', 'I', 'F', '8')) {
      return Optional.of("image/gif");
    }
    if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
      return Optional.of("image/webp");
    }
    return Optional.empty();
  }

  private static boolean starts(byte[] b, int offset, int... magic) {
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

  /** An optional argument's value: absent and null alike give {@code otherwise}. */
  static <T> T or(Optional<T> value, T otherwise) {
    return value == null ? otherwise : value.orElse(otherwise);
  }
}

package dev.beamllm.tool.prefab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Paths the model gives, resolved inside one directory. A path is relative to the directory; an
 * absolute one, one whose {@code ..} climbs above it, and one that leaves it through a symbolic
 * link are refused. Symbolic links that stay inside are followed.
 *
 * <p>The check resolves the deepest part of the path that exists with {@link Path#toRealPath} (so
 * every link in it is followed and the result compared with the directory's own real path); the
 * part that does not exist yet holds no link, so a file created there stays inside. A dangling link
 * is refused, as writing through it would create its target wherever it points. The file is then
 * opened by its real path, without following a link at the last step, so a link put in its place
 * after the check is not followed either. What this cannot see: a hard link to an outside file made
 * by someone else, and a directory swapped for a link between the check and the use by another
 * process; give the tools a directory that only they write to.
 */
final class RootedPaths {
  private RootedPaths() {}

  /** A path the model may not use; the message says why, for the model. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /**
   * A path inside the directory.
   *
   * @param real the absolute path to open, with no symbolic link in it
   * @param shown the path as the model should write it: relative, normalized, {@code .} for the
   *     directory itself
   */
  record Resolved(Path real, String shown) {
    /** Whether this is the directory itself. */
    boolean isRoot(Path realRoot) {
      return real.equals(realRoot);
    }
  }

  /** The directory's real path, or why it cannot be used. */
  static Path realRoot(String root) throws Refused {
    Path real;
    try {
      real = Path.of(root).toRealPath();
    } catch (NoSuchFileException e) {
      throw new Refused("the tool's directory does not exist on this machine");
    } catch (IOException | InvalidPathException e) {
      throw new Refused("the tool's directory cannot be opened: " + e.getMessage());
    }
    if (!Files.isDirectory(real)) {
      throw new Refused("the tool's directory is not a directory on this machine");
    }
    return real;
  }

  /** Where {@code given} leads inside {@code realRoot}, or why it may not be used. */
  static Resolved resolve(Path realRoot, String given) throws Refused {
    return resolve(realRoot, lexical(given), given);
  }

  /** Where the normalized path {@code normal} leads; errors name the path as the model gave it. */
  private static Resolved resolve(Path realRoot, Path normal, String given) throws Refused {
    Path target = realRoot.resolve(normal);
    Path existing = target;
    while (!existing.equals(realRoot) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    Path realExisting;
    try {
      realExisting = existing.toRealPath();
    } catch (IOException e) {
      // Only a link can exist and have no real path: one that points at nothing.
      throw new Refused(
          "path '"
              + given
              + "' goes through a symbolic link that points at nothing; it is refused");
    }
    if (!realExisting.startsWith(realRoot)) {
      throw new Refused(
          "path '" + given + "' leads outside the tool's directory through a symbolic link");
    }
    Path real = realExisting.resolve(existing.relativize(target));
    String shown = normal.toString();
    return new Resolved(real, shown.isEmpty() ? "." : shown);
  }

  /**
   * The entry {@code given} names itself, not where it leads when it is a symbolic link (to delete
   * the link): its folder is resolved as by {@link #resolve}, its last name is a plain name.
   */
  static Resolved resolveEntry(Path realRoot, String given) throws Refused {
    Path normal = lexical(given);
    if (normal.toString().isEmpty()) {
      return new Resolved(realRoot, ".");
    }
    Path parent = normal.getParent();
    Path folder = resolve(realRoot, parent == null ? Path.of("") : parent, given).real();
    return new Resolved(folder.resolve(normal.getFileName()), normal.toString());
  }

  /** The path normalized, if it is relative and does not climb above the directory. */
  private static Path lexical(String given) throws Refused {
    String p = given == null ? "" : given;
    if (p.indexOf('\0') >= 0) {
      throw new Refused("path '" + printable(p) + "' contains a NUL character");
    }
    Path relative;
    try {
      relative = Path.of(p);
    } catch (InvalidPathException e) {
      throw new Refused("path '" + p + "' is not a valid path: " + e.getReason());
    }
    if (relative.isAbsolute() || p.startsWith("/") || p.startsWith("\\")) {
      throw new Refused(
          "path '"
              + p
              + "' is absolute: give a path relative to the tool's directory, like"
              + " 'notes/todo.txt'");
    }
    Path normal = relative.normalize();
    if (normal.startsWith("..")) {
      throw new Refused(
          "path '"
              + p
              + "' is outside the tool's directory: paths are relative to it and may not climb"
              + " above it with '..'");
    }
    return normal;
  }

  /** The path of {@code real} as the model writes it, relative to the directory. */
  static String shown(Path realRoot, Path real) {
    String s = realRoot.relativize(real).toString();
    return s.isEmpty() ? "." : s;
  }

  private static String printable(String p) {
    return p.replace("\0", "\\0");
  }
}

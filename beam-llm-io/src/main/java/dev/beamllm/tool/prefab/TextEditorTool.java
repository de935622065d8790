package dev.beamllm.tool.prefab;

import dev.beamllm.model.Description;
import dev.beamllm.tool.AnthropicDefinedTool;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.Tools;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A text editor confined to one directory, taking the arguments of Anthropic's text editor tool
 * ({@code str_replace_based_edit_tool}: {@code view}, {@code create}, {@code str_replace}, {@code
 * insert}), so a model trained on it drives it as it expects; any model can call it as a function.
 * Paths are relative to the directory, with the confinement, size limits and locking of {@link
 * FilesystemTools} (whose operations it runs). Immutable and serializable.
 */
public final class TextEditorTool implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The name Anthropic's models know the tool by. */
  public static final String ANTHROPIC_NAME = "str_replace_based_edit_tool";

  private final FilesystemTools files;
  private final String name;

  private TextEditorTool(FilesystemTools files, String name) {
    this.files = files;
    this.name = name;
  }

  static TextEditorTool at(String root) {
    return new TextEditorTool(FilesystemTools.at(root), ANTHROPIC_NAME);
  }

  /** The tool's name ({@value #ANTHROPIC_NAME} by default). */
  public TextEditorTool withName(String name) {
    return new TextEditorTool(files, PrefabNames.checkPrefix(name));
  }

  /** The largest file it writes, in bytes (1 MiB by default). */
  public TextEditorTool withMaxWriteBytes(int bytes) {
    return new TextEditorTool(files.withMaxWriteBytes(bytes), name);
  }

  /** The directory it edits in. */
  public String root() {
    return files.root();
  }

  /** The arguments, as Anthropic's text editor takes them. */
  record Args(
      @Description("view, create, str_replace or insert.") String command,
      @Description("The file or folder, relative to the workspace.") String path,
      @Description("create: the whole content of the new file.") Optional<String> file_text,
      @Description("str_replace: the exact text to replace; it must occur once.")
          Optional<String> old_str,
      @Description("str_replace: the text to put in its place; insert: the text to insert.")
          Optional<String> new_str,
      @Description("insert: the line after which to insert (0 for the top).")
          Optional<Integer> insert_line,
      @Description("view: the first and last line to show, 1-based ([3, -1]: from 3 to the end).")
          Optional<List<Integer>> view_range) {}

  /**
   * The tool, to put in a {@link dev.beamllm.tool.ToolSet}: offered to Claude as Anthropic's text
   * editor when named {@value #ANTHROPIC_NAME} ({@link AnthropicDefinedTool#TEXT_EDITOR}), as a
   * function elsewhere.
   */
  public ExecutableTool tool() {
    FilesystemOps ops = new FilesystemOps(files);
    ExecutableTool function =
        Tools.function(
            name,
            "View, create and edit text files in the workspace (paths relative to it). view shows a"
                + " file with line numbers or lists a folder; create writes a new file (or replaces"
                + " one); str_replace replaces text that occurs exactly once; insert adds text after a"
                + " line.",
            Args.class,
            a -> run(ops, a));
    return Tools.offeredAs(
        function, function.definition().withBuiltin(AnthropicDefinedTool.TEXT_EDITOR));
  }

  private static ToolOutput run(FilesystemOps ops, Args a) {
    switch (a.command()) {
      case "view" -> {
        if (ops.isFolder(a.path())) {
          return ops.list(new FilesystemOps.ListArgs(Optional.of(a.path())));
        }
        if (a.view_range().isEmpty()) {
          return ops.read(new FilesystemOps.ReadArgs(a.path(), Optional.empty(), Optional.empty()));
        }
        List<Integer> range = a.view_range().get();
        if (range.size() != 2
            || range.get(0) < 1
            || (range.get(1) != -1 && range.get(1) < range.get(0))) {
          return ToolOutput.error(
              "view_range must be [first, last] with 1 <= first <= last, or last -1 for the end;"
                  + " got "
                  + range);
        }
        Optional<Integer> limit =
            range.get(1) == -1 ? Optional.empty() : Optional.of(range.get(1) - range.get(0) + 1);
        return ops.read(new FilesystemOps.ReadArgs(a.path(), Optional.of(range.get(0)), limit));
      }
      case "create" -> {
        return ops.write(new FilesystemOps.WriteArgs(a.path(), a.file_text().orElse("")));
      }
      case "str_replace" -> {
        if (a.old_str().isEmpty()) {
          return ToolOutput.error("str_replace needs old_str");
        }
        return ops.edit(
            new FilesystemOps.EditArgs(a.path(), a.old_str().get(), a.new_str().orElse("")));
      }
      case "insert" -> {
        if (a.insert_line().isEmpty() || a.new_str().isEmpty()) {
          return ToolOutput.error("insert needs insert_line and new_str");
        }
        return ops.insert(a.path(), a.insert_line().get(), a.new_str().get());
      }
      default -> {
        return ToolOutput.error(
            "unknown command '" + a.command() + "': view, create, str_replace or insert");
      }
    }
  }

  @Override
  public String toString() {
    return "TextEditorTool{" + name + " in " + files.root() + "}";
  }
}

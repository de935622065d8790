package dev.beamllm.tool.prefab;

/**
 * Ready tools for agents, one factory per kind. Each returns an immutable configuration checked as
 * it is built ({@code withX} methods refuse a bad value at once), whose {@code tools()} are the
 * {@link dev.beamllm.tool.ExecutableTool}s to offer:
 *
 * <pre>{@code
 * ToolSet tools = ToolSet.of(PrefabTools.filesystem("/data/work").withReadOnly(true).tools())
 *     .plus(PrefabTools.sql("jdbc:sqlite:/data/shop.db").tools())
 *     .plus(PrefabTools.todoList().tools());        // a new list per agent loop
 * AgentResult r = client.runAgentLoop(Conversation.user(task), tools, 20).join();
 * }</pre>
 */
public final class PrefabTools {
  private PrefabTools() {}

  /**
   * Filesystem tools confined to {@code root}: list, read, search, write, edit, make directories
   * (delete when allowed); see {@link FilesystemTools}.
   *
   * @param root the directory, made absolute now (so a relative one means the same directory on
   *     every machine that starts from here); it must exist where the tools run
   * @throws IllegalArgumentException when {@code root} is blank or not a valid path
   */
  public static FilesystemTools filesystem(String root) {
    return FilesystemTools.at(root);
  }

  /**
   * A new, empty to-do list the agent keeps: add, list, mark done, remove; see {@link TodoList},
   * and make one per agent loop.
   */
  public static TodoList todoList() {
    return TodoList.create();
  }

  /**
   * Read-only SQL query and schema tools over a JDBC URL; see {@link SqlTools}. The driver must be
   * on the classpath where the tools run (SQLite's is: the library depends on it).
   *
   * @param jdbcUrl a JDBC URL, such as {@code jdbc:sqlite:/data/shop.db}; a password in it is never
   *     shown
   * @throws IllegalArgumentException when it does not start with {@code jdbc:}
   */
  public static SqlTools sql(String jdbcUrl) {
    return SqlTools.at(jdbcUrl);
  }

  /**
   * A bash shell confined to {@code root} by a bubblewrap sandbox (no network, the system
   * read-only, a time limit); see {@link BashTool}. {@code bwrap} must be installed where the tool
   * runs (Debian's {@code bubblewrap}); without it every call is an error saying so.
   *
   * @param root the directory commands run in and may change, made absolute now
   */
  public static BashTool bash(String root) {
    return BashTool.at(root);
  }

  /**
   * A text editor confined to {@code root}, taking the arguments of Anthropic's text editor tool
   * (view, create, str_replace, insert); see {@link TextEditorTool}.
   */
  public static TextEditorTool textEditor(String root) {
    return TextEditorTool.at(root);
  }
}

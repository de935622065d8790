package dev.beamllm.tool.prefab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.ToolSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The text editor in Anthropic's argument shape, confined to its directory. */
public class TextEditorToolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private ToolSet editor;

  @Before
  public void setUp() throws Exception {
    root = tmp.newFolder("work").toPath();
    editor = ToolSet.of(PrefabTools.textEditor(root.toString()).tool());
  }

  private ToolResult call(String args) {
    return editor.run(ToolCall.of("c", TextEditorTool.ANTHROPIC_NAME, args)).join();
  }

  @Test
  public void createReplaceInsertAndView() throws Exception {
    ToolResult created =
        call(
            "{\"command\":\"create\",\"path\":\"notes.md\",\"file_text\":\"one\\ntwo\\nthree\\n\"}");
    assertFalse(created.text(), created.isError());
    assertEquals("one\ntwo\nthree\n", Files.readString(root.resolve("notes.md")));
    ToolResult replaced =
        call(
            "{\"command\":\"str_replace\",\"path\":\"notes.md\",\"old_str\":\"two\",\"new_str\":\"2\"}");
    assertFalse(replaced.text(), replaced.isError());
    ToolResult inserted =
        call(
            "{\"command\":\"insert\",\"path\":\"notes.md\",\"insert_line\":1,\"new_str\":\"one and a half\"}");
    assertFalse(inserted.text(), inserted.isError());
    ToolResult top =
        call(
            "{\"command\":\"insert\",\"path\":\"notes.md\",\"insert_line\":0,\"new_str\":\"# Notes\"}");
    assertFalse(top.text(), top.isError());
    assertEquals(
        "# Notes\none\none and a half\n2\nthree\n", Files.readString(root.resolve("notes.md")));
    ToolResult past =
        call("{\"command\":\"insert\",\"path\":\"notes.md\",\"insert_line\":9,\"new_str\":\"x\"}");
    assertTrue(past.isError());
    assertEquals("'notes.md' has 5 lines; insert_line 9 is past them", past.text());

    ToolResult range = call("{\"command\":\"view\",\"path\":\"notes.md\",\"view_range\":[2,3]}");
    assertFalse(range.text(), range.isError());
    assertTrue(range.text(), range.text().contains("one and a half"));
    assertFalse(range.text(), range.text().contains("# Notes"));
    assertFalse(range.text(), range.text().contains("three"));
    ToolResult folder = call("{\"command\":\"view\",\"path\":\".\"}");
    assertTrue(folder.text(), folder.text().contains("notes.md"));
  }

  @Test
  public void mistakesAndEscapesAreErrorsTheModelReads() {
    assertTrue(
        call("{\"command\":\"create\",\"path\":\"../out.txt\",\"file_text\":\"x\"}").isError());
    assertFalse(Files.exists(root.getParent().resolve("out.txt")));
    assertTrue(call("{\"command\":\"create\",\"path\":\"/etc/x\",\"file_text\":\"x\"}").isError());
    assertEquals(
        "unknown command 'undo_edit': view, create, str_replace or insert",
        call("{\"command\":\"undo_edit\",\"path\":\"a\"}").text());
    assertEquals(
        "str_replace needs old_str", call("{\"command\":\"str_replace\",\"path\":\"a\"}").text());
    assertTrue(
        call("{\"command\":\"view\",\"path\":\"a\",\"view_range\":[3,1]}")
            .text()
            .startsWith("view_range"));
  }
}

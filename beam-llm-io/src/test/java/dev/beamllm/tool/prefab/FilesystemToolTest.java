package dev.beamllm.tool.prefab;

import static dev.beamllm.tool.prefab.PrefabCalls.assertError;
import static dev.beamllm.tool.prefab.PrefabCalls.assertResult;
import static dev.beamllm.tool.prefab.PrefabCalls.call;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The filesystem tools through {@link ToolSet#run}, as an agent calls them: what each returns, and
 * that no path leaves the directory (by {@code ..}, an absolute path or a symbolic link), that
 * read-only and delete settings hold, that sizes are limited and binary files are not dumped.
 */
public class FilesystemToolTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private Path root;
  private Path outside;
  private ToolSet fs;

  @Before
  public void setUp() throws IOException {
    root = temp.newFolder("root").toPath();
    outside = temp.newFolder("outside").toPath();
    Files.writeString(outside.resolve("secret.txt"), "the secret world\n");
    fs = ToolSet.of(PrefabTools.filesystem(root.toString()).tools());
  }

  @Test
  public void theToolsAreNamedAndDescribedForTheModel() {
    assertEquals(
        List.of("fs_list", "fs_read", "fs_search", "fs_write", "fs_edit", "fs_mkdir"),
        fs.definitions().stream().map(Tool::name).toList());
    Tool read = fs.get("fs_read").orElseThrow().definition();
    assertTrue(read.description(), read.description().contains("at most 65536 bytes"));
    assertTrue(read.parametersJson(), read.parametersJson().contains("\"offset\""));
  }

  @Test
  public void aWrittenFileReadsBackExactly() throws IOException {
    assertResult(
        "created 'notes/a.txt' (12 bytes)",
        call(fs, "fs_write", "{\"path\":\"notes/a.txt\",\"content\":\"hello\\nworld\\n\"}"));
    assertEquals("hello\nworld\n", Files.readString(root.resolve("notes/a.txt")));
    assertResult("hello\nworld\n", call(fs, "fs_read", "{\"path\":\"notes/a.txt\"}"));
    assertResult(
        "overwrote 'notes/a.txt' (3 bytes)",
        call(fs, "fs_write", "{\"path\":\"notes/a.txt\",\"content\":\"bye\"}"));
    assertResult("bye", call(fs, "fs_read", "{\"path\":\"./notes//a.txt\"}"));
    Files.writeString(root.resolve("empty.txt"), "");
    assertResult("(empty file)", call(fs, "fs_read", "{\"path\":\"empty.txt\"}"));
  }

  @Test
  public void listingShowsPathsFromTheTopFoldersAndSizes() throws IOException {
    Files.createDirectories(root.resolve("notes/old"));
    Files.writeString(root.resolve("notes/b.txt"), "12345");
    Files.writeString(root.resolve("top.md"), "#");
    assertResult("notes/\ntop.md (1 bytes)", call(fs, "fs_list", "{}"));
    assertResult("notes/b.txt (5 bytes)\nnotes/old/", call(fs, "fs_list", "{\"path\":\"notes\"}"));
    assertResult("(empty folder)", call(fs, "fs_list", "{\"path\":\"notes/old\"}"));
    assertError(
        "'top.md' is a file, not a folder: read it with fs_read",
        call(fs, "fs_list", "{\"path\":\"top.md\"}"));
    assertError("no folder 'nope'", call(fs, "fs_list", "{\"path\":\"nope\"}"));
    ToolSet few = ToolSet.of(PrefabTools.filesystem(root.toString()).withMaxResults(1).tools());
    assertResult("notes/\n(first 1 of 2 entries shown)", call(few, "fs_list", "{}"));
  }

  @Test
  public void aBigFileIsReadByLinesWithANoteSayingWhereToGoOn() throws IOException {
    StringBuilder ten = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      ten.append("line").append(i).append('\n');
    }
    Files.writeString(root.resolve("ten.txt"), ten);
    assertResult(
        "line3\nline4\n[lines 3-4 of 'ten.txt' shown; read on with offset=5]",
        call(fs, "fs_read", "{\"path\":\"ten.txt\",\"offset\":3,\"limit\":2}"));
    assertResult("line9\nline10", call(fs, "fs_read", "{\"path\":\"ten.txt\",\"offset\":9}"));
    assertError(
        "'ten.txt' has 10 lines; offset 12 is past its end",
        call(fs, "fs_read", "{\"path\":\"ten.txt\",\"offset\":12}"));
    assertError(
        "offset must be 1 or more (1 is the first line), not 0",
        call(fs, "fs_read", "{\"path\":\"ten.txt\",\"offset\":0}"));
    assertError(
        "limit must be 1 or more, not 0",
        call(fs, "fs_read", "{\"path\":\"ten.txt\",\"limit\":0}"));
    // Past the read limit (20 bytes) without offset or limit: the lines that fit, and a note.
    ToolSet small =
        ToolSet.of(PrefabTools.filesystem(root.toString()).withMaxReadBytes(20).tools());
    assertResult(
        "line1\nline2\nline3\n[lines 1-3 of 'ten.txt' shown; read on with offset=4]",
        call(small, "fs_read", "{\"path\":\"ten.txt\"}"));
    Files.writeString(root.resolve("long.json"), "x".repeat(50) + "\nend");
    assertResult(
        "x".repeat(20)
            + "\n[lines 1-1 of 'long.json' shown; line 1 was cut at the read limit; read on with"
            + " offset=2]",
        call(small, "fs_read", "{\"path\":\"long.json\"}"));
  }

  @Test
  public void pathsOutsideTheDirectoryAreRefused() {
    assertError(
        "path '../outside/secret.txt' is outside the tool's directory: paths are relative to it"
            + " and may not climb above it with '..'",
        call(fs, "fs_read", "{\"path\":\"../outside/secret.txt\"}"));
    assertError(
        "path 'a/../../outside/x.txt' is outside the tool's directory: paths are relative to it"
            + " and may not climb above it with '..'",
        call(fs, "fs_write", "{\"path\":\"a/../../outside/x.txt\",\"content\":\"x\"}"));
    String absolute = outside.resolve("secret.txt").toString();
    assertError(
        "path '"
            + absolute
            + "' is absolute: give a path relative to the tool's directory, like"
            + " 'notes/todo.txt'",
        call(fs, "fs_read", "{\"path\":\"" + absolute + "\"}"));
    assertError(
        "path '/etc' is absolute: give a path relative to the tool's directory, like"
            + " 'notes/todo.txt'",
        call(fs, "fs_list", "{\"path\":\"/etc\"}"));
    assertFalse(Files.exists(outside.resolve("x.txt")));
    // '..' that stays inside is fine.
    assertResult(
        "created 'b.txt' (1 bytes)",
        call(fs, "fs_write", "{\"path\":\"a/../b.txt\",\"content\":\"b\"}"));
    assertTrue(Files.exists(root.resolve("b.txt")));
  }

  @Test
  public void symbolicLinksThatLeaveTheDirectoryAreRefusedAndOthersFollowed() throws IOException {
    Files.createSymbolicLink(root.resolve("out"), outside);
    Files.createSymbolicLink(root.resolve("secret"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-yet.txt"));
    String through = "' leads outside the tool's directory through a symbolic link";
    assertError(
        "path 'out/secret.txt" + through, call(fs, "fs_read", "{\"path\":\"out/secret.txt\"}"));
    assertError("path 'secret" + through, call(fs, "fs_read", "{\"path\":\"secret\"}"));
    assertError(
        "path 'out/new.txt" + through,
        call(fs, "fs_write", "{\"path\":\"out/new.txt\",\"content\":\"x\"}"));
    assertError(
        "path 'out/sub/new.txt" + through,
        call(fs, "fs_write", "{\"path\":\"out/sub/new.txt\",\"content\":\"x\"}"));
    assertError(
        "path 'dangling' goes through a symbolic link that points at nothing; it is refused",
        call(fs, "fs_write", "{\"path\":\"dangling\",\"content\":\"x\"}"));
    assertFalse(Files.exists(outside.resolve("new.txt")));
    assertFalse(Files.exists(outside.resolve("sub")));
    assertFalse(Files.exists(outside.resolve("not-yet.txt")));
    assertError(
        "path 'out" + through,
        call(fs, "fs_edit", "{\"path\":\"out\",\"old_str\":\"a\",\"new_str\":\"b\"}"));
    assertEquals("the secret world\n", Files.readString(outside.resolve("secret.txt")));
    // A search does not follow links, so the outside file is not found through them.
    assertResult("no matches", call(fs, "fs_search", "{\"contains\":\"secret\"}"));
    // A link that stays inside is followed.
    Files.createDirectories(root.resolve("notes"));
    Files.writeString(root.resolve("notes/a.txt"), "inside");
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("notes"));
    assertResult("inside", call(fs, "fs_read", "{\"path\":\"alias/a.txt\"}"));
    assertResult(
        "created 'alias/b.txt' (2 bytes)",
        call(fs, "fs_write", "{\"path\":\"alias/b.txt\",\"content\":\"hi\"}"));
    assertEquals("hi", Files.readString(root.resolve("notes/b.txt")));
  }

  @Test
  public void readOnlyToolsOfferNoWayToChangeAFile() {
    ToolSet ro = ToolSet.of(PrefabTools.filesystem(root.toString()).withReadOnly(true).tools());
    assertEquals(
        List.of("fs_list", "fs_read", "fs_search"),
        ro.definitions().stream().map(Tool::name).toList());
    assertError(
        "there is no tool named 'fs_write'; the tools are [fs_list, fs_read, fs_search]",
        call(ro, "fs_write", "{\"path\":\"a.txt\",\"content\":\"x\"}"));
    assertError(
        "there is no tool named 'fs_mkdir'; the tools are [fs_list, fs_read, fs_search]",
        call(ro, "fs_mkdir", "{\"path\":\"d\"}"));
    assertFalse(Files.exists(root.resolve("a.txt")));
    assertFalse(Files.exists(root.resolve("d")));
  }

  @Test
  public void deleteIsOffUnlessAllowedAndNeverTakesAFullFolderOrTheTop() throws IOException {
    assertError(
        "there is no tool named 'fs_delete'; the tools are"
            + " [fs_list, fs_read, fs_search, fs_write, fs_edit, fs_mkdir]",
        call(fs, "fs_delete", "{\"path\":\"a.txt\"}"));
    ToolSet del = ToolSet.of(PrefabTools.filesystem(root.toString()).withDelete(true).tools());
    Files.createDirectories(root.resolve("full"));
    Files.writeString(root.resolve("full/a.txt"), "a");
    Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret.txt"));
    assertError(
        "folder 'full' is not empty; delete what is in it first",
        call(del, "fs_delete", "{\"path\":\"full\"}"));
    assertResult("deleted 'full/a.txt'", call(del, "fs_delete", "{\"path\":\"full/a.txt\"}"));
    assertResult("deleted folder 'full'", call(del, "fs_delete", "{\"path\":\"full\"}"));
    assertError(
        "the workspace's top folder cannot be deleted", call(del, "fs_delete", "{\"path\":\".\"}"));
    assertError("no file or folder 'gone'", call(del, "fs_delete", "{\"path\":\"gone\"}"));
    assertError(
        "path '../outside/secret.txt' is outside the tool's directory: paths are relative to it"
            + " and may not climb above it with '..'",
        call(del, "fs_delete", "{\"path\":\"../outside/secret.txt\"}"));
    Files.createSymbolicLink(root.resolve("out"), outside);
    assertError(
        "path 'out/secret.txt' leads outside the tool's directory through a symbolic link",
        call(del, "fs_delete", "{\"path\":\"out/secret.txt\"}"));
    assertResult("deleted 'out'", call(del, "fs_delete", "{\"path\":\"out\"}"));
    // Deleting a link removes the link, never what it points at.
    assertResult("deleted 'link'", call(del, "fs_delete", "{\"path\":\"link\"}"));
    assertFalse(Files.exists(root.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(outside.resolve("secret.txt")));
    assertEquals(List.of(), List.of(root.toFile().list()));
  }

  @Test
  public void anEditReplacesOneExactUniqueString() throws IOException {
    Files.writeString(root.resolve("a.txt"), "one two\ntwo three\n");
    assertResult(
        "edited 'a.txt' (18 bytes)",
        call(
            fs, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"one two\",\"new_str\":\"one 2 2\"}"));
    assertEquals("one 2 2\ntwo three\n", Files.readString(root.resolve("a.txt")));
    assertError(
        "old_str occurs 2 times in 'a.txt'; include more of the text around it so that it occurs"
            + " once",
        call(fs, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"t\",\"new_str\":\"T\"}"));
    assertError(
        "old_str was not found in 'a.txt'; read the file and copy the text exactly, whitespace"
            + " included",
        call(fs, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"four\",\"new_str\":\"4\"}"));
    assertError(
        "old_str is empty: give the exact text to replace",
        call(fs, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"\",\"new_str\":\"x\"}"));
    assertError(
        "no file 'b.txt'; fs_list and fs_search show what there is",
        call(fs, "fs_edit", "{\"path\":\"b.txt\",\"old_str\":\"a\",\"new_str\":\"b\"}"));
    assertResult(
        "edited 'a.txt' (8 bytes)",
        call(fs, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"two three\\n\",\"new_str\":\"\"}"));
    assertEquals("one 2 2\n", Files.readString(root.resolve("a.txt")));
  }

  @Test
  public void writesAndEditsAreLimitedInSize() throws IOException {
    ToolSet small =
        ToolSet.of(PrefabTools.filesystem(root.toString()).withMaxWriteBytes(10).tools());
    assertError(
        "content is 11 bytes; this tool writes at most 10 bytes per file",
        call(small, "fs_write", "{\"path\":\"a.txt\",\"content\":\"01234567890\"}"));
    assertFalse(Files.exists(root.resolve("a.txt")));
    // Bytes, not characters: 'é' is two.
    assertError(
        "content is 12 bytes; this tool writes at most 10 bytes per file",
        call(small, "fs_write", "{\"path\":\"a.txt\",\"content\":\"éééééé\"}"));
    assertResult(
        "created 'a.txt' (10 bytes)",
        call(small, "fs_write", "{\"path\":\"a.txt\",\"content\":\"0123456789\"}"));
    assertError(
        "the edited file would be 11 bytes; this tool writes at most 10 bytes per file",
        call(small, "fs_edit", "{\"path\":\"a.txt\",\"old_str\":\"9\",\"new_str\":\"9A\"}"));
    assertEquals("0123456789", Files.readString(root.resolve("a.txt")));
  }

  @Test
  public void binaryFilesAreRefusedAndImagesShown() throws IOException {
    Files.write(root.resolve("data.bin"), new byte[] {1, 2, 0, 3});
    assertError(
        "'data.bin' is a binary file (4 bytes), not UTF-8 text; this tool reads text files and"
            + " images only",
        call(fs, "fs_read", "{\"path\":\"data.bin\"}"));
    Files.write(root.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertError(
        "'latin1.txt' is a binary file (4 bytes), not UTF-8 text; this tool reads text files and"
            + " images only",
        call(fs, "fs_read", "{\"path\":\"latin1.txt\"}"));
    assertError(
        "'data.bin' is a binary file (4 bytes), not UTF-8 text; this tool reads text files and"
            + " images only",
        call(fs, "fs_edit", "{\"path\":\"data.bin\",\"old_str\":\"a\",\"new_str\":\"b\"}"));
    BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    Files.write(root.resolve("dot.png"), png.toByteArray());
    ToolResult shown = call(fs, "fs_read", "{\"path\":\"dot.png\"}");
    assertFalse(shown.isError());
    assertEquals(2, shown.content().size());
    assertEquals(
        new Text("image 'dot.png' (image/png, " + png.size() + " bytes)"), shown.content().get(0));
    assertArrayEquals(png.toByteArray(), ((Image) shown.content().get(1)).bytes().orElseThrow());
  }

  @Test
  public void searchFindsFilesByGlobAndLinesByText() throws IOException {
    Files.createDirectories(root.resolve("docs/deep"));
    Files.writeString(root.resolve("docs/a.md"), "alpha\nthe world\n");
    Files.writeString(root.resolve("docs/deep/b.md"), "world peace\n");
    Files.writeString(root.resolve("c.txt"), "no match here\nworld\n");
    Files.write(root.resolve("d.bin"), new byte[] {'w', 'o', 'r', 'l', 'd', 0});
    assertResult("docs/a.md\ndocs/deep/b.md", call(fs, "fs_search", "{\"glob\":\"*.md\"}"));
    assertResult("docs/a.md", call(fs, "fs_search", "{\"glob\":\"docs/*.md\"}"));
    assertResult("docs/deep/b.md", call(fs, "fs_search", "{\"glob\":\"docs/**/*.md\"}"));
    assertResult(
        "c.txt:2: world\ndocs/a.md:2: the world\ndocs/deep/b.md:1: world peace",
        call(fs, "fs_search", "{\"contains\":\"world\"}"));
    assertResult(
        "docs/deep/b.md:1: world peace",
        call(fs, "fs_search", "{\"contains\":\"world\",\"path\":\"docs/deep\"}"));
    assertResult(
        "docs/a.md:2: the world\ndocs/deep/b.md:1: world peace",
        call(fs, "fs_search", "{\"glob\":\"*.md\",\"contains\":\"world\"}"));
    assertResult("no matches", call(fs, "fs_search", "{\"contains\":\"World\"}"));
    assertError("give a glob, a text it contains, or both", call(fs, "fs_search", "{}"));
    ToolSet few = ToolSet.of(PrefabTools.filesystem(root.toString()).withMaxResults(2).tools());
    assertResult(
        "c.txt:2: world\ndocs/a.md:2: the world\n(stopped at 2 results; narrow the search)",
        call(few, "fs_search", "{\"contains\":\"world\"}"));
  }

  @Test
  public void foldersAreMadeWithTheirParents() throws IOException {
    assertResult("created folder 'a/b/c'", call(fs, "fs_mkdir", "{\"path\":\"a/b/c\"}"));
    assertTrue(Files.isDirectory(root.resolve("a/b/c")));
    assertResult("folder 'a/b' already exists", call(fs, "fs_mkdir", "{\"path\":\"a/b\"}"));
    Files.writeString(root.resolve("f"), "");
    assertError("'f' exists and is a file", call(fs, "fs_mkdir", "{\"path\":\"f\"}"));
    assertError(
        "cannot write 'f/g.txt': a file is in the way",
        call(fs, "fs_write", "{\"path\":\"f/g.txt\",\"content\":\"x\"}"));
    assertError(
        "'a' is a folder, not a file", call(fs, "fs_write", "{\"path\":\"a\",\"content\":\"x\"}"));
  }

  @Test
  public void argumentsThatDoNotFitAndAMissingDirectoryAreErrorsTheModelReads() throws IOException {
    assertError(
        "invalid arguments for 'fs_read': missing required argument 'path'",
        call(fs, "fs_read", "{}"));
    ToolSet gone = ToolSet.of(PrefabTools.filesystem(root.resolve("missing").toString()).tools());
    assertError("the tool's directory does not exist on this machine", call(gone, "fs_list", "{}"));
  }

  @Test
  public void theToolsWorkAfterSerialization() throws IOException {
    ToolSet copy = PrefabCalls.roundTrip(fs);
    assertResult(
        "created 'x.txt' (1 bytes)",
        call(copy, "fs_write", "{\"path\":\"x.txt\",\"content\":\"x\"}"));
    assertResult("x", call(copy, "fs_read", "{\"path\":\"x.txt\"}"));
  }

  @Test
  public void settingsAreCheckedAtOnce() {
    FilesystemTools tools = PrefabTools.filesystem(root.toString());
    assertEquals(
        "maxReadBytes: must be between 1 and 67108864, got 0",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxReadBytes(0)).getMessage());
    assertEquals(
        "maxWriteBytes: must be between 1 and 67108864, got -1",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxWriteBytes(-1))
            .getMessage());
    assertEquals(
        "maxResults: must be between 1 and 10000, got 0",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxResults(0)).getMessage());
    assertEquals(
        "name: must be 1-40 letters, digits, _ or -, got 'my fs'",
        assertThrows(IllegalArgumentException.class, () -> tools.withName("my fs")).getMessage());
    assertEquals(
        "delete: cannot be allowed on read-only filesystem tools",
        assertThrows(
                IllegalArgumentException.class, () -> tools.withReadOnly(true).withDelete(true))
            .getMessage());
    assertEquals(
        "readOnly: cannot be set while delete is allowed; call withDelete(false) first",
        assertThrows(
                IllegalArgumentException.class, () -> tools.withDelete(true).withReadOnly(true))
            .getMessage());
    assertEquals(
        "root: must name a directory, got a blank string",
        assertThrows(IllegalArgumentException.class, () -> PrefabTools.filesystem(" "))
            .getMessage());
    assertTrue(Path.of(PrefabTools.filesystem("work").root()).isAbsolute());
    assertEquals(
        List.of("docs_list", "docs_read", "docs_search"),
        tools.withName("docs").withReadOnly(true).tools().stream()
            .map(t -> t.definition().name())
            .toList());
  }
}

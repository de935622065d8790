package dev.beamllm.mcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.ToolSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * MCP tools against real servers from npm: server-everything over stdio and streamable HTTP,
 * server-filesystem over stdio; and the one client per server per JVM.
 */
public class McpToolsTest {
  private static final String SECRET = "s3cr3t-header-value-7";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** server-everything over stdio, listed once for the tests that only call. */
  private static List<ExecutableTool> everything;

  @BeforeClass
  public static void listEverything() {
    McpTestServers.assumeNode();
    everything = McpServers.of(McpTestServers.everything("everything")).listTools();
  }

  @AfterClass
  public static void releaseEverything() {
    if (everything != null) {
      McpServers.release(everything);
    }
  }

  private static ExecutableTool tool(List<ExecutableTool> tools, String name) {
    return tools.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no tool " + name + " in " + names(tools)));
  }

  private static List<String> names(List<ExecutableTool> tools) {
    return tools.stream().map(ExecutableTool::name).collect(Collectors.toList());
  }

  private static ToolOutput call(ExecutableTool tool, String arguments) throws Exception {
    return tool.call(arguments).get(30, TimeUnit.SECONDS);
  }

  private static String text(ToolOutput out) {
    return out.content().stream()
        .filter(p -> p instanceof Text)
        .map(p -> ((Text) p).text())
        .collect(Collectors.joining("\n"));
  }

  @Test
  public void listsTheServersTools() {
    assertThat(names(everything), hasItems("echo", "get-sum", "get-tiny-image", "get-env"));
    ExecutableTool echo = tool(everything, "echo");
    assertEquals("Echoes back the input string", echo.definition().description());
    assertEquals(
        "{\"properties\":{\"message\":{\"description\":\"Message to echo\",\"type\":\"string\"}},"
            + "\"required\":[\"message\"],\"type\":\"object\"}",
        echo.definition().parametersJson());
  }

  @Test
  public void callsEchoAndSum() throws Exception {
    ToolOutput echo = call(tool(everything, "echo"), "{\"message\": \"hello, MCP\"}");
    assertEquals(ToolOutput.text("Echo: hello, MCP"), echo);
    ToolOutput sum = call(tool(everything, "get-sum"), "{\"a\": 2, \"b\": 3.5}");
    assertEquals(ToolOutput.text("The sum of 2 and 3.5 is 5.5."), sum);
  }

  @Test
  public void anImageComesBackAsAnImage() throws Exception {
    ToolOutput out = call(tool(everything, "get-tiny-image"), "{}");
    assertFalse(out.isError());
    assertEquals(3, out.content().size());
    assertEquals(new Text("Here's the image you requested:"), out.content().get(0));
    Image image = (Image) out.content().get(1);
    assertEquals("image/png", image.mediaType().orElseThrow());
    byte[] bytes = image.bytes().orElseThrow();
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
    assertEquals(new Text("The image above is the MCP logo."), out.content().get(2));
  }

  @Test
  public void resourcesBecomeText() throws Exception {
    ToolOutput out =
        call(
            tool(everything, "get-resource-reference"),
            "{\"resourceType\": \"Text\", \"resourceId\": 1}");
    assertFalse(out.isError());
    assertThat(
        text(out), containsString("[resource demo://resource/dynamic/text/1, text/plain]\n"));
    ToolOutput links = call(tool(everything, "get-resource-links"), "{\"count\": 1}");
    assertThat(text(links), containsString("[resource link demo://resource/dynamic/"));
  }

  @Test
  public void badArgumentsAndErrorsAreErrorsTheModelReads() throws Exception {
    ToolOutput wrongType = call(tool(everything, "get-sum"), "{\"a\": \"two\"}");
    assertTrue(wrongType.isError());
    assertThat(text(wrongType), containsString("Invalid arguments for tool get-sum"));

    ToolOutput notJson = call(tool(everything, "echo"), "{message: hi");
    assertEquals(ToolOutput.error("arguments for tool 'echo' are not valid JSON"), notJson);
    ToolOutput notObject = call(tool(everything, "echo"), "[\"hi\"]");
    assertEquals(ToolOutput.error("arguments for tool 'echo' must be a JSON object"), notObject);

    McpTool echo = (McpTool) tool(everything, "echo");
    McpTool missing = new McpTool(echo.handle(), echo.definition(), "no-such-tool");
    ToolOutput unknown = call(missing, "{}");
    assertTrue(unknown.isError());
    assertThat(text(unknown), containsString("no-such-tool"));
  }

  @Test
  public void runsThroughAToolSet() throws Exception {
    ToolSet set = ToolSet.of(everything);
    List<ToolResult> results =
        set.run(
                List.of(
                    ToolCall.of("c1", "echo", "{\"message\": \"one\"}"),
                    ToolCall.of("c2", "get-sum", "{\"a\": 1, \"b\": 2}")))
            .get(30, TimeUnit.SECONDS);
    assertEquals(List.of(new Text("Echo: one")), results.get(0).content());
    assertEquals(List.of(new Text("The sum of 1 and 2 is 3.")), results.get(1).content());
  }

  @Test
  public void envReachesAStdioServer() throws Exception {
    McpServer server = McpTestServers.everything("env").withEnv("BEAMLLM_MCP_TEST", "${HOME}-x");
    List<ExecutableTool> tools = McpServers.of(server).listTools();
    try {
      String env = text(call(tool(tools, "get-env"), "{}"));
      assertThat(env, containsString("\"BEAMLLM_MCP_TEST\": \"" + System.getenv("HOME") + "-x\""));
    } finally {
      McpServers.release(tools);
    }
  }

  @Test
  public void oneClientPerServerPerJvmAndTheProcessEndsWithTheLastUser() throws Exception {
    McpServer server = McpTestServers.everything("shared");
    McpServers servers = McpServers.of(server);
    List<ExecutableTool> first = servers.listTools();
    List<ExecutableTool> second = McpServers.of(McpTestServers.everything("shared")).listTools();
    // A copy as Beam makes one for each DoFn instance.
    List<ExecutableTool> copy = copy(first);
    assertEquals(
        ToolOutput.text("Echo: copied"), call(tool(copy, "echo"), "{\"message\":\"copied\"}"));
    assertEquals(3, SharedClients.users(server));

    Connection a = ((McpTool) first.get(0)).handle().lease().connection().get(30, TimeUnit.SECONDS);
    Connection b =
        ((McpTool) second.get(0)).handle().lease().connection().get(30, TimeUnit.SECONDS);
    Connection c = ((McpTool) copy.get(0)).handle().lease().connection().get(30, TimeUnit.SECONDS);
    assertSame(a, b);
    assertSame(a, c);
    assertSame(a.client(), b.client());
    assertSame(
        "a copy's tools share one lease",
        ((McpTool) copy.get(0)).handle(),
        ((McpTool) copy.get(1)).handle());
    long pid = a.process().pid();
    assertTrue(Processes.running().contains(a.process()));

    McpServers.release(first);
    McpServers.release(copy);
    assertEquals(1, SharedClients.users(server));
    assertTrue("still running for the last user", ProcessHandle.of(pid).orElseThrow().isAlive());
    assertEquals(
        ToolOutput.text("Echo: still"), call(tool(second, "echo"), "{\"message\":\"still\"}"));

    ((McpTool) second.get(0)).handle().release().get(10, TimeUnit.SECONDS);
    assertEquals(0, SharedClients.users(server));
    assertTrue("the server's process ended with the last release", McpTestServers.gone(pid));
    // The registry forgets a process in its onExit callback, which may run a moment later.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Processes.running().contains(a.process()) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertFalse(Processes.running().contains(a.process()));

    // A released tool connects again when called: a new client and process.
    assertEquals(
        ToolOutput.text("Echo: again"), call(tool(second, "echo"), "{\"message\":\"again\"}"));
    Connection d =
        ((McpTool) second.get(0)).handle().lease().connection().get(30, TimeUnit.SECONDS);
    assertNotEquals(pid, d.process().pid());
    ((McpTool) second.get(0)).handle().release().get(10, TimeUnit.SECONDS);
    assertTrue(McpTestServers.gone(d.process().pid()));
  }

  @Test
  public void aServerWhoseProcessDiedIsStartedAgain() throws Exception {
    List<ExecutableTool> tools = McpServers.of(McpTestServers.everything("phoenix")).listTools();
    try {
      SharedClients.Lease lease = ((McpTool) tools.get(0)).handle().lease();
      long pid = lease.connection().get(30, TimeUnit.SECONDS).process().pid();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      assertTrue(McpTestServers.gone(pid));
      assertEquals(
          ToolOutput.text("Echo: back"), call(tool(tools, "echo"), "{\"message\":\"back\"}"));
      assertNotEquals(pid, lease.connection().get(30, TimeUnit.SECONDS).process().pid());
    } finally {
      McpServers.release(tools);
    }
  }

  @Test
  public void serversStillRunningStopWhenTheJvmExits() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            ExitWithoutRelease.class.getName(),
            McpTestServers.script("server-everything").toString());
    pb.redirectErrorStream(true);
    Process jvm = pb.start();
    String out = new String(jvm.getInputStream().readAllBytes());
    assertTrue("the JVM ended: " + out, jvm.waitFor(60, TimeUnit.SECONDS));
    List<Long> pids =
        out.lines()
            .filter(l -> l.startsWith("pid "))
            .map(l -> Long.parseLong(l.substring(4).trim()))
            .collect(Collectors.toList());
    assertEquals("the server and the child it started: " + out, 2, pids.size());
    for (long pid : pids) {
      assertTrue("no orphan process " + pid + " after the JVM exits", McpTestServers.gone(pid));
    }
  }

  /**
   * Lists a stdio server's tools, prints the pids of its process and of a child it started (a
   * {@code sleep} that no end of input stops, as {@code npx} starts the real server), and exits
   * without releasing anything.
   */
  public static final class ExitWithoutRelease {
    public static void main(String[] args) throws Exception {
      McpServer server =
          McpServer.stdio("orphan", "sh", "-c", "sleep 300 & exec node \"$0\" stdio", args[0]);
      List<ExecutableTool> tools = McpServers.of(server).listTools();
      Connection c = ((McpTool) tools.get(0)).handle().lease().connection().get();
      System.out.println("pid " + c.process().pid());
      c.process().children().forEach(child -> System.out.println("pid " + child.pid()));
      System.out.flush();
      System.exit(0);
    }
  }

  @Test
  public void aServerThatDoesNotStartIsNamed() throws Exception {
    McpServer nothing = McpServer.stdio("ghost", "/nonexistent/mcp-server", "stdio");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> McpServers.of(nothing).listTools());
    assertThat(
        e.getMessage(),
        startsWith("MCP server 'ghost' (command /nonexistent/mcp-server) did not start: "));
    assertEquals(0, SharedClients.users(nothing));

    // A process that dies at once: its exit code and last words, without waiting for a timeout.
    McpServer crash =
        McpServer.stdio("crash", "node", "-e", "console.error('boom: no config'); process.exit(3)");
    e = assertThrows(IllegalStateException.class, () -> McpServers.of(crash).listTools());
    assertEquals(
        "MCP server 'crash' (command node) did not start: the process exited with code 3; its"
            + " stderr ended with: boom: no config",
        e.getMessage());

    // Not an MCP server: it never answers the handshake, and is stopped.
    McpServer silent =
        McpServer.stdio("silent", "node", "-e", "setInterval(() => {}, 1000)")
            .withStartupTimeout(Duration.ofSeconds(2));
    ServerHandle handle = new ServerHandle(silent);
    try {
      McpTool tool = new McpTool(handle, tool(everything, "echo").definition(), "echo");
      ToolOutput out = call(tool, "{\"message\":\"x\"}");
      assertTrue(out.isError());
      assertThat(text(out), startsWith("MCP server 'silent' (command node) did not start: "));
      assertThat(text(out), containsString("no answer within 2 s"));
    } finally {
      handle.release().get(10, TimeUnit.SECONDS);
    }
    // Stopped: TERM, then KILL after two seconds; a loaded machine may take a moment more.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left = new ArrayList<>();
      for (ProcessHandle p : Processes.running()) {
        String line = p.info().commandLine().orElse("");
        if (p.isAlive() && line.contains("setInterval")) {
          left.add(line);
        }
      }
    } while (!left.isEmpty() && System.nanoTime() < deadline && sleep(100));
    assertEquals(List.of(), left);
  }

  private static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }

  @Test
  public void filesystemServerInsideItsRootAndNotOutside() throws Exception {
    Path root = tmp.newFolder("root").toPath().toRealPath();
    Path outside = tmp.newFile("outside.txt").toPath().toRealPath();
    Files.writeString(outside, "keep out");
    List<ExecutableTool> tools = McpServers.of(McpTestServers.filesystem("fs", root)).listTools();
    try {
      assertThat(names(tools), hasItems("write_file", "read_text_file", "list_directory"));
      Path file = root.resolve("note.txt");
      ToolOutput written =
          call(
              tool(tools, "write_file"),
              "{\"path\": \"" + file + "\", \"content\": \"first line\\nsecond\"}");
      assertFalse(text(written), written.isError());
      assertEquals("first line\nsecond", Files.readString(file));
      assertEquals(
          ToolOutput.text("first line\nsecond"),
          call(tool(tools, "read_text_file"), "{\"path\": \"" + file + "\"}"));

      ToolOutput refused = call(tool(tools, "read_text_file"), "{\"path\": \"" + outside + "\"}");
      assertTrue(refused.isError());
      assertThat(text(refused), containsString("Access denied"));
      assertThat(text(refused), not(containsString("keep out")));
      ToolOutput refusedWrite =
          call(
              tool(tools, "write_file"),
              "{\"path\": \"" + root.resolve("../escape.txt") + "\", \"content\": \"x\"}");
      assertTrue(refusedWrite.isError());
      assertFalse(Files.exists(root.resolveSibling("escape.txt")));
    } finally {
      McpServers.release(tools);
    }
  }

  @Test
  public void twoServersWithTheSameToolsArePrefixed() {
    McpServers servers =
        McpServers.of(McpTestServers.everything("left"), McpTestServers.everything("right"));
    List<ExecutableTool> tools = servers.listTools();
    try {
      assertThat(names(tools), hasItems("left__echo", "right__echo", "left__get-sum"));
      assertFalse(names(tools).contains("echo"));
    } finally {
      McpServers.release(tools);
    }
  }

  @Test
  public void streamableHttp() throws Exception {
    try (McpTestServers.HttpEverything http = McpTestServers.HttpEverything.start()) {
      McpServer server = McpServer.http("web", http.url()).withHeader("X-Test", SECRET);
      List<ExecutableTool> tools = McpServers.of(server).listTools();
      try {
        assertThat(names(tools), hasItems("echo", "get-sum", "get-tiny-image"));
        assertEquals(
            ToolOutput.text("Echo: over HTTP"),
            call(tool(tools, "echo"), "{\"message\": \"over HTTP\"}"));
        assertEquals(
            ToolOutput.text("The sum of 40 and 2 is 42."),
            call(tool(tools, "get-sum"), "{\"a\": 40, \"b\": 2}"));
        ToolOutput image = call(tool(tools, "get-tiny-image"), "{}");
        assertEquals("image/png", ((Image) image.content().get(1)).mediaType().orElseThrow());
        ToolOutput bad = call(tool(tools, "get-sum"), "{\"a\": 1}");
        assertTrue(bad.isError());
      } finally {
        McpServers.release(tools);
      }
      assertEquals(0, SharedClients.users(server));
    }
  }

  @Test
  public void headersAreSentButNeverShown() throws Exception {
    Map<String, String> seen = new ConcurrentHashMap<>();
    HttpServer fake =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    fake.createContext(
        "/mcp",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          if (auth != null) {
            seen.put("Authorization", auth);
          }
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    fake.start();
    try {
      McpServer server =
          McpServer.http("locked", "http://127.0.0.1:" + fake.getAddress().getPort() + "/mcp")
              .withHeader("Authorization", "Bearer " + SECRET)
              .withStartupTimeout(Duration.ofSeconds(5));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> McpServers.of(server).listTools());
      assertEquals("Bearer " + SECRET, seen.get("Authorization"));
      assertThat(e.getMessage(), startsWith("MCP server 'locked' (http://127.0.0.1:"));
      assertThat(e.getMessage(), not(containsString(SECRET)));
      assertNotNull(e.getCause());
    } finally {
      fake.stop(0);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<ExecutableTool> copy(List<ExecutableTool> tools) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ArrayList<>(tools));
    }
    return (List<ExecutableTool>)
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
  }
}

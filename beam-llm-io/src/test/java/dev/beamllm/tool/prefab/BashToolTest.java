package dev.beamllm.tool.prefab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ToolSet;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The sandboxed shell: it changes its directory and nothing else, and every call ends. */
public class BashToolTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path root;

  @Before
  public void needsBubblewrap() throws Exception {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      found |= Files.isExecutable(Path.of(dir, "bwrap"));
    }
    Assume.assumeTrue(
        "bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap (as .ci/run does)",
        found);
    root = tmp.newFolder("work").toPath();
  }

  private static ToolResult run(BashTool bash, String command) {
    return ToolSet.of(bash.tool())
        .withCallTimeout(Duration.ofSeconds(60))
        .run(ToolCall.of("c1", "bash", Json.write(Json.object().put("command", command))))
        .join();
  }

  @Test
  public void aCommandChangesTheWorkspaceAndSaysHowItEnded() throws Exception {
    BashTool bash = PrefabTools.bash(root.toString());
    ToolResult r = run(bash, "echo hi > out.txt && cat out.txt && pwd && env | sort | cut -d= -f1");
    assertFalse(r.text(), r.isError());
    assertEquals("hi\n/work\nHOME\nPATH\nPWD\nSHLVL\n_\nexit code 0", r.text());
    assertEquals("hi\n", Files.readString(root.resolve("out.txt")));
    ToolResult failed = run(bash, "echo nope >&2; exit 3");
    assertTrue(failed.isError());
    assertEquals("nope\nexit code 3", failed.text());
  }

  @Test
  public void nothingOutsideTheWorkspaceCanBeReadOrChanged() throws Exception {
    Path outside = tmp.newFile("secret.txt").toPath();
    Files.writeString(outside, "s3cret");
    BashTool bash = PrefabTools.bash(root.toString());
    ToolResult read = run(bash, "cat " + outside + "; cat /etc/passwd; ls /");
    assertFalse(read.text(), read.text().contains("s3cret"));
    assertFalse(read.text(), read.text().contains("root:"));
    assertTrue(read.text(), read.text().contains("No such file or directory"));
    ToolResult write = run(bash, "echo x > /usr/x; echo y > /tmp/y && cat /tmp/y");
    assertTrue(write.text(), write.text().contains("Read-only file system"));
    assertFalse(Files.exists(Path.of("/usr/x")));
    assertFalse("the sandbox's /tmp is its own", Files.exists(Path.of("/tmp/y")));
  }

  @Test
  public void theNetworkIsClosedUnlessAllowed() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String connect = "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo connected";
      ToolResult closed = run(PrefabTools.bash(root.toString()), connect);
      assertTrue(closed.text(), closed.isError());
      assertFalse(closed.text(), closed.text().contains("connected"));
      ToolResult open = run(PrefabTools.bash(root.toString()).withNetwork(true), connect);
      assertTrue(open.text(), open.text().startsWith("connected"));
    }
  }

  @Test
  public void aCommandPastItsTimeIsKilledAndLongOutputIsCut() {
    long t0 = System.nanoTime();
    ToolResult slow =
        run(
            PrefabTools.bash(root.toString()).withTimeout(Duration.ofSeconds(1)),
            "echo started; sleep 30");
    assertTrue(slow.isError());
    assertEquals("started\nkilled after 1 s", slow.text());
    assertTrue("ended in time", System.nanoTime() - t0 < 15_000_000_000L);
    ToolResult loud =
        run(PrefabTools.bash(root.toString()).withMaxOutputChars(100), "yes | head -c 100000");
    assertTrue(loud.text(), loud.text().contains("[output cut: 100000 bytes in all]"));
    assertTrue(loud.text().length() < 200);
  }

  @Test
  public void settingsAreChecked() {
    BashTool bash = PrefabTools.bash(root.toString());
    org.junit.Assert.assertThrows(
        IllegalArgumentException.class, () -> bash.withTimeout(Duration.ZERO));
    org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> bash.withMaxOutputChars(5));
    org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> bash.withName("a b"));
    org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> PrefabTools.bash(" "));
  }
}

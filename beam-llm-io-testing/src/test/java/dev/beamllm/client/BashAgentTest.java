package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.ScriptedTurn;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.prefab.PrefabTools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** An agent with the sandboxed bash tool: it works in its directory and cannot leave it. */
public class BashAgentTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void theAgentBuildsAFileAndIsRefusedOutsideItsDirectory() throws Exception {
    boolean bwrap = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      bwrap |= Files.isExecutable(Path.of(dir, "bwrap"));
    }
    Assume.assumeTrue("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap", bwrap);
    Path work = tmp.newFolder("work").toPath();
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      fake.script(
          "count the words",
          List.of(
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call(
                      "bash",
                      "{\"command\":\"printf 'one two three' > words.txt && wc -w < words.txt\"}")),
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call("bash", "{\"command\":\"touch /usr/escape\"}")),
              ScriptedTurn.text("Three words.")));
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Please count the words."),
                  ToolSet.of(PrefabTools.bash(work.toString()).tool()),
                  5)
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Three words.", r.completion());
      ToolResult counted = r.conversation().messages().get(2).partsOf(ToolResult.class).get(0);
      assertEquals("3\nexit code 0", counted.text());
      assertEquals("one two three", Files.readString(work.resolve("words.txt")));
      ToolResult refused = r.conversation().messages().get(4).partsOf(ToolResult.class).get(0);
      assertTrue(refused.isError());
      assertTrue(refused.text(), refused.text().contains("Read-only file system"));
      assertFalse(Files.exists(Path.of("/usr/escape")));
    }
  }
}

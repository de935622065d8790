package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.AgentResult;
import dev.beamllm.mcp.McpServer;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@link RemoteMcp#LOCAL}: the client's remote MCP server (a real server-everything over streamable
 * HTTP on the loopback) is not sent to the provider; {@code LlmIO.agent()} lists its tools and runs
 * the model's calls itself, with a model (chat completions) whose API cannot call MCP servers at
 * all.
 */
public class RemoteMcpLocalAgentTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void theAgentRunsTheRemoteServersToolsItself() throws Exception {
    Path script =
        TestData.file(
            "mcp-servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    Assume.assumeTrue("node is not on the PATH", onPath("node"));
    Assume.assumeTrue(
        "server-everything is not installed: npm ci --prefix testdata/mcp-servers",
        Files.isRegularFile(script));
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            "node",
            "--require",
            TestData.file("mcp-servers/loopback.cjs").toString(),
            script.toString(),
            "streamableHttp");
    pb.environment().put("PORT", Integer.toString(port));
    pb.redirectErrorStream(true);
    Process server = pb.start();
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      awaitListening(server);
      McpServers remote =
          McpServers.of(McpServer.http("every", "http://127.0.0.1:" + port + "/mcp"));
      LlmIO.Complete client =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(LlmIOTest.registry(fake))
              .withRemoteMcpServers(remote)
              .withRemoteMcp(RemoteMcp.LOCAL);
      AgentOutput out =
          pipeline
              .apply(Create.of(Conversation.user("Please ask echo.").withId("row")))
              .apply(LlmIO.agent().withClient(client).withMaxTurns(4));
      PAssert.that(out.failures()).empty();
      PAssert.that(out.results())
          .satisfies(
              results -> {
                AgentResult r = results.iterator().next();
                assertEquals(2, r.turns());
                ToolCall call = r.conversation().messages().get(1).partsOf(ToolCall.class).get(0);
                assertEquals("echo", call.name());
                ToolResult result =
                    r.conversation().messages().get(2).partsOf(ToolResult.class).get(0);
                assertFalse(result.isError());
                assertTrue(result.text(), result.text().startsWith("Echo: "));
                assertTrue(
                    r.conversation().messages().stream()
                        .flatMap(m -> m.parts().stream())
                        .noneMatch(p -> p instanceof ServerToolUse));
                return null;
              });
      pipeline.run().waitUntilFinish();
      List<RecordedRequest> sent = fake.requests();
      assertEquals(2, sent.size());
      for (RecordedRequest s : sent) {
        assertFalse(s.body(), s.body().contains("\"mcp"));
        assertFalse(s.body(), s.body().contains("127.0.0.1:" + port));
      }
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static void awaitListening(Process p) throws Exception {
    CompletableFuture<Boolean> listening = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.contains("listening on port")) {
                    listening.complete(true);
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
              listening.complete(false);
            },
            "remote-mcp-everything-output");
    reader.setDaemon(true);
    reader.start();
    if (!listening.get(30, TimeUnit.SECONDS)) {
      synchronized (output) {
        throw new IllegalStateException("server-everything did not start:\n" + output);
      }
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}

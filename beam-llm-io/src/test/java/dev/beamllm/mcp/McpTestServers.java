package dev.beamllm.mcp;

import static org.junit.Assert.fail;

import dev.beamllm.prompt.TestData;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;

/**
 * The real MCP servers from npm that the MCP tests run, installed by {@code npm ci --prefix
 * testdata/mcp-servers} (as {@code .ci/run} does). A test skips only when Node.js or npm is not
 * installed; with them, servers missing from {@code testdata/mcp-servers} fail the test.
 */
final class McpTestServers {
  private McpTestServers() {}

  /** Skips the test, saying why, when {@code node} or {@code npm} is not on the PATH. */
  static void assumeNode() {
    Assume.assumeTrue(
        "Node.js is not installed (no node on the PATH): the MCP tests run real MCP servers from"
            + " npm; install nodejs and npm, then npm ci --prefix testdata/mcp-servers",
        onPath("node"));
    Assume.assumeTrue(
        "npm is not installed (no npm on the PATH): the MCP tests need it to install their"
            + " servers; install npm, then npm ci --prefix testdata/mcp-servers",
        onPath("npm"));
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

  /** The folder the servers are installed in. */
  static Path dir() {
    return TestData.file("mcp-servers");
  }

  /** The entry script of an installed server package, e.g. {@code server-everything}. */
  static Path script(String pkg) {
    Path script =
        dir().resolve("node_modules/@modelcontextprotocol").resolve(pkg).resolve("dist/index.js");
    if (!Files.isRegularFile(script)) {
      fail(
          "the MCP test server @modelcontextprotocol/"
              + pkg
              + " is not installed in "
              + dir()
              + ": run npm ci --prefix testdata/mcp-servers (as .ci/run does)");
    }
    return script;
  }

  /** server-everything over stdio. */
  static McpServer everything(String name) {
    return McpServer.stdio(name, "node", script("server-everything").toString(), "stdio");
  }

  /** server-filesystem over stdio, confined to {@code root}. */
  static McpServer filesystem(String name, Path root) {
    return McpServer.stdio(name, "node", script("server-filesystem").toString(), root.toString());
  }

  /** A port free on the loopback interface now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** server-everything in streamable HTTP mode on a free loopback port; close stops it by pid. */
  static final class HttpEverything implements AutoCloseable {
    final Process process;
    final int port;

    private HttpEverything(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static HttpEverything start() throws Exception {
      for (int attempt = 0; ; attempt++) {
        int port = freePort();
        ProcessBuilder pb =
            new ProcessBuilder(
                List.of(
                    "node",
                    "--require",
                    dir().resolve("loopback.cjs").toString(),
                    script("server-everything").toString(),
                    "streamableHttp"));
        pb.environment().put("PORT", Integer.toString(port));
        pb.redirectErrorStream(true);
        Process p = pb.start();
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
                  } catch (IOException e) {
                    // the process ended
                  }
                  listening.complete(false);
                },
                "mcp-http-everything-output");
        reader.setDaemon(true);
        reader.start();
        boolean up;
        try {
          up = listening.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          up = false;
        }
        if (up) {
          return new HttpEverything(p, port);
        }
        stop(p);
        String out;
        synchronized (output) {
          out = output.toString();
        }
        if (attempt == 2 || !out.contains("already in use")) {
          throw new IllegalStateException(
              "server-everything streamableHttp did not start:\n" + out);
        }
      }
    }

    String url() {
      return "http://127.0.0.1:" + port + "/mcp";
    }

    @Override
    public void close() throws InterruptedException {
      stop(process);
    }

    private static void stop(Process p) throws InterruptedException {
      ProcessHandle h = p.toHandle();
      h.descendants().forEach(ProcessHandle::destroy);
      h.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        h.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits up to ten seconds for a process to be gone. */
  static boolean gone(long pid) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}

package dev.beamllm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package) on a free loopback port, for tests of what a
 * cluster's workers share: started as its own process, without persistence, and stopped by its
 * process id. Fails at once, saying what to install, when the binary is missing.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   LlmIO.complete().withSharedLimits(redis.uri()) ...
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Process process;
  private final int port;
  private final Path dir;

  private RedisServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Starts a server on a free loopback port and waits until it answers PING. */
  public static RedisServer start() throws IOException {
    String binary = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
    Path dir = Files.createTempDirectory("beamllm-redis");
    for (int attempt = 0; ; attempt++) {
      int port = freePort();
      Process p;
      try {
        p =
            new ProcessBuilder(
                    List.of(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
      } catch (IOException e) {
        throw new IOException(
            "redis-server could not be started ("
                + e.getMessage()
                + "); install it with: apt-get install -y redis-server",
            e);
      }
      RedisServer server = new RedisServer(p, port, dir);
      if (server.awaitPing()) {
        return server;
      }
      server.close();
      // Another process took the port between our probe and the server's bind: try another.
      if (attempt >= 3) {
        throw new IOException(
            "redis-server did not answer on 127.0.0.1:" + port + "; see " + dir + "/redis.log");
      }
    }
  }

  /** The server's address as a {@code redis://} URI. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** The server's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The server process's id. */
  public long pid() {
    return process.pid();
  }

  /** Sends one command in Redis's inline protocol and returns the first line of the reply. */
  public String command(String inline) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  private boolean awaitPing() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if ("+PONG".equals(command("PING"))) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops the server by its process id and removes its folder. */
  @Override
  public void close() {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary folder; the OS cleans it up
    }
  }
}

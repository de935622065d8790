package dev.beamllm.mcp;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The SDK's stdio transport, which also tells the process it started, so that the process (and
 * whatever it starts, as {@code npx} does) can be stopped when the client closes or the JVM exits.
 * The SDK keeps the process in a private field and has no getter; it is read by reflection, and if
 * a later SDK renames it the process is still stopped by the SDK's own close (not at JVM exit).
 */
final class StdioTransport extends StdioClientTransport {
  private static final Field PROCESS = processField();

  private volatile ProcessHandle process;

  /** Completes, with why, if the process could not be started or has exited. */
  private final CompletableFuture<String> ended = new CompletableFuture<>();

  StdioTransport(ServerParameters parameters, McpJsonMapper json, Consumer<String> stderr) {
    super(parameters, json);
    // Instead of the SDK's handler, which logs every line at INFO.
    setStdErrorHandler(stderr);
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return super.connect(handler)
        .doOnError(
            e ->
                ended.complete(
                    "the command could not be run ("
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                        + ")"))
        .doFinally(signal -> capture());
  }

  /**
   * Completes, saying why, when the command could not be run or the process has exited (a moment
   * after, so that its last lines on stderr are read); the SDK's client would otherwise wait for
   * its whole initialization timeout.
   */
  CompletableFuture<String> ended() {
    return ended;
  }

  private void capture() {
    if (PROCESS == null || process != null) {
      return;
    }
    try {
      Process p = (Process) PROCESS.get(this);
      if (p != null) {
        process = p.toHandle();
        Processes.started(process);
        p.onExit()
            .thenRunAsync(
                () -> ended.complete("the process exited with code " + p.exitValue()),
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
      }
    } catch (IllegalAccessException e) {
      // Leave the process to the SDK's close.
    }
  }

  /** The server's process, once started. */
  ProcessHandle process() {
    return process;
  }

  private static Field processField() {
    try {
      Field f = StdioClientTransport.class.getDeclaredField("process");
      if (!Process.class.isAssignableFrom(f.getType())) {
        return null;
      }
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }
}

package dev.beamllm.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * A started MCP client: the SDK's asynchronous client, initialized (the MCP handshake done), and a
 * stdio server's process. Made by {@link #open}, closed by {@link #close}, which stops the process
 * and whatever it started.
 */
final class Connection {
  /** How long a graceful close may take before the process is ended. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

  /** The SDK's JSON binding: Jackson 2, as Beam; built here rather than found by ServiceLoader. */
  private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();

  static final McpJsonMapper JSON = new JacksonMcpJsonMapper(OBJECT_MAPPER);

  private static final McpSchema.Implementation CLIENT_INFO =
      new McpSchema.Implementation("beam-llm-io", version());

  private final String name;
  private final McpAsyncClient client;
  private final ProcessHandle process;

  private Connection(String name, McpAsyncClient client, ProcessHandle process) {
    this.name = name;
    this.client = client;
    this.process = process;
  }

  /** The initialized client. */
  McpAsyncClient client() {
    return client;
  }

  /** False once a stdio server's process has exited. */
  boolean isAlive() {
    return process == null || process.isAlive();
  }

  /** A stdio server's process, when this JVM started one. */
  ProcessHandle process() {
    return process;
  }

  /**
   * Starts a client for the server: replaces its {@code ${NAME}} references from this JVM's
   * environment, starts a stdio server's process or reaches an HTTP server, and does the MCP
   * handshake within the server's startup timeout. Fails with an {@link IllegalStateException}
   * naming the server and saying why (with a stdio server's last lines on stderr); a process
   * started for a failed attempt is stopped.
   */
  static CompletableFuture<Connection> open(McpServer configured) {
    String name = configured.name();
    McpServer server;
    McpClientTransport transport;
    StdioTransport stdio = null;
    StderrTail stderr = new StderrTail();
    try {
      server = configured.resolved(System::getenv);
      if (server.transport() == McpServer.Transport.STDIO) {
        ServerParameters parameters =
            ServerParameters.builder(server.command().orElseThrow())
                .args(server.args())
                .env(server.env())
                .build();
        stdio = new StdioTransport(parameters, JSON, stderr);
        transport = stdio;
      } else {
        // References replaced: check the URL it now is (never printing it whole).
        String url = McpServer.http(name, server.url().orElseThrow()).url().orElseThrow();
        Map<String, String> headers = server.headers();
        transport =
            HttpClientStreamableHttpTransport.builder(url)
                .endpoint(url)
                .jsonMapper(JSON)
                .connectTimeout(min(server.startupTimeout(), Duration.ofSeconds(10)))
                .httpRequestCustomizer(
                    (request, method, uri, body, context) -> headers.forEach(request::setHeader))
                .build();
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          e instanceof IllegalStateException || e instanceof IllegalArgumentException
              ? new IllegalStateException(e.getMessage(), e)
              : new IllegalStateException(
                  "MCP server '" + name + "' could not be set up: " + e, e));
    }
    McpAsyncClient client =
        McpClient.async(transport)
            .clientInfo(CLIENT_INFO)
            .capabilities(McpSchema.ClientCapabilities.builder().build())
            .requestTimeout(server.requestTimeout())
            .initializationTimeout(server.startupTimeout())
            .jsonSchemaValidator(new DefaultJsonSchemaValidator(OBJECT_MAPPER))
            .build();
    StdioTransport started = stdio;
    String shown = describe(server);
    CompletableFuture<McpSchema.InitializeResult> initialized = client.initialize().toFuture();
    if (started != null) {
      started.ended().thenAccept(why -> initialized.completeExceptionally(new ProcessEnded(why)));
    }
    return initialized.handle(
        (result, error) -> {
          ProcessHandle process = started == null ? null : started.process();
          if (error == null) {
            return new Connection(name, client, process);
          }
          closeQuietly(client, process);
          throw new CompletionException(
              new IllegalStateException(
                  "MCP server '"
                      + name
                      + "' ("
                      + shown
                      + ") did not start: "
                      + reason(error, server.startupTimeout())
                      + stderr.describe(),
                  unwrap(error)));
        });
  }

  /**
   * Closes the client (an HTTP server is told the session ends), then stops a stdio server's
   * process and every process it started: asked to end, then killed if it has not within {@link
   * #CLOSE_GRACE}. Completes when they have exited.
   */
  CompletableFuture<Void> close() {
    var tree = Processes.tree(process);
    CompletableFuture<Void> graceful =
        client
            .closeGracefully()
            .timeout(CLOSE_GRACE)
            .onErrorResume(e -> Mono.empty())
            .toFuture()
            .handle((v, e) -> null);
    return graceful.thenCompose(v -> Processes.terminate(tree));
  }

  private static void closeQuietly(McpAsyncClient client, ProcessHandle process) {
    var tree = Processes.tree(process);
    try {
      client.close();
    } catch (RuntimeException ignored) {
      // The process is stopped below either way.
    }
    Processes.terminate(tree);
  }

  /** What is connected to, without secrets. */
  private static String describe(McpServer server) {
    return server.transport() == McpServer.Transport.STDIO
        ? "command " + server.command().orElse("")
        : McpServer.shownUrl(server.url().orElse(""));
  }

  /** Why a start or a call failed, in a few words. */
  static String reason(Throwable error, Duration timeout) {
    Throwable e = unwrap(error);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return "no answer within " + timeout.toSeconds() + " s";
      }
      if (t instanceof java.net.ConnectException) {
        return "connection refused";
      }
    }
    if (e instanceof McpError) {
      return e.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += ": " + root.getMessage();
    }
    return message;
  }

  /** A stdio server's process that could not be started or exited during the handshake. */
  private static final class ProcessEnded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProcessEnded(String why) {
      super(why, null, false, false);
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static String version() {
    String v = Connection.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String toString() {
    return "Connection{" + name + (process == null ? "" : ", pid " + process.pid()) + "}";
  }

  /** A stdio server's last lines on stderr, for the message when it fails to start. */
  static final class StderrTail implements Consumer<String> {
    private static final int LINES = 10;
    private final Deque<String> lines = new ArrayDeque<>();

    @Override
    public synchronized void accept(String line) {
      if (lines.size() == LINES) {
        lines.removeFirst();
      }
      lines.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
    }

    synchronized String describe() {
      return lines.isEmpty() ? "" : "; its stderr ended with: " + String.join(" | ", lines);
    }
  }
}

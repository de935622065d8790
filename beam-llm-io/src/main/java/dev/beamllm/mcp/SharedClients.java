package dev.beamllm.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One MCP client per server configuration per JVM, shared by every user: every copy of a server's
 * tools that Beam deserializes on a worker (one per DoFn instance) reaches the same client, so a
 * stdio server runs as one process per JVM, not one per thread. Reference-counted like JdbcIO's
 * pooled data source: {@link #acquire} counts a user, the client is started on its first use, and
 * the last {@link Lease#release} closes it (and stops a stdio server's process); a later acquire
 * starts a new one. Keyed by the configuration's value, which a deserialized copy shares.
 */
final class SharedClients {
  private static final Map<McpServer, Entry> ENTRIES = new HashMap<>();

  private SharedClients() {}

  /** A share of the server's client; the client itself starts on the lease's first use. */
  static synchronized Lease acquire(McpServer server) {
    Entry e = ENTRIES.computeIfAbsent(server, Entry::new);
    e.users++;
    return new Lease(e);
  }

  /** How many leases on the server's client are not released (for tests). */
  static synchronized int users(McpServer server) {
    Entry e = ENTRIES.get(server);
    return e == null ? 0 : e.users;
  }

  private static CompletableFuture<Void> release(Entry e) {
    synchronized (SharedClients.class) {
      if (--e.users > 0) {
        return CompletableFuture.completedFuture(null);
      }
      ENTRIES.remove(e.server, e);
    }
    return e.close();
  }

  /**
   * One server's client: started on first use, and again after a failed start or when a stdio
   * server's process has died.
   */
  private static final class Entry {
    final McpServer server;
    int users;
    private CompletableFuture<Connection> connection;
    private boolean closed;

    Entry(McpServer server) {
      this.server = server;
    }

    synchronized CompletableFuture<Connection> connection() {
      if (closed) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("MCP server '" + server.name() + "': client closed"));
      }
      if (connection != null
          && connection.isDone()
          && !connection.isCompletedExceptionally()
          && !connection.join().isAlive()) {
        // A stdio server whose process died: closed, and started again for this call.
        connection.join().close();
        connection = null;
      }
      if (connection == null || connection.isCompletedExceptionally()) {
        connection = Connection.open(server);
      }
      return connection;
    }

    CompletableFuture<Void> close() {
      CompletableFuture<Connection> c;
      synchronized (this) {
        closed = true;
        c = connection;
      }
      if (c == null) {
        return CompletableFuture.completedFuture(null);
      }
      // A start still under way is closed once it ends.
      return c.handle((open, error) -> open)
          .thenCompose(
              open -> open == null ? CompletableFuture.completedFuture(null) : open.close());
    }
  }

  /** A user's share of a server's client. */
  static final class Lease {
    private final Entry entry;
    private final AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The client, started by the first user that asks; fails if it could not be started. */
    CompletableFuture<McpAsyncClient> client() {
      return connection().thenApply(Connection::client);
    }

    /** The connection: the client and a stdio server's process. */
    CompletableFuture<Connection> connection() {
      if (released.get() != null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                "MCP server '" + entry.server.name() + "': this lease was released"));
      }
      return entry.connection();
    }

    /**
     * Gives the share back (once; later calls return the same future). Completes when the client is
     * closed and a stdio server's process has exited, if this was the last user, or at once.
     */
    CompletableFuture<Void> release() {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      if (!released.compareAndSet(null, mine)) {
        return released.get();
      }
      SharedClients.release(entry)
          .whenComplete(
              (v, error) -> {
                if (error != null) {
                  mine.completeExceptionally(error);
                } else {
                  mine.complete(null);
                }
              });
      return mine;
    }
  }
}

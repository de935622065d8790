package dev.beamllm.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.util.concurrent.CompletableFuture;

/**
 * What a server's tools share: the server's configuration, and (not serialized) a lease on the
 * JVM's shared client for it, taken on the first call. Tools listed together share one handle, and
 * Java serialization keeps them sharing it, so each copy of a tool set that Beam deserializes (one
 * per DoFn instance) holds one lease per server. The lease is given back by {@link #release}, or
 * when the handle becomes unreachable.
 */
final class ServerHandle implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Cleaner CLEANER = Cleaner.create();

  private final McpServer server;
  private transient SharedClients.Lease lease;
  private transient Cleaner.Cleanable cleanable;

  ServerHandle(McpServer server) {
    this.server = server;
  }

  McpServer server() {
    return server;
  }

  /** The lease, taken now if this handle holds none. */
  synchronized SharedClients.Lease lease() {
    if (lease == null) {
      SharedClients.Lease taken = SharedClients.acquire(server);
      lease = taken;
      // The action holds the lease, not this handle, so the handle can become unreachable.
      cleanable = CLEANER.register(this, taken::release);
    }
    return lease;
  }

  /** The server's shared client, started if no one has yet. */
  CompletableFuture<McpAsyncClient> client() {
    return lease().client();
  }

  /** Gives the lease back, if held; completes when a client this closed is closed. */
  CompletableFuture<Void> release() {
    SharedClients.Lease held;
    Cleaner.Cleanable clean;
    synchronized (this) {
      held = lease;
      clean = cleanable;
      lease = null;
      cleanable = null;
    }
    if (held == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> closed = held.release();
    clean.clean(); // unregisters; the lease's release is done already and happens once
    return closed;
  }
}

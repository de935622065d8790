package dev.beamllm.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a SQLite cache's answers on one thread of its own, as many as are waiting in one
 * transaction: each write's future completes when its transaction is committed, so an answer is
 * still stored before anyone is given it, but a thousand answers cost one commit instead of a
 * thousand. The thread ends after a while with nothing to write and starts again on the next one.
 */
final class GroupCommitWriter {
  /** Most answers in one transaction. */
  static final int MAX_BATCH = 1_000;

  private static final long IDLE_MILLIS = 5_000;

  /** Opens the writer's connection. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private record Write(String key, String json, long createdAt, CompletableFuture<Void> done) {}

  private final Opener opener;
  private final String name;
  private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private Thread thread;

  GroupCommitWriter(Opener opener, String name) {
    this.opener = opener;
    this.name = name;
  }

  /**
   * Queues an answer's JSON under its key; completes when committed, or with the error that stopped
   * it.
   */
  CompletableFuture<Void> submit(String key, String json) {
    Write w = new Write(key, json, System.currentTimeMillis(), new CompletableFuture<>());
    queue.add(w);
    ensureRunning();
    return w.done();
  }

  private synchronized void ensureRunning() {
    if (thread == null) {
      thread = new Thread(this::run, "beamllm-sqlite-writer " + name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Whether the thread may end: nothing is waiting. Checked under the lock that starts it. */
  private synchronized boolean retire() {
    if (queue.isEmpty()) {
      thread = null;
      return true;
    }
    return false;
  }

  private void run() {
    Connection connection = null;
    List<Write> batch = new ArrayList<>();
    try {
      while (true) {
        Write first = queue.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (retire()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        try {
          if (connection == null) {
            connection = opener.open();
          }
          write(connection, batch);
          batch.forEach(w -> w.done().complete(null));
        } catch (SQLException | RuntimeException e) {
          batch.forEach(w -> w.done().completeExceptionally(e));
          connection = closeQuietly(connection);
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IllegalStateException stopped = new IllegalStateException("the cache writer was interrupted");
      batch.forEach(w -> w.done().completeExceptionally(stopped));
      synchronized (this) {
        thread = null;
      }
    } finally {
      closeQuietly(connection);
    }
  }

  private static void write(Connection c, List<Write> batch) throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT OR REPLACE INTO responses (key, response, created_at) VALUES (?, ?, ?)")) {
      for (Write w : batch) {
        insert.setString(1, w.key());
        insert.setString(2, w.json());
        insert.setLong(3, w.createdAt());
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static Connection closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing a broken connection; the next batch opens a new one.
      }
    }
    return null;
  }
}

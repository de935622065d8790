package dev.beamllm.cache;

import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.sqlite.SQLiteConfig;

/**
 * A {@link ResponseCache} in a SQLite file: one row per key holding the answer's {@link
 * ApiResponseJson} form. The file is opened in WAL mode with a busy timeout, so several caches,
 * threads or processes can share it. Each cache object reads through one connection, opened on
 * first use and used under its lock, and writes through a {@link GroupCommitWriter} of its own (WAL
 * lets the reads go on while it writes); only the path is serialized, so a copy sent to a Beam
 * worker opens its own connections there.
 */
final class SqliteCache implements ResponseCache {
  private static final long serialVersionUID = 1L;

  /** How long a writer waits for another connection's write to finish before failing. */
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  private static final Object OPENING = new Object();

  // A String, as Path is not serializable.
  private final String file;
  private transient Connection connection;
  private transient GroupCommitWriter writer;
  private transient SqliteLedger ledger;

  SqliteCache(Path file) {
    this.file = file.toString();
  }

  @Override
  public synchronized Optional<ApiResponse> get(String key) {
    try (PreparedStatement select =
        connection().prepareStatement("SELECT response FROM responses WHERE key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(ApiResponseJson.fromJson(row.getString(1)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "response cache " + file + ": the entry for key " + key + " cannot be read", e);
    }
  }

  /** The JSON stored under the key with {@link #putEntry}, in the same table as the answers. */
  @Override
  public synchronized Optional<String> getEntry(String key) {
    try (PreparedStatement select =
        connection().prepareStatement("SELECT response FROM responses WHERE key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Queues the JSON for the cache's writer, as an answer; completes when it is committed. */
  @Override
  public CompletableFuture<Void> putEntry(String key, String json) {
    return writer().submit(key, json);
  }

  /**
   * Stores the answer, replacing any under the same key, and returns when it is committed; failed
   * answers are not stored.
   */
  @Override
  public void put(String key, ApiResponse response) {
    try {
      putAsync(key, response).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof SQLException sql
          ? failure(sql)
          : new IllegalStateException(
              "response cache " + file + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Queues the answer for the cache's writer, which commits every answer waiting in one
   * transaction; completes when this one is committed.
   */
  @Override
  public CompletableFuture<Void> putAsync(String key, ApiResponse response) {
    if (response.isError()) {
      return CompletableFuture.completedFuture(null);
    }
    return writer().submit(key, ApiResponseJson.toJson(response));
  }

  /** Batches noted in the same file, in table {@code batch_keys}. */
  @Override
  public synchronized BatchLedger batchLedger() {
    if (ledger == null) {
      ledger = new SqliteLedger(file, this::openGuarded);
    }
    return ledger;
  }

  private synchronized GroupCommitWriter writer() {
    if (writer == null) {
      writer = new GroupCommitWriter(new Writes(), "beamllm-sqlite-writer " + file);
    }
    return writer;
  }

  /**
   * The writer's side: its own connection (opened on first use, reopened after a failure), one
   * transaction per group.
   */
  private final class Writes implements GroupCommitWriter.Store {
    private Connection connection;

    @Override
    public void write(List<GroupCommitWriter.Entry> group) throws SQLException {
      if (connection == null) {
        connection = openGuarded();
      }
      Connection c = connection;
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR REPLACE INTO responses (key, response, created_at) VALUES (?, ?, ?)")) {
        for (GroupCommitWriter.Entry e : group) {
          insert.setString(1, e.key());
          insert.setString(2, e.json());
          insert.setLong(3, e.createdAt());
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

    @Override
    public void reset() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException ignored) {
          // Closing a broken connection; the next group opens a new one.
        }
        connection = null;
      }
    }
  }

  private Connection openGuarded() throws SQLException {
    synchronized (OPENING) {
      return open();
    }
  }

  /**
   * The connection, opened (and the table created) on first use; the caller holds the lock. Opens
   * are serialized in this JVM: connections opening a new file at once race to switch it to WAL,
   * and SQLite then fails one of them deleting a journal the other already deleted.
   */
  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = openGuarded();
    }
    return connection;
  }

  private Connection open() throws SQLException {
    createParentDirectories();
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // In WAL mode NORMAL keeps every commit through a crash of the process (kill -9) and only
    // skips the fsync per commit, which capped a checkpointed job at about a thousand answers/s.
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    Connection opened = config.createConnection("jdbc:sqlite:" + file);
    try (Statement s = opened.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, created_at INTEGER)");
      s.executeUpdate(
          "CREATE TABLE IF NOT EXISTS batch_keys (key TEXT PRIMARY KEY, pending TEXT NOT NULL)");
    } catch (SQLException e) {
      opened.close();
      throw e;
    }
    return opened;
  }

  private void createParentDirectories() {
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IllegalStateException("response cache " + file + ": cannot create " + parent, e);
    }
  }

  private IllegalStateException failure(SQLException e) {
    return new IllegalStateException("response cache " + file + ": " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "SqliteCache{" + file + "}";
  }
}

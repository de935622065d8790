package dev.beamllm.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BatchLedger} in the SQLite file of a {@link SqliteCache}: table {@code batch_keys}, one
 * row per request key naming its batch. It writes through its own connection, one transaction per
 * call, so a batch is noted durably before the client waits for it.
 */
final class SqliteLedger implements BatchLedger {
  /** Keys per statement: well under SQLite's limit of bound parameters. */
  private static final int CHUNK = 500;

  /** Opens a connection to the cache's file, its tables created. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final String file;
  private final Opener opener;
  private Connection connection;

  SqliteLedger(String file, Opener opener) {
    this.file = file;
    this.opener = opener;
  }

  @Override
  public synchronized void submitted(Pending batch, Collection<String> keys) {
    try {
      Connection c = connection();
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement("INSERT OR REPLACE INTO batch_keys (key, pending) VALUES (?, ?)")) {
        for (String key : keys) {
          insert.setString(1, key);
          insert.setString(2, batch.stored());
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
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized Map<String, Pending> pending(Collection<String> keys) {
    Map<String, Pending> found = new HashMap<>();
    try {
      for (List<String> chunk : chunks(keys)) {
        try (PreparedStatement select =
            connection()
                .prepareStatement(
                    "SELECT key, pending FROM batch_keys WHERE key IN ("
                        + "?,".repeat(chunk.size() - 1)
                        + "?)")) {
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 1, chunk.get(i));
          }
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              Pending p = Pending.parse(rows.getString(2));
              if (p != null) {
                found.put(rows.getString(1), p);
              }
            }
          }
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return found;
  }

  @Override
  public synchronized void forget(Collection<String> keys) {
    try {
      for (List<String> chunk : chunks(keys)) {
        try (PreparedStatement delete =
            connection()
                .prepareStatement(
                    "DELETE FROM batch_keys WHERE key IN ("
                        + "?,".repeat(chunk.size() - 1)
                        + "?)")) {
          for (int i = 0; i < chunk.size(); i++) {
            delete.setString(i + 1, chunk.get(i));
          }
          delete.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static List<List<String>> chunks(Collection<String> keys) {
    List<String> all = new ArrayList<>(keys);
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return chunks;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = opener.open();
    }
    return connection;
  }

  private IllegalStateException failure(SQLException e) {
    // The connection may be broken: the next call opens a new one.
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // Already broken.
    }
    connection = null;
    return new IllegalStateException("batch ledger in " + file + ": " + e.getMessage(), e);
  }
}

package dev.beamllm.tool.prefab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.Description;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.Tools;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The SQL tools' code: the query and the schema, each on a connection of its own. */
final class SqlOps implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Cancels statements past their timeout: not every driver honours {@link
   * Statement#setQueryTimeout} (SQLite's does not while a query computes), and a tool call the
   * {@link dev.beamllm.tool.ToolSet} gave up on would otherwise keep its thread and connection.
   */
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "beamllm-sql-timeout");
            t.setDaemon(true);
            return t;
          });

  /** SQLite's {@code SQLITE_OPEN_READONLY} open flag. */
  private static final String SQLITE_OPEN_READONLY = "1";

  private final SqlTools config;

  SqlOps(SqlTools config) {
    this.config = config;
  }

  /** Arguments of {@code query}. */
  record QueryArgs(
      @Description(
              "One read-only SQL query: a single SELECT, WITH ... SELECT or EXPLAIN statement, in"
                  + " the database's dialect.")
          String sql) {}

  /** Arguments of {@code schema}. */
  record SchemaArgs(
      @Description(
              "Only tables and views whose name contains this text (any case); absent for all.")
          Optional<String> table) {}

  List<ExecutableTool> tools() {
    String n = config.name();
    return List.of(
        Tools.function(
            n + "_query",
            "Run one read-only SQL query (SELECT, WITH ... SELECT or EXPLAIN; nothing that writes)"
                + " on the database and get its rows, "
                + (config.format() == RowFormat.TABLE
                    ? "as a table: a header of column names, then one line per row, cells"
                        + " separated by ' | ', NULL for null"
                    : "as JSON lines: one JSON object per row")
                + ". At most "
                + config.maxRows()
                + " rows are returned; aggregate or filter in SQL rather than reading many rows."
                + " Use "
                + n
                + "_schema first to see the tables.",
            QueryArgs.class,
            this::query),
        Tools.function(
            n + "_schema",
            "List the database's tables and views with their columns and types, one per line.",
            SchemaArgs.class,
            this::schema));
  }

  ToolOutput query(QueryArgs a) {
    String statement;
    try {
      statement = ReadOnlySql.check(a.sql());
    } catch (ReadOnlySql.NotAQuery e) {
      return ToolOutput.error("the query was not run: " + e.getMessage());
    }
    List<String> secrets = secretsQuietly();
    try (Connection c = connect()) {
      AtomicBoolean cancelled = new AtomicBoolean();
      try (Statement s = c.createStatement()) {
        int seconds = (int) Math.max(1, (config.queryTimeout().toMillis() + 999) / 1000);
        s.setQueryTimeout(seconds);
        s.setMaxRows(config.maxRows() + 1);
        s.setFetchSize(Math.min(config.maxRows() + 1, 1000));
        ScheduledFuture<?> watchdog =
            WATCHDOG.schedule(
                () -> {
                  cancelled.set(true);
                  try {
                    s.cancel();
                  } catch (SQLException | RuntimeException e) {
                    // The driver cannot cancel: its own timeout, if any, is all there is.
                  }
                },
                config.queryTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try (ResultSet rs = s.executeQuery(statement)) {
          return ToolOutput.text(config.format() == RowFormat.TABLE ? table(rs) : jsonLines(rs));
        } catch (SQLException e) {
          if (cancelled.get() || e instanceof SQLTimeoutException) {
            return ToolOutput.error(
                "the query ran past its timeout of "
                    + config.queryTimeout().toMillis()
                    + " ms and was cancelled; make it cheaper (filter, aggregate, LIMIT)");
          }
          return ToolOutput.error(
              "the query failed: " + JdbcSecrets.scrub(e.getMessage(), config.url(), secrets));
        } finally {
          watchdog.cancel(false);
          rollback(c);
        }
      }
    } catch (Unusable e) {
      return ToolOutput.error(e.getMessage());
    } catch (SQLException e) {
      return ToolOutput.error(
          "the query failed: " + JdbcSecrets.scrub(e.getMessage(), config.url(), secrets));
    }
  }

  ToolOutput schema(SchemaArgs a) {
    String filter = FilesystemOps.or(a.table(), null);
    String lowerFilter = filter == null ? null : filter.toLowerCase(Locale.ROOT);
    try (Connection c = connect()) {
      try {
        DatabaseMetaData md = c.getMetaData();
        List<String[]> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
          while (rs.next()) {
            String name = rs.getString("TABLE_NAME");
            if (lowerFilter == null || name.toLowerCase(Locale.ROOT).contains(lowerFilter)) {
              tables.add(
                  new String[] {
                    rs.getString("TABLE_CAT"),
                    rs.getString("TABLE_SCHEM"),
                    name,
                    rs.getString("TABLE_TYPE")
                  });
            }
          }
        }
        if (tables.isEmpty()) {
          return ToolOutput.text(
              filter == null ? "no tables" : "no table or view name contains '" + filter + "'");
        }
        tables.sort(
            Comparator.comparing((String[] t) -> t[1] == null ? "" : t[1])
                .thenComparing(t -> t[2]));
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String[] t : tables) {
          String line = describe(md, t);
          if (out.length() + line.length() + 1 > config.maxOutputChars()) {
            out.append("\n(first ").append(shown).append(" of ").append(tables.size());
            out.append(" tables shown; ask for fewer with 'table')");
            break;
          }
          out.append(shown == 0 ? "" : "\n").append(line);
          shown++;
        }
        return ToolOutput.text(out.toString());
      } finally {
        rollback(c);
      }
    } catch (Unusable e) {
      return ToolOutput.error(e.getMessage());
    } catch (SQLException e) {
      return ToolOutput.error(
          "reading the schema failed: "
              + JdbcSecrets.scrub(e.getMessage(), config.url(), secretsQuietly()));
    }
  }

  /** {@code table name: column TYPE, column TYPE NOT NULL, ...} */
  private static String describe(DatabaseMetaData md, String[] table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rs = md.getColumns(table[0], table[1], table[2], "%")) {
      while (rs.next()) {
        // The name is a pattern: '_' may match another table's name, which is skipped here.
        if (!table[2].equals(rs.getString("TABLE_NAME"))) {
          continue;
        }
        String column = rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME");
        if ("NO".equals(rs.getString("IS_NULLABLE"))) {
          column += " NOT NULL";
        }
        columns.add(column);
      }
    }
    String type = "VIEW".equalsIgnoreCase(table[3]) ? "view " : "table ";
    String name = table[1] == null || table[1].isEmpty() ? table[2] : table[1] + "." + table[2];
    return type + name + ": " + String.join(", ", columns);
  }

  private String table(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> header = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      header.add(cell(md.getColumnLabel(i)));
    }
    StringBuilder out = new StringBuilder(String.join(" | ", header));
    int rows = 0;
    while (rs.next()) {
      if (rows == config.maxRows()) {
        return out + moreRows(rows);
      }
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        cells.add(cell(value(rs, i)));
      }
      String line = String.join(" | ", cells);
      if (out.length() + line.length() + 1 > config.maxOutputChars()) {
        return out + fullOutput(rows);
      }
      out.append('\n').append(line);
      rows++;
    }
    return out.append("\n(").append(rows).append(rows == 1 ? " row)" : " rows)").toString();
  }

  private String jsonLines(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String key = md.getColumnLabel(i);
      // Two columns of one name (a join's ids) keep both values.
      keys.add(keys.contains(key) ? key + "_" + i : key);
    }
    StringBuilder out = new StringBuilder();
    int rows = 0;
    while (rs.next()) {
      if (rows == config.maxRows()) {
        return out + moreRows(rows);
      }
      ObjectNode row = Json.object();
      for (int i = 1; i <= n; i++) {
        Object v = value(rs, i);
        String key = keys.get(i - 1);
        if (v == null) {
          row.putNull(key);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
          row.put(key, ((Number) v).intValue());
        } else if (v instanceof Long l) {
          row.put(key, l);
        } else if (v instanceof Double d && Double.isFinite(d)) {
          row.put(key, d);
        } else if (v instanceof Float f && Float.isFinite(f)) {
          row.put(key, f);
        } else if (v instanceof BigDecimal b) {
          row.put(key, b);
        } else if (v instanceof BigInteger b) {
          row.put(key, b);
        } else if (v instanceof Boolean b) {
          row.put(key, b);
        } else {
          row.put(key, cut(v.toString()));
        }
      }
      String line = Json.write(row);
      if (out.length() + line.length() + 1 > config.maxOutputChars()) {
        return out + fullOutput(rows);
      }
      out.append(rows == 0 ? "" : "\n").append(line);
      rows++;
    }
    return out.append(rows == 0 ? "" : "\n")
        .append("(")
        .append(rows)
        .append(rows == 1 ? " row)" : " rows)")
        .toString();
  }

  private String moreRows(int rows) {
    return "\n(first "
        + rows
        + " rows shown; the query has more: filter, aggregate or add a LIMIT to see the rest)";
  }

  private String fullOutput(int rows) {
    return "\n(first "
        + rows
        + " row"
        + (rows == 1 ? "" : "s")
        + " shown: the output reached its limit of "
        + config.maxOutputChars()
        + " characters; select fewer columns or rows)";
  }

  /** A value as it should be shown: null, a number or boolean, a blob's size, or text. */
  private static Object value(ResultSet rs, int column) throws SQLException {
    Object v = rs.getObject(column);
    if (v instanceof byte[] b) {
      return "<" + b.length + " bytes>";
    }
    if (v instanceof java.sql.Clob || v instanceof java.sql.SQLXML) {
      return rs.getString(column);
    }
    if (v instanceof java.sql.Blob b) {
      return "<" + b.length() + " bytes>";
    }
    return v;
  }

  private String cell(Object v) {
    if (v == null) {
      return "NULL";
    }
    String s =
        cut(v.toString())
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
            .replace("|", "\\|");
    return s;
  }

  private String cut(String s) {
    return s.length() <= config.maxCellChars() ? s : s.substring(0, config.maxCellChars()) + "…";
  }

  /** A connection that can only read, or why there is none. */
  Connection connect() throws Unusable, SQLException {
    Properties props = new Properties();
    if (config.user() != null) {
      props.setProperty("user", config.user());
    }
    if (config.passwordVariable() != null) {
      String password = System.getenv(config.passwordVariable());
      if (password == null) {
        throw new Unusable(
            "the database password is not set on this machine (environment variable "
                + config.passwordVariable()
                + "); nothing was run");
      }
      props.setProperty("password", password);
    }
    if (config.url().startsWith("jdbc:sqlite:")) {
      // SQLite's driver cannot make an open connection read-only: open it so.
      props.setProperty("open_mode", SQLITE_OPEN_READONLY);
    }
    Connection c = DriverManager.getConnection(config.url(), props);
    try {
      c.setReadOnly(true);
      if (!c.isReadOnly()) {
        throw new SQLException("the driver ignored setReadOnly(true)");
      }
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw new Unusable(
          "the database refused a read-only connection, so nothing was run: "
              + JdbcSecrets.scrub(e.getMessage(), config.url(), secretsQuietly()));
    }
  }

  /** The password of the URL and of the environment, to scrub from messages. */
  private List<String> secrets() {
    List<String> secrets = new ArrayList<>(JdbcSecrets.passwords(config.url()));
    if (config.passwordVariable() != null) {
      String password = System.getenv(config.passwordVariable());
      if (password != null && !password.isEmpty()) {
        secrets.add(0, password);
      }
    }
    return secrets;
  }

  private List<String> secretsQuietly() {
    try {
      return secrets();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void rollback(Connection c) {
    try {
      // Whatever a query did is undone: the last of the read-only guards.
      c.rollback();
    } catch (SQLException e) {
      // The connection is closed next anyway.
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // Nothing to do: it was never used.
    }
  }

  /** A database the tool cannot use safely, with why, for the model. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message);
    }
  }
}

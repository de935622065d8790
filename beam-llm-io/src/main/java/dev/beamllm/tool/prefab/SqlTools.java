package dev.beamllm.tool.prefab;

import dev.beamllm.tool.ExecutableTool;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Read-only SQL over a JDBC URL: {@code <name>_query} runs one query and returns its rows as a
 * compact table or JSON lines, cut at {@link #withMaxRows max rows} and {@link #withMaxOutputChars
 * max characters} with a note saying so; {@code <name>_schema} lists the tables and views with
 * their columns, from the driver's {@link java.sql.DatabaseMetaData}.
 *
 * <pre>{@code
 * ToolSet tools = ToolSet.of(PrefabTools.sql("jdbc:sqlite:/data/shop.db").withMaxRows(50).tools());
 * ToolSet pg = ToolSet.of(PrefabTools.sql("jdbc:postgresql://db:5432/shop")
 *     .withUser("reader").withPasswordFromEnv("SHOP_DB_PASSWORD").tools());
 * }</pre>
 *
 * <p><b>Read-only, three times over.</b> The text must be a single {@code SELECT}, {@code WITH} or
 * {@code EXPLAIN} statement with no word that writes (checked before any connection is made; the
 * model reads why when it is not); the connection is {@link java.sql.Connection#setReadOnly
 * read-only} (for SQLite, opened read-only, as its driver cannot switch an open connection) and a
 * driver that refuses that runs nothing; and the transaction is rolled back after the query
 * whatever happened. Give it a database user that can only read, still: a function with side
 * effects inside a {@code SELECT} is beyond any text check. Each call has a {@link
 * #withQueryTimeout timeout}, enforced by cancelling the statement, for drivers that ignore {@link
 * java.sql.Statement#setQueryTimeout}.
 *
 * <p><b>Secrets.</b> A password in the URL is never shown: not by {@link #toString}, {@link
 * #redactedUrl} or any error the model reads (driver messages are scrubbed of the URL and the
 * password). It does travel with the tools when they are serialized (to Beam workers); {@link
 * #withPasswordFromEnv} keeps it out of the serialized form, read on the machine that runs the
 * query. A connection is opened per call (JDBC drivers are found through {@link
 * java.sql.DriverManager}), which suits agents' few, slow calls; immutable and serializable.
 */
public final class SqlTools implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rows a query returns at most, unless set. */
  public static final int DEFAULT_MAX_ROWS = 100;

  /** How long a query may run, unless set. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

  /** Characters of one value shown at most, unless set. */
  public static final int DEFAULT_MAX_CELL_CHARS = 200;

  /** Characters of one result at most, unless set. */
  public static final int DEFAULT_MAX_OUTPUT_CHARS = 20_000;

  private final String url;
  private final String name;
  private final String user;
  private final String passwordVariable;
  private final int maxRows;
  private final long queryTimeoutMillis;
  private final RowFormat format;
  private final int maxCellChars;
  private final int maxOutputChars;

  private SqlTools(
      String url,
      String name,
      String user,
      String passwordVariable,
      int maxRows,
      long queryTimeoutMillis,
      RowFormat format,
      int maxCellChars,
      int maxOutputChars) {
    this.url = url;
    this.name = name;
    this.user = user;
    this.passwordVariable = passwordVariable;
    this.maxRows = maxRows;
    this.queryTimeoutMillis = queryTimeoutMillis;
    this.format = format;
    this.maxCellChars = maxCellChars;
    this.maxOutputChars = maxOutputChars;
  }

  /** See {@link PrefabTools#sql}. */
  static SqlTools at(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:") || jdbcUrl.length() <= "jdbc:".length()) {
      throw new IllegalArgumentException(
          "jdbcUrl: must start with 'jdbc:', got '" + JdbcSecrets.mask(jdbcUrl) + "'");
    }
    return new SqlTools(
        jdbcUrl,
        "sql",
        null,
        null,
        DEFAULT_MAX_ROWS,
        DEFAULT_QUERY_TIMEOUT.toMillis(),
        RowFormat.TABLE,
        DEFAULT_MAX_CELL_CHARS,
        DEFAULT_MAX_OUTPUT_CHARS);
  }

  /**
   * The prefix of the tools' names ({@code <prefix>_query}, {@code <prefix>_schema}), to tell two
   * databases apart; {@code sql} unless set.
   *
   * @param prefix 1-40 letters, digits, {@code _} or {@code -}
   */
  public SqlTools withName(String prefix) {
    return new SqlTools(
        url,
        PrefabNames.checkPrefix(prefix),
        user,
        passwordVariable,
        maxRows,
        queryTimeoutMillis,
        format,
        maxCellChars,
        maxOutputChars);
  }

  /** The database user, passed to the driver as the {@code user} property. */
  public SqlTools withUser(String user) {
    Objects.requireNonNull(user, "user");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("user: must not be empty");
    }
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        maxRows,
        queryTimeoutMillis,
        format,
        maxCellChars,
        maxOutputChars);
  }

  /**
   * Reads the password from this environment variable on the machine that runs the query, each time
   * it connects, and passes it as the {@code password} property; the password itself is never held
   * here. A call when the variable is unset ends with an error result naming it.
   *
   * @param variable letters, digits and {@code _}, not starting with a digit
   */
  public SqlTools withPasswordFromEnv(String variable) {
    Objects.requireNonNull(variable, "variable");
    if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "passwordVariable: must be letters, digits and _, not starting with a digit, got '"
              + variable
              + "'");
    }
    return new SqlTools(
        url,
        name,
        user,
        variable,
        maxRows,
        queryTimeoutMillis,
        format,
        maxCellChars,
        maxOutputChars);
  }

  /** The most rows a query returns (1 to 10,000); more are cut with a note. */
  public SqlTools withMaxRows(int rows) {
    if (rows < 1 || rows > 10_000) {
      throw new IllegalArgumentException("maxRows: must be between 1 and 10000, got " + rows);
    }
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        rows,
        queryTimeoutMillis,
        format,
        maxCellChars,
        maxOutputChars);
  }

  /**
   * How long a query may run, reading its rows included (100 ms to 1 hour); past it the statement
   * is cancelled and the model told so.
   */
  public SqlTools withQueryTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofMillis(100)) < 0
        || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "queryTimeout: must be between 100 ms and 1 hour, got " + timeout);
    }
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        maxRows,
        timeout.toMillis(),
        format,
        maxCellChars,
        maxOutputChars);
  }

  /** How rows are shown: {@link RowFormat#TABLE} unless set. */
  public SqlTools withFormat(RowFormat format) {
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        maxRows,
        queryTimeoutMillis,
        Objects.requireNonNull(format, "format"),
        maxCellChars,
        maxOutputChars);
  }

  /** The most characters of one value shown (10 to 100,000); longer ones are cut with {@code …}. */
  public SqlTools withMaxCellChars(int chars) {
    if (chars < 10 || chars > 100_000) {
      throw new IllegalArgumentException(
          "maxCellChars: must be between 10 and 100000, got " + chars);
    }
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        maxRows,
        queryTimeoutMillis,
        format,
        chars,
        maxOutputChars);
  }

  /**
   * The most characters of one result (1,000 to 1,000,000); rows past it are left out with a note.
   */
  public SqlTools withMaxOutputChars(int chars) {
    if (chars < 1000 || chars > 1_000_000) {
      throw new IllegalArgumentException(
          "maxOutputChars: must be between 1000 and 1000000, got " + chars);
    }
    return new SqlTools(
        url,
        name,
        user,
        passwordVariable,
        maxRows,
        queryTimeoutMillis,
        format,
        maxCellChars,
        chars);
  }

  /** The JDBC URL with any password in it replaced by {@code ***}. */
  public String redactedUrl() {
    return JdbcSecrets.mask(url);
  }

  /** The prefix of the tools' names. */
  public String name() {
    return name;
  }

  /** The most rows a query returns. */
  public int maxRows() {
    return maxRows;
  }

  /** How long a query may run. */
  public Duration queryTimeout() {
    return Duration.ofMillis(queryTimeoutMillis);
  }

  /** How rows are shown. */
  public RowFormat format() {
    return format;
  }

  /** The most characters of one value shown. */
  public int maxCellChars() {
    return maxCellChars;
  }

  /** The most characters of one result. */
  public int maxOutputChars() {
    return maxOutputChars;
  }

  /** The tools: {@code <name>_query} and {@code <name>_schema}. */
  public List<ExecutableTool> tools() {
    return new SqlOps(this).tools();
  }

  /** The URL as given, password included: for this package's connection code only. */
  String url() {
    return url;
  }

  /** The user, or null. */
  String user() {
    return user;
  }

  /** The password's environment variable, or null. */
  String passwordVariable() {
    return passwordVariable;
  }

  @Override
  public String toString() {
    return "SqlTools{url="
        + redactedUrl()
        + ", name="
        + name
        + (user == null ? "" : ", user=" + user)
        + (passwordVariable == null ? "" : ", password from $" + passwordVariable)
        + ", maxRows="
        + maxRows
        + ", queryTimeout="
        + queryTimeout()
        + ", format="
        + format
        + "}";
  }
}

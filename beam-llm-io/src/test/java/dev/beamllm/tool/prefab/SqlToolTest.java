package dev.beamllm.tool.prefab;

import static dev.beamllm.tool.prefab.PrefabCalls.assertError;
import static dev.beamllm.tool.prefab.PrefabCalls.assertResult;
import static dev.beamllm.tool.prefab.PrefabCalls.call;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The SQL tools through {@link ToolSet#run} against a real SQLite file: rows as a table and as JSON
 * lines, cut with a note, the schema, writes refused before and by the connection, the timeout, and
 * a password never shown.
 */
public class SqlToolTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  private String url;
  private ToolSet sql;

  @Before
  public void createDatabase() throws Exception {
    Path db = temp.getRoot().toPath().resolve("shop.db");
    url = "jdbc:sqlite:" + db;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "create table items (id integer primary key, name text not null, price real, note"
              + " text)");
      s.executeUpdate(
          "insert into items values (1, 'apple', 0.5, null), (2, 'pear', 0.75, 'ripe|soft'),"
              + " (3, 'fig', 2.0, 'line1\nline2')");
      s.executeUpdate("create view cheap as select name, price from items where price < 1");
    }
    sql = ToolSet.of(PrefabTools.sql(url).tools());
  }

  @Test
  public void theToolsAreNamedAndDescribedForTheModel() {
    assertEquals(
        List.of("sql_query", "sql_schema"), sql.definitions().stream().map(Tool::name).toList());
    Tool query = sql.get("sql_query").orElseThrow().definition();
    assertTrue(query.description(), query.description().contains("At most 100 rows"));
  }

  @Test
  public void aQueryReturnsACompactTable() {
    assertResult(
        "id | name | price\n1 | apple | 0.5\n2 | pear | 0.75\n3 | fig | 2.0\n(3 rows)",
        call(sql, "sql_query", "{\"sql\":\"select id, name, price from items order by id\"}"));
    assertResult(
        "name | note\napple | NULL\npear | ripe\\|soft\nfig | line1\\nline2\n(3 rows)",
        call(sql, "sql_query", "{\"sql\":\"select name, note from items order by id;\"}"));
    assertResult(
        "n\n2\n(1 row)",
        call(sql, "sql_query", "{\"sql\":\"-- how many\\nselect count(*) as n from cheap\"}"));
    assertResult(
        "id\n(0 rows)", call(sql, "sql_query", "{\"sql\":\"select id from items where 0\"}"));
  }

  @Test
  public void rowsPastTheLimitsAreCutWithANote() {
    ToolSet two = ToolSet.of(PrefabTools.sql(url).withMaxRows(2).tools());
    assertResult(
        "id\n1\n2\n(first 2 rows shown; the query has more: filter, aggregate or add a LIMIT to"
            + " see the rest)",
        call(two, "sql_query", "{\"sql\":\"select id from items order by id\"}"));
    ToolSet narrow =
        ToolSet.of(PrefabTools.sql(url).withMaxOutputChars(1000).withMaxCellChars(10).tools());
    String hundred =
        "with recursive n(i) as (select 1 union all select i + 1 from n limit 50)"
            + " select i, substr(hex(zeroblob(50)), 1, 100) as s from n";
    ToolResult cut = call(narrow, "sql_query", "{\"sql\":\"" + hundred + "\"}");
    assertResult("i | s\n1 | 0000000000…\n2 | 0000000000…\n3 | 0000000000…", firstLines(cut, 4));
    ToolSet wide = ToolSet.of(PrefabTools.sql(url).withMaxOutputChars(1000).tools());
    ToolResult full = call(wide, "sql_query", "{\"sql\":\"" + hundred + "\"}");
    assertTrue(
        full.text(),
        full.text()
            .endsWith(
                "\n9 | "
                    + "0".repeat(100)
                    + "\n(first 9 rows shown: the output reached its limit of 1000 characters;"
                    + " select fewer columns or rows)"));
  }

  @Test
  public void rowsAsJsonLines() {
    ToolSet json = ToolSet.of(PrefabTools.sql(url).withFormat(RowFormat.JSON_LINES).tools());
    assertResult(
        "{\"id\":1,\"name\":\"apple\",\"price\":0.5,\"note\":null}\n"
            + "{\"id\":2,\"name\":\"pear\",\"price\":0.75,\"note\":\"ripe|soft\"}\n"
            + "(2 rows)",
        call(json, "sql_query", "{\"sql\":\"select * from items where id < 3 order by id\"}"));
    assertResult(
        "{\"id\":1,\"id_2\":1}\n(1 row)",
        call(
            json,
            "sql_query",
            "{\"sql\":\"select a.id, b.id from items a, items b where a.id"
                + " = 1 and b.id = 1\"}"));
  }

  @Test
  public void theSchemaListsTablesAndViewsWithTheirColumns() {
    assertResult(
        "view cheap: name TEXT, price REAL\n"
            + "table items: id INTEGER, name TEXT NOT NULL, price REAL, note TEXT",
        call(sql, "sql_schema", "{}"));
    assertResult(
        "table items: id INTEGER, name TEXT NOT NULL, price REAL, note TEXT",
        call(sql, "sql_schema", "{\"table\":\"ITE\"}"));
    assertResult(
        "no table or view name contains 'orders'",
        call(sql, "sql_schema", "{\"table\":\"orders\"}"));
  }

  @Test
  public void writesAreRefusedBeforeTheyReachTheDatabase() throws Exception {
    String notRun = "the query was not run: ";
    assertError(
        notRun
            + "only a query may be run (SELECT, WITH ... SELECT or EXPLAIN), not a statement"
            + " starting with 'delete'",
        call(sql, "sql_query", "{\"sql\":\"delete from items\"}"));
    assertError(
        notRun + "only one statement may be run, and there is more after the ';' at character 9",
        call(sql, "sql_query", "{\"sql\":\"select 1; delete from items\"}"));
    assertError(
        notRun
            + "'drop' is not allowed: this tool runs read-only queries only (a column or table"
            + " named so must be quoted, like \"drop\")",
        call(sql, "sql_query", "{\"sql\":\"explain drop table items\"}"));
    assertEquals(3, count());
  }

  @Test
  public void theConnectionItselfCannotWrite() throws Exception {
    // The second guard, should a write ever pass the text check: the connection is read-only.
    try (Connection c = new SqlOps(PrefabTools.sql(url)).connect();
        Statement s = c.createStatement()) {
      assertTrue(c.isReadOnly());
      SQLException refused =
          assertThrows(SQLException.class, () -> s.executeUpdate("delete from items"));
      assertTrue(refused.getMessage(), refused.getMessage().contains("SQLITE_READONLY"));
    }
    assertEquals(3, count());
  }

  @Test
  public void aQueryPastItsTimeoutIsCancelled() {
    ToolSet quick =
        ToolSet.of(PrefabTools.sql(url).withQueryTimeout(Duration.ofMillis(300)).tools());
    long start = System.nanoTime();
    assertError(
        "the query ran past its timeout of 300 ms and was cancelled; make it cheaper (filter,"
            + " aggregate, LIMIT)",
        call(
            quick,
            "sql_query",
            "{\"sql\":\"with recursive n(i) as (select 1 union all select i + 1 from n)"
                + " select count(*) from n\"}"));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
  }

  @Test
  public void databaseErrorsAreShownToTheModel() {
    assertError(
        "the query failed: [SQLITE_ERROR] SQL error or missing database (no such table: orders)",
        call(sql, "sql_query", "{\"sql\":\"select * from orders\"}"));
    ToolSet missing =
        ToolSet.of(PrefabTools.sql("jdbc:sqlite:" + temp.getRoot() + "/none.db").tools());
    ToolResult r = call(missing, "sql_query", "{\"sql\":\"select 1\"}");
    assertTrue(r.text(), r.isError() && r.text().contains("SQLITE_CANTOPEN"));
    assertFalse(
        "a read-only open creates no file",
        temp.getRoot().toPath().resolve("none.db").toFile().exists());
  }

  @Test
  public void aPasswordInTheUrlIsNeverShown() {
    String secretUrl =
        "jdbc:nosuchdb://admin:s3cr%40t@db.example:5432/shop?password=s3cr%40t&ssl=true";
    SqlTools tools = PrefabTools.sql(secretUrl).withUser("reader");
    String masked = "jdbc:nosuchdb://admin:***@db.example:5432/shop?password=***&ssl=true";
    assertEquals(masked, tools.redactedUrl());
    assertEquals(
        "SqlTools{url="
            + masked
            + ", name=sql, user=reader, maxRows=100, queryTimeout=PT30S, format=TABLE}",
        tools.toString());
    ToolSet set = ToolSet.of(tools.tools());
    assertError(
        "the query failed: No suitable driver found for " + masked,
        call(set, "sql_query", "{\"sql\":\"select 1\"}"));
    assertError(
        "reading the schema failed: No suitable driver found for " + masked,
        call(set, "sql_schema", "{}"));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class, () -> PrefabTools.sql("postgres://u:s3cr3t@h/db"));
    assertEquals("jdbcUrl: must start with 'jdbc:', got 'postgres://u:***@h/db'", bad.getMessage());
  }

  @Test
  public void passwordsAreFoundInEveryUrlForm() {
    assertEquals(
        "jdbc:sqlserver://h:1433;databaseName=shop;password=***;encrypt=true",
        JdbcSecrets.mask("jdbc:sqlserver://h:1433;databaseName=shop;password=p@ss;encrypt=true"));
    assertEquals(
        "jdbc:oracle:thin:scott/***@db:1521/orcl",
        JdbcSecrets.mask("jdbc:oracle:thin:scott/tiger@db:1521/orcl"));
    assertEquals(
        "jdbc:mysql://u:***@h/db?PWD=***", JdbcSecrets.mask("jdbc:mysql://u:a/b@h/db?PWD=x"));
    assertEquals("jdbc:sqlite:/data/shop.db", JdbcSecrets.mask("jdbc:sqlite:/data/shop.db"));
    assertEquals("jdbc:postgresql://h:5432/db", JdbcSecrets.mask("jdbc:postgresql://h:5432/db"));
    String url = "jdbc:mysql://u:p%40ss@h/db";
    assertEquals(
        "login failed for *** at jdbc:mysql://u:***@h/db (***)",
        JdbcSecrets.scrub(
            "login failed for p@ss at " + url + " (p%40ss)", url, JdbcSecrets.passwords(url)));
  }

  @Test
  public void aPasswordFromTheEnvironmentIsReadWhereTheQueryRuns() {
    ToolSet set =
        ToolSet.of(
            PrefabTools.sql(url)
                .withUser("reader")
                .withPasswordFromEnv("BEAMLLM_TEST_UNSET_PASSWORD")
                .tools());
    assertError(
        "the database password is not set on this machine (environment variable"
            + " BEAMLLM_TEST_UNSET_PASSWORD); nothing was run",
        call(set, "sql_query", "{\"sql\":\"select 1\"}"));
  }

  @Test
  public void theToolsWorkAfterSerialization() {
    ToolSet copy = PrefabCalls.roundTrip(sql);
    assertResult(
        "n\n3\n(1 row)", call(copy, "sql_query", "{\"sql\":\"select count(*) n from items\"}"));
  }

  @Test
  public void settingsAreCheckedAtOnce() {
    SqlTools tools = PrefabTools.sql(url);
    assertEquals(
        "maxRows: must be between 1 and 10000, got 0",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxRows(0)).getMessage());
    assertEquals(
        "queryTimeout: must be between 100 ms and 1 hour, got PT0.05S",
        assertThrows(
                IllegalArgumentException.class, () -> tools.withQueryTimeout(Duration.ofMillis(50)))
            .getMessage());
    assertEquals(
        "maxCellChars: must be between 10 and 100000, got 9",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxCellChars(9)).getMessage());
    assertEquals(
        "maxOutputChars: must be between 1000 and 1000000, got 999",
        assertThrows(IllegalArgumentException.class, () -> tools.withMaxOutputChars(999))
            .getMessage());
    assertEquals(
        "passwordVariable: must be letters, digits and _, not starting with a digit, got '1PW'",
        assertThrows(IllegalArgumentException.class, () -> tools.withPasswordFromEnv("1PW"))
            .getMessage());
    assertEquals(
        List.of("shop_query", "shop_schema"),
        tools.withName("shop").tools().stream().map(t -> t.definition().name()).toList());
  }

  private int count() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs = c.createStatement().executeQuery("select count(*) from items")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static ToolResult firstLines(ToolResult r, int n) {
    String[] lines = r.text().split("\n", -1);
    return ToolResult.of(r.callId(), String.join("\n", List.of(lines).subList(0, n)));
  }
}

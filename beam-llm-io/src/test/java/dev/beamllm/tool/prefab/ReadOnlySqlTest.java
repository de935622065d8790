package dev.beamllm.tool.prefab;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** The check that an SQL text is one read-only query: what passes, what is refused and why. */
public class ReadOnlySqlTest {
  @Test
  public void queriesPass() {
    for (String sql :
        List.of(
            "SELECT 1",
            "  select 1 ; ",
            "select 1;;",
            "(select 1) union (select 2)",
            "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
            "with recursive n(i) as (select 1 union all select i + 1 from n) select * from n",
            "EXPLAIN QUERY PLAN SELECT * FROM items",
            "select 'delete; drop' as s",
            "select 'it''s' as s",
            "select \"update\", `insert` from t",
            "select replace(name, 'a', 'b') from items",
            "select REPLACE (name, 'a', 'b') from items",
            "select 1 -- drop table t;\n",
            "select /* insert; */ 1",
            "-- leading comment\nselect 1",
            "select updated_at, created_by, deleted from t",
            "select * from t fetch first 5 rows only")) {
      assertEquals(sql, Optional.empty(), ReadOnlySql.refusal(sql));
    }
  }

  @Test
  public void theStatementRunIsFromItsFirstWordToItsLast() throws Exception {
    assertEquals("select 1", ReadOnlySql.check("-- why\n  select 1 ; -- done\n"));
    assertEquals("select 'a;b'", ReadOnlySql.check("select 'a;b';"));
  }

  @Test
  public void writesAndSecondStatementsAreRefusedWithTheReason() {
    assertRefused("insert into t values (1)", notAQuery("insert"));
    assertRefused("PRAGMA table_info(t)", notAQuery("PRAGMA"));
    assertRefused("replace into t values (1)", notAQuery("replace"));
    assertRefused("attach database 'x.db' as x", notAQuery("attach"));
    assertRefused(
        "select 1; delete from t",
        "only one statement may be run, and there is more after the ';' at character 9");
    assertRefused("with d as (delete from t returning *) select * from d", notAllowed("delete"));
    assertRefused("select * into t2 from t", notAllowed("into"));
    assertRefused("with x as (select 1) replace into t select * from x", notAllowed("replace"));
    assertRefused("select * from t for update", notAllowed("update"));
    assertRefused("explain analyze delete from t", notAllowed("delete"));
    assertRefused("select load_extension('/tmp/evil.so')", notAllowed("load_extension"));
    assertRefused("", "the SQL text is empty");
    assertRefused(";", "the SQL text holds no statement");
    assertRefused("((", "the SQL text holds no statement");
    assertRefused("select 'unclosed", "a string starting at character 8 is not closed");
    assertRefused("select \"unclosed", "a quoted name starting at character 8 is not closed");
    assertRefused("/* select 1", "a /* comment is not closed");
    assertRefused(
        "select 1 /*! ; delete from t */",
        "MySQL executable comments (/*! ... */) are not allowed");
    assertTrue(
        ReadOnlySql.refusal("x".repeat(ReadOnlySql.MAX_CHARS + 1))
            .orElseThrow()
            .endsWith("characters, more than 100000"));
  }

  @Test
  public void whereDialectsDisagreeBothReadingsMustPass() {
    // With backslash escapes (MySQL) the string ends at the second quote and a DELETE follows;
    // without, it hides the DELETE. Refused either way.
    assertRefused(
        "select 'a\\'' ; delete from t; -- '",
        "only one statement may be run, and there is more after the ';' at character 14");
    // MySQL reads '--x' as two minus signs, not a comment: the text after it is code.
    assertRefused(
        "select 1 --1;delete from t",
        "only one statement may be run, and there is more after the ';' at character 13");
    // '#' is a comment only in MySQL: what follows is lexed as code.
    assertRefused(
        "select 1 # ; drop table t",
        "only one statement may be run, and there is more after the ';' at character 12");
    // $$ quoting is PostgreSQL's only: what it holds is lexed as code.
    assertRefused(
        "select $$;delete from t$$",
        "only one statement may be run, and there is more after the ';' at character 10");
  }

  private static String notAQuery(String word) {
    return "only a query may be run (SELECT, WITH ... SELECT or EXPLAIN), not a statement starting"
        + " with '"
        + word
        + "'";
  }

  private static String notAllowed(String word) {
    return "'"
        + word
        + "' is not allowed: this tool runs read-only queries only (a column or table named so"
        + " must be quoted, like \""
        + word
        + "\")";
  }

  private static void assertRefused(String sql, String why) {
    assertEquals(
        sql,
        why,
        assertThrows(sql, ReadOnlySql.NotAQuery.class, () -> ReadOnlySql.check(sql)).getMessage());
  }
}

package dev.beamllm.tool.prefab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The check that an SQL text is one query and nothing else, before it reaches a read-only
 * connection: a single {@code SELECT}, {@code WITH} or {@code EXPLAIN} statement, with no word that
 * writes (a data-modifying {@code WITH}, {@code SELECT ... INTO}, {@code EXPLAIN ANALYZE DELETE})
 * and no second statement after a {@code ;}.
 *
 * <p>It is a lexer, not a parser, and is built to err on the side of refusing: quoted strings,
 * quoted identifiers and comments are skipped as SQL dialects agree on them, and where they
 * disagree the text is lexed both ways and must pass both. Backslash escapes (MySQL, PostgreSQL's
 * {@code E'...'}) are one such case: a string that ends in one reading and not in the other could
 * hide a statement. A {@code --} comment counts only when a space follows, as in MySQL; other forms
 * are lexed as code ({@code #} comments, {@code [bracketed]} names, {@code $$} quoting), so what
 * they hold must pass too. MySQL's executable comments {@code /*! ... *}{@code /} are refused. The
 * read-only connection stays the real guard (a database user with read rights only is better
 * still); this check keeps the obvious writes from even reaching it and names them for the model.
 */
final class ReadOnlySql {
  private ReadOnlySql() {}

  /** The longest SQL text accepted. */
  static final int MAX_CHARS = 100_000;

  /** Words that start a query. */
  private static final Set<String> QUERY_STARTS = Set.of("SELECT", "WITH", "EXPLAIN");

  /**
   * Words that write, change the schema or the session, or reach outside the database: refused
   * anywhere in the text outside strings, quoted names and comments.
   */
  private static final Set<String> FORBIDDEN =
      Set.of(
          "INSERT",
          "UPDATE",
          "DELETE",
          "MERGE",
          "UPSERT",
          "CREATE",
          "DROP",
          "ALTER",
          "TRUNCATE",
          "RENAME",
          "GRANT",
          "REVOKE",
          "ATTACH",
          "DETACH",
          "PRAGMA",
          "VACUUM",
          "REINDEX",
          "COPY",
          "CALL",
          "EXEC",
          "EXECUTE",
          "INTO",
          "LOCK",
          "COMMIT",
          "ROLLBACK",
          "SAVEPOINT",
          "LOAD_EXTENSION",
          "LO_IMPORT",
          "LO_EXPORT",
          "PG_READ_FILE",
          "PG_READ_BINARY_FILE",
          "PG_LS_DIR",
          "PG_TERMINATE_BACKEND",
          "PG_CANCEL_BACKEND",
          "DBLINK",
          "DBLINK_EXEC",
          "SET_CONFIG");

  /** A word, or a single character of punctuation, with where it starts and ends. */
  private record Token(String text, boolean word, int start, int end) {}

  /** A text that is not one query, with why, for the model. */
  static final class NotAQuery extends Exception {
    private static final long serialVersionUID = 1L;

    NotAQuery(String message) {
      super(message);
    }
  }

  /**
   * The statement to run: the text from its first word to its last, leading and trailing comments
   * and trailing semicolons left out.
   *
   * @throws NotAQuery when it is not one read-only query
   */
  static String check(String sql) throws NotAQuery {
    if (sql == null || sql.isBlank()) {
      throw new NotAQuery("the SQL text is empty");
    }
    if (sql.length() > MAX_CHARS) {
      throw new NotAQuery(
          "the SQL text has " + sql.length() + " characters, more than " + MAX_CHARS);
    }
    List<Token> standard = lex(sql, false);
    List<Token> backslashes = lex(sql, true);
    checkTokens(standard);
    checkTokens(backslashes);
    int end = 0;
    for (Token t : standard) {
      if (!t.text().equals(";")) {
        end = t.end();
      }
    }
    return sql.substring(standard.get(0).start(), end);
  }

  private static void checkTokens(List<Token> tokens) throws NotAQuery {
    int last = tokens.size() - 1;
    while (last >= 0 && tokens.get(last).text().equals(";")) {
      last--;
    }
    if (last < 0) {
      throw new NotAQuery("the SQL text holds no statement");
    }
    for (int i = 0; i <= last; i++) {
      if (tokens.get(i).text().equals(";")) {
        throw new NotAQuery(
            "only one statement may be run, and there is more after the ';' at character "
                + (tokens.get(i).start() + 1));
      }
    }
    Token first = null;
    for (Token t : tokens) {
      if (!t.text().equals("(")) {
        first = t;
        break;
      }
    }
    if (first == null) {
      throw new NotAQuery("the SQL text holds no statement");
    }
    String start = first.word() ? first.text().toUpperCase(Locale.ROOT) : first.text();
    if (!QUERY_STARTS.contains(start)) {
      throw new NotAQuery(
          "only a query may be run (SELECT, WITH ... SELECT or EXPLAIN), not a statement"
              + " starting with '"
              + first.text()
              + "'");
    }
    for (int i = 0; i <= last; i++) {
      Token t = tokens.get(i);
      if (!t.word()) {
        continue;
      }
      String upper = t.text().toUpperCase(Locale.ROOT);
      boolean forbidden = FORBIDDEN.contains(upper);
      // REPLACE is a string function everywhere, and a write (REPLACE INTO) in MySQL and SQLite.
      if (upper.equals("REPLACE")) {
        forbidden = i == last || !tokens.get(i + 1).text().equals("(");
      }
      if (forbidden) {
        throw new NotAQuery(
            "'"
                + t.text()
                + "' is not allowed: this tool runs read-only queries only (a column or table"
                + " named so must be quoted, like \""
                + t.text().toLowerCase(Locale.ROOT)
                + "\")");
      }
    }
  }

  /** The words and punctuation of the text, strings, quoted names and comments left out. */
  private static List<Token> lex(String sql, boolean backslashEscapes) throws NotAQuery {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-'
          && i + 1 < n
          && sql.charAt(i + 1) == '-'
          && (i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2)))) {
        while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        if (i + 2 < n && sql.charAt(i + 2) == '!') {
          throw new NotAQuery("MySQL executable comments (/*! ... */) are not allowed");
        }
        int close = sql.indexOf("*/", i + 2);
        if (close < 0) {
          throw new NotAQuery("a /* comment is not closed");
        }
        i = close + 2;
      } else if (c == '\'' || c == '"' || c == '`') {
        int end = closing(sql, i, c, backslashEscapes && c != '`');
        if (end < 0) {
          throw new NotAQuery(
              (c == '\'' ? "a string" : "a quoted name")
                  + " starting at character "
                  + (i + 1)
                  + " is not closed");
        }
        // A quoted name is a word that is never a keyword; a string is a value.
        tokens.add(new Token(c == '\'' ? "'" : "\"", false, i, end + 1));
        i = end + 1;
      } else if (isWordChar(c)) {
        int start = i;
        while (i < n && isWordChar(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(sql.substring(start, i), true, start, i));
      } else {
        tokens.add(new Token(String.valueOf(c), false, i, i + 1));
        i++;
      }
    }
    return tokens;
  }

  /** Where the quote opened at {@code open} closes (a doubled quote is one character), or -1. */
  private static int closing(String sql, int open, char quote, boolean backslashEscapes) {
    int n = sql.length();
    int i = open + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i;
        }
      } else {
        i++;
      }
    }
    return -1;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** Why {@code sql} would be refused, or empty when it is one read-only query. */
  static Optional<String> refusal(String sql) {
    try {
      check(sql);
      return Optional.empty();
    } catch (NotAQuery e) {
      return Optional.of(e.getMessage());
    }
  }
}

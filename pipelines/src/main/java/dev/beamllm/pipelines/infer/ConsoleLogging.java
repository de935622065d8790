package dev.beamllm.pipelines.infer;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a user sees on the console: the job's progress and summary, our own warnings, and the
 * runner's log lines only from ERROR up, unless {@code --verbose}. Errors end as one line.
 */
final class ConsoleLogging {
  // JUL keeps loggers weakly: hold ours so their levels stay set.
  private static Logger root;
  private static Logger ours;
  private static boolean quietInstalled;

  private ConsoleLogging() {}

  /** Sets the levels; call before any logger is created (slf4j-simple reads its settings once). */
  static synchronized void configure(boolean verbose) {
    if (verbose) {
      // System properties win over simplelogger.properties, which keeps the console quiet.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    root = Logger.getLogger("");
    root.setLevel(verbose ? Level.INFO : Level.SEVERE);
    ours = Logger.getLogger("dev.beamllm");
    ours.setLevel(verbose ? Level.INFO : Level.WARNING);
    if (!quietInstalled) {
      Thread.setDefaultUncaughtExceptionHandler(
          quietAtFlinkExit(Thread.getDefaultUncaughtExceptionHandler()));
      quietInstalled = true;
    }
  }

  /**
   * A handler of uncaught errors that passes over one: Pekko's JVM shutdown hook, run by Flink's
   * local cluster at exit, loading a class (Pekko's own, or the Scala library Flink's RPC loader
   * bundles with it) from a class loader Flink has already closed (FLINK-32314 tells the same race
   * inside Flink). The job is over and its output written by then; the stack trace would only
   * alarm. Every other error goes to {@code next}, or is printed as the JVM would.
   */
  static Thread.UncaughtExceptionHandler quietAtFlinkExit(Thread.UncaughtExceptionHandler next) {
    return (thread, error) -> {
      String missing = String.valueOf(error.getMessage());
      if (thread.getName().startsWith("flink-shutdown-hook")
          && error instanceof NoClassDefFoundError
          && (missing.startsWith("org/apache/pekko/") || missing.startsWith("scala/"))) {
        return;
      }
      if (next != null) {
        next.uncaughtException(thread, error);
      } else {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        error.printStackTrace(System.err);
      }
    };
  }

  /**
   * An error in one line: a setting's own message as it is; otherwise the deepest cause (where a
   * runner's wrapping ends), named by its type when it is not ours.
   */
  static String oneLine(Throwable t) {
    if (t instanceof JobSettings.BadSetting
        || (t.getCause() == null
            && t.getMessage() != null
            && (t instanceof IllegalArgumentException || t instanceof IllegalStateException))) {
      return firstLine(t.getMessage());
    }
    Throwable deepest = t;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String message = deepest.getMessage();
    if (message == null || message.isBlank()) {
      return deepest.getClass().getSimpleName();
    }
    boolean ours = deepest.getClass().getName().startsWith("dev.beamllm.");
    return (ours ? "" : deepest.getClass().getSimpleName() + ": ") + firstLine(message);
  }

  /**
   * Why a JSON or YAML file does not parse, in a user's words: where (line and column) and what, or
   * null when no parser error is among the causes.
   */
  static String parseProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof com.fasterxml.jackson.core.JsonProcessingException p) {
        var at = p.getLocation();
        String where =
            at != null && at.getLineNr() > 0
                ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": "
                : "";
        return where + firstLine(String.valueOf(p.getOriginalMessage()));
      }
    }
    return null;
  }

  /** The exception's own message, first line only (no cause, no type). */
  static String oneLineOf(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).strip();
  }
}

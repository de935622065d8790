package dev.beamllm.pipelines.infer;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the main job the way its tests need: in this JVM, or as a child JVM (to be killed), with a
 * fake provider's URL; reads what it wrote.
 */
final class JobRunner {
  private JobRunner() {}

  /** What a run printed and returned. */
  record Run(int code, String out, String err) {
    long summary(String label) {
      Matcher m = Pattern.compile("(?m)^  " + label + "\\s+([\\d,]+)").matcher(out);
      assertTrue("the summary has '" + label + "':\n" + out + "\nstderr:\n" + err, m.find());
      return Long.parseLong(m.group(1).replace(",", ""));
    }

    double summaryCost() {
      Matcher m = Pattern.compile("(?m)^  cost\\s+\\$([\\d.]+)").matcher(out);
      assertTrue("the summary has a cost:\n" + out, m.find());
      return Double.parseDouble(m.group(1));
    }

    String all() {
      return "stdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** Runs the job in this JVM. */
  static Run runHere(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchInference.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code BatchInference.main} in a child JVM, its console going to two files in {@code
   * dir}.
   */
  static Process startChild(Path dir, String name, List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                BatchInference.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(dir.resolve(name + ".stdout").toFile())
        .redirectError(dir.resolve(name + ".stderr").toFile())
        .start();
  }

  /** Runs {@code BatchInference.main} in a child JVM to its end. */
  static Run runChild(Path dir, String name, List<String> args, Duration timeout) throws Exception {
    Process p = startChild(dir, name, args);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            name
                + ": the job did not end within "
                + timeout
                + "\n"
                + new Run(
                        -1,
                        Files.readString(dir.resolve(name + ".stdout")),
                        Files.readString(dir.resolve(name + ".stderr")))
                    .all());
      }
    } finally {
      // Also when the test's own timeout interrupts the wait: no job outlives its test.
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve(name + ".stdout")),
        Files.readString(dir.resolve(name + ".stderr")));
  }

  static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(Json.parse(line));
      }
    }
    return out;
  }

  static Map<String, JsonNode> byId(List<JsonNode> rows) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode r : rows) {
      assertTrue("one line per id: " + r, out.put(r.get("id").asText(), r) == null);
    }
    return out;
  }

  /** The rows of the checkpoint's {@code responses} table. */
  static long checkpointRows(Path db) throws Exception {
    assertTrue("the checkpoint exists beside the output: " + db, Files.exists(db));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM responses")) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }

  /** A file of {@code n} rows with unique prompts, ids {@code prefix0000...}. */
  static Path uniqueRows(Path dir, String prefix, int n) throws IOException {
    List<String> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"%s%04d\",\"prompt\":\"question number %d about %s\"}",
              prefix,
              i,
              i,
              prefix));
    }
    Path input = dir.resolve("prompts.jsonl");
    Files.write(input, rows, StandardCharsets.UTF_8);
    return input;
  }

  static List<String> baseArgs(Path dir, Path input, String fakeUrl) {
    return new ArrayList<>(
        List.of(
            "--input=" + input,
            "--fakeProviderUrl=" + fakeUrl,
            "--progress=none",
            "--output=" + dir.resolve("answers.jsonl"),
            "--failures=" + dir.resolve("failures.jsonl"),
            "--runner=DirectRunner"));
  }

  static int freePortWithNothingListening() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

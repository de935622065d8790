package dev.beamllm.pipelines.bench;

import dev.beamllm.pipelines.infer.BatchInference;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 15's extraction benchmark: {@code ./run.sh extract} (the main job with {@code
 * --task=extract}, {@code LlmIO.extract()} inside) on generated invoice documents against the fake
 * provider, side by side in each round with the plain job ({@code --task=complete}) on the same
 * rows: rows per second, requests sent and the repair rate. One document in twenty carries the
 * fake's {@code INVALID_JSON} rule (a broken first answer, fixed by the repair turn) and one in two
 * hundred {@code ALWAYS_INVALID} (still invalid after it: a failure row).
 */
public final class ExtractBench {
  private static final String MODEL = "gpt-4.1-mini";
  private static final Pattern REPAIRED = Pattern.compile("repaired\\s+([\\d,]+) rows?");

  private ExtractBench() {}

  /** One job's figures. */
  record Run(double seconds, long requests, long rows, long failures, long repaired) {}

  /**
   * {@code --rows} (10,000), {@code --runs} (3), {@code --latency} (100ms), {@code --schema}
   * (testdata/extract/invoice.schema.json), {@code --out}.
   */
  public static void main(String[] args) throws Exception {
    int rows = 10_000;
    int runs = 3;
    Duration latency = Duration.ofMillis(100);
    Path schema = Path.of("testdata/extract/invoice.schema.json");
    Path out = Path.of("target/bench-extract.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--latency" ->
            latency = Duration.ofMillis(Long.parseLong(args[++i].replace("ms", "")));
        case "--schema" -> schema = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.isRegularFile(schema)) {
      throw new IllegalArgumentException("no schema at " + schema + " (run from the repository)");
    }
    Path dir = Files.createTempDirectory("bench-extract");
    Path input = dir.resolve("invoices.jsonl");
    Files.write(input, documents(rows), StandardCharsets.UTF_8);
    List<Run> extract = new ArrayList<>();
    List<Run> plain = new ArrayList<>();
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(latency))
            .recordRequests(false)
            .start()) {
      for (int r = 0; r < runs; r++) {
        extract.add(
            job(fake, dir.resolve("extract-" + r), input, "--task=extract", "--schema=" + schema));
        plain.add(job(fake, dir.resolve("plain-" + r), input, "--task=complete"));
        System.err.printf(
            Locale.ROOT,
            "round %d: extract %.1f s (%,d requests, %,d repaired), plain %.1f s%n",
            r + 1,
            extract.get(r).seconds(),
            extract.get(r).requests(),
            extract.get(r).repaired(),
            plain.get(r).seconds());
      }
    }
    String report = report(extract, plain, rows, latency, schema);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println(report);
  }

  /** Invoice-like documents; every 20th asks for a broken first answer, every 200th for no fix. */
  static List<String> documents(int rows) {
    String[] vendors = {"Blue Harbor Supplies", "Northwind Traders", "Kestrel Logistics"};
    String[] currencies = {"EUR", "USD", "GBP"};
    List<String> lines = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      String rule = i % 200 == 199 ? "ALWAYS_INVALID " : i % 20 == 19 ? "INVALID_JSON " : "";
      lines.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"d%06d\",\"prompt\":\"%sExtract the invoice fields. Invoice %d from %s,"
                  + " dated 2024-%02d-%02d: %d items of stationery, total %s %d.%02d, %s.\"}",
              i,
              rule,
              10_000 + i,
              vendors[i % vendors.length],
              1 + i % 12,
              1 + i % 28,
              1 + i % 40,
              currencies[i % currencies.length],
              20 + i % 900,
              i % 100,
              i % 3 == 0 ? "paid" : "due in 30 days"));
    }
    return lines;
  }

  private static Run job(FakeProviderServer fake, Path outDir, Path input, String... task)
      throws IOException {
    fake.reset();
    List<String> job =
        new ArrayList<>(
            List.of(
                "--models=" + MODEL,
                "--input=" + input,
                "--fakeProviderUrl=" + fake.baseUrl(),
                "--progress=none",
                "--checkpoint=" + outDir.resolve("checkpoint.db"),
                "--output=" + outDir.resolve("rows.jsonl"),
                "--failures=" + outDir.resolve("failures.jsonl")));
    job.addAll(List.of(task));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code =
        BatchInference.run(
            job.toArray(String[]::new),
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - t0) / 1e9;
    String printed = stdout.toString(StandardCharsets.UTF_8);
    if (code != 0) {
      throw new IllegalStateException(
          "the job failed:\n" + printed + stderr.toString(StandardCharsets.UTF_8));
    }
    Matcher m = REPAIRED.matcher(printed);
    long repaired = m.find() ? Long.parseLong(m.group(1).replace(",", "")) : 0;
    return new Run(
        seconds,
        fake.stats().received(),
        lines(outDir.resolve("rows.jsonl")),
        lines(outDir.resolve("failures.jsonl")),
        repaired);
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var l = Files.lines(file)) {
      return l.count();
    }
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v[v.length / 2];
  }

  private static String report(
      List<Run> extract, List<Run> plain, int rows, Duration latency, Path schema) {
    Run e =
        extract.stream()
            .sorted(Comparator.comparingDouble(Run::seconds))
            .toList()
            .get(extract.size() / 2);
    double plainSeconds = median(plain, Run::seconds);
    double plainRequests = median(plain, Run::requests);
    StringBuilder md =
        new StringBuilder("## Structured extraction: LlmIO.extract() in the main job\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench extract --rows %d --runs %d` (`./run.sh extract --schema %s`"
                + " on %,d generated invoice documents to %s, side by side in each round with the"
                + " plain job on the same rows; embedded Flink runner; the fake provider answering"
                + " each request in %d ms; no limits; a fresh checkpoint each run). One document in"
                + " 20 gets a broken first answer (the fake's `INVALID_JSON`: fixed by the repair"
                + " turn), one in 200 an answer that never fits (`ALWAYS_INVALID`: a failure after"
                + " its repair turn). Medians of %d rounds.%n%n",
            rows,
            extract.size(),
            schema,
            rows,
            MODEL,
            latency.toMillis(),
            extract.size()));
    md.append(
        "| job | wall time | rows/s | requests sent | rows written | failures | repair rate |\n"
            + "|---|---|---|---|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| extract | %.1f s | %,.0f | %,d | %,d | %,d | %.1f%% |%n",
            e.seconds(),
            rows / e.seconds(),
            e.requests(),
            e.rows(),
            e.failures(),
            100.0 * e.repaired() / rows));
    md.append(
        String.format(
            Locale.ROOT,
            "| plain (no schema) | %.1f s | %,.0f | %,.0f | | | |%n",
            plainSeconds,
            rows / plainSeconds,
            plainRequests));
    md.append(
        String.format(
            Locale.ROOT,
            "%nExtraction took %.2f× the plain job's time. Rounds (extract / plain): ",
            e.seconds() / plainSeconds));
    for (int i = 0; i < extract.size(); i++) {
      md.append(
          String.format(
              Locale.ROOT,
              "%s%.1f / %.1f s",
              i > 0 ? ", " : "",
              extract.get(i).seconds(),
              plain.get(i).seconds()));
    }
    md.append(
        ". The extra time is the second stage: the repair turns (a second request after the"
            + " first answer, for one row in 20) run once the first answers are checked, and every"
            + " answer is checked against the schema.\n");
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }
}

package dev.beamllm.pipelines.bench;

import dev.beamllm.pipelines.infer.BatchInference;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import java.io.ByteArrayOutputStream;
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

/**
 * Issue 15's embedding benchmark: {@code ./run.sh embed} (the main job with {@code --task=embed},
 * {@code LlmIO.embed()} inside) on generated texts against the fake provider answering in a fixed
 * time: wall time, texts per second, the requests the provider received and the batching factor
 * (texts per request).
 */
public final class EmbedBench {
  private static final String MODEL = "text-embedding-3-small";

  private EmbedBench() {}

  /** One run's figures. */
  record Run(double seconds, long requests, long texts, long outputBytes) {}

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** {@code --rows} (100,000), {@code --runs} (3), {@code --latency} (100ms), {@code --out}. */
  public static void main(String[] args) throws Exception {
    int rows = 100_000;
    int runs = 3;
    Duration latency = Duration.ofMillis(100);
    Path out = Path.of("target/bench-embed.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--latency" ->
            latency = Duration.ofMillis(Long.parseLong(args[++i].replace("ms", "")));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("bench-embed");
    Path input = dir.resolve("texts.jsonl");
    List<String> lines = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      lines.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"t%06d\",\"prompt\":\"Product review %d: the parcel came late but the"
                  + " blender works well and the price was fair.\"}",
              i,
              i));
    }
    Files.write(input, lines, StandardCharsets.UTF_8);
    List<Run> done = new ArrayList<>();
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(latency))
            .recordRequests(false)
            .start()) {
      for (int r = 0; r < runs; r++) {
        fake.reset();
        Path outDir = dir.resolve("run-" + r);
        String[] job = {
          "--task=embed",
          "--models=" + MODEL,
          "--input=" + input,
          "--fakeProviderUrl=" + fake.baseUrl(),
          "--progress=none",
          "--checkpoint=" + outDir.resolve("checkpoint.db"),
          "--output=" + outDir.resolve("embeddings.jsonl"),
          "--failures=" + outDir.resolve("failures.jsonl")
        };
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code =
            BatchInference.run(
                job,
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
          throw new IllegalStateException(
              "the job failed:\n" + stdout.toString(StandardCharsets.UTF_8));
        }
        long written;
        long bytes = Files.size(outDir.resolve("embeddings.jsonl"));
        try (var lines1 = Files.lines(outDir.resolve("embeddings.jsonl"))) {
          written = lines1.count();
        }
        // Each run writes a gigabyte or more of vectors as JSON: gone before the next.
        deleteTree(outDir);
        Run run = new Run(seconds, fake.stats().received(), written, bytes);
        System.err.printf(
            Locale.ROOT,
            "run %d: %.1f s, %,d texts, %,d requests (%.0f texts a request)%n",
            r + 1,
            seconds,
            written,
            run.requests(),
            (double) written / run.requests());
        done.add(run);
      }
    }
    String report = report(done, rows, latency);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println(report);
  }

  private static String report(List<Run> runs, int rows, Duration latency) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::seconds));
    Run m = sorted.get(sorted.size() / 2);
    StringBuilder md = new StringBuilder("## Embeddings: LlmIO.embed() in the main job\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench embed --rows %d --runs %d` (`./run.sh embed` on %,d"
                + " generated texts to %s, on the embedded Flink runner, against the fake provider"
                + " answering each request in %d ms; no limits; a fresh checkpoint each run). Median"
                + " of %d runs.%n%n",
            rows,
            runs.size(),
            rows,
            MODEL,
            latency.toMillis(),
            runs.size()));
    md.append(
        "| texts | wall time | texts/s | requests sent | texts a request |\n|---|---|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| %,d | %.1f s | %,.0f | %,d | %.0f |%n",
            m.texts(),
            m.seconds(),
            m.texts() / m.seconds(),
            m.requests(),
            (double) m.texts() / m.requests()));
    md.append("\nEvery run: ");
    for (int i = 0; i < runs.size(); i++) {
      md.append(String.format(Locale.ROOT, "%s%.1f s", i > 0 ? ", " : "", runs.get(i).seconds()));
    }
    md.append(
        ". A request carries up to OpenAI's documented 2,048 inputs (and 300,000 tokens); a"
            + " bundle's texts are started in groups of 2,048, so the factor is set by the bundle"
            + " sizes the runner gives. With 1,536 floats a text, the time goes to making,"
            + " encoding, decoding and writing the vectors as JSON (the fake's answers and the"
            + " output file), not to waiting on requests.\n");
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }
}

package dev.beamllm.pipelines.bench;

import dev.beamllm.pipelines.infer.BatchInference;
import dev.beamllm.redis.RedisUri;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 14's batch benchmark: the main job on one file of rows, {@code --mode=online} and then
 * {@code --mode=batch}, side by side in each round, against one fake provider with an online
 * latency and a requests/min limit like a modest account's and a batch completion time. Wall time,
 * the HTTP calls the provider received, the batches created, and the cost the job reported, whose
 * ratio should be the providers' 50%.
 */
public final class BatchApiBench {
  private static final String MODEL = "gpt-4.1-mini";
  private static final Pattern COST = Pattern.compile("(?m)^  cost\\s+\\$([\\d.]+)");

  private BatchApiBench() {}

  /** One job's figures. */
  record Run(String mode, double seconds, long calls, long modelCalls, long batches, double cost) {}

  /**
   * {@code --rows} (10,000), {@code --rounds} (3), {@code --rpm} (6,000), {@code --latency}
   * (200ms), {@code --completion} (20s, the fake's batch completion time), {@code --out} the
   * report.
   */
  public static void main(String[] args) throws Exception {
    int rows = 10_000;
    int rounds = 3;
    long rpm = 6_000;
    Duration latency = Duration.ofMillis(200);
    Duration completion = Duration.ofSeconds(20);
    Path out = Path.of("target/bench-batch-api.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--rpm" -> rpm = Long.parseLong(args[++i]);
        case "--latency" -> latency = RedisUri.duration(args[++i], "--latency");
        case "--completion" -> completion = RedisUri.duration(args[++i], "--completion");
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("bench-batch-api");
    Path input = dir.resolve("prompts.jsonl");
    List<String> lines = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      lines.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"r%06d\",\"prompt\":\"Classify support message %d: my parcel %d is late"
                  + " and nobody answers the phone.\"}",
              i,
              i,
              i));
    }
    Files.write(input, lines, StandardCharsets.UTF_8);
    List<Run> online = new ArrayList<>();
    List<Run> batch = new ArrayList<>();
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(latency))
            .requestsPerMinute(rpm)
            .batchCompletion(completion)
            .requestLogCapacity(rows * 2)
            .start()) {
      for (int r = 0; r < rounds; r++) {
        online.add(run(fake, dir, input, "online", r, rpm));
        batch.add(run(fake, dir, input, "batch", r, rpm));
      }
    }
    String report = report(online, batch, rows, rpm, latency, completion);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println(report);
  }

  private static Run run(
      FakeProviderServer fake, Path dir, Path input, String mode, int round, long rpm)
      throws Exception {
    fake.reset();
    Path outDir = dir.resolve(mode + "-" + round);
    String[] args = {
      "--input=" + input,
      "--fakeProviderUrl=" + fake.baseUrl(),
      "--models=" + MODEL,
      "--mode=" + mode,
      "--rpm=" + rpm,
      "--maxConcurrent=512",
      "--progress=none",
      "--output=" + outDir.resolve("answers.jsonl"),
      "--failures=" + outDir.resolve("failures.jsonl")
    };
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code =
        BatchInference.run(
            args,
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - t0) / 1e9;
    String printed = stdout.toString(StandardCharsets.UTF_8);
    if (code != 0) {
      throw new IllegalStateException(
          mode
              + " run failed ("
              + code
              + "):\n"
              + printed
              + stderr.toString(StandardCharsets.UTF_8));
    }
    Matcher cost = COST.matcher(printed);
    if (!cost.find()) {
      throw new IllegalStateException("no cost in the summary:\n" + printed);
    }
    List<RecordedRequest> calls = fake.requests();
    long modelCalls = calls.stream().filter(c -> c.path().endsWith("/chat/completions")).count();
    Run run =
        new Run(
            mode,
            seconds,
            calls.size(),
            modelCalls,
            fake.batchesCreated(),
            Double.parseDouble(cost.group(1)));
    System.err.printf(
        Locale.ROOT,
        "%s round %d: %.1f s, %d calls (%d chat completions), %d batches, $%.4f%n",
        mode,
        round + 1,
        run.seconds(),
        run.calls(),
        run.modelCalls(),
        run.batches(),
        run.cost());
    return run;
  }

  private static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::seconds));
    return sorted.get(sorted.size() / 2);
  }

  private static String report(
      List<Run> online,
      List<Run> batch,
      int rows,
      long rpm,
      Duration latency,
      Duration completion) {
    Run on = median(online);
    Run b = median(batch);
    StringBuilder md = new StringBuilder("## Online vs. the providers' batch APIs\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench batch-api --rows %d --rounds %d` (the main job on %,d rows to"
                + " %s, `--mode=online` then `--mode=batch` in each of %d rounds, on the"
                + " embedded Flink runner (the job's default) against one fake provider answering online in %d ms under %,d"
                + " requests/min and completing each batch %d s after it is created; the default"
                + " `--batchMaxRequests=10000`). Medians by wall time; calls are every HTTP request"
                + " the provider received (file upload, batch create, polls and result downloads in"
                + " batch mode).%n%n",
            rows,
            online.size(),
            rows,
            MODEL,
            online.size(),
            latency.toMillis(),
            rpm,
            completion.toSeconds()));
    md.append(
        "| mode | wall time | HTTP calls | of them chat completions | batches | cost reported |"
            + " of the online cost |\n|---|---|---|---|---|---|---|\n");
    for (Run r : List.of(on, b)) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f s | %,d | %,d | %d | $%.4f | **%.2f** |%n",
              r.mode(),
              r.seconds(),
              r.calls(),
              r.modelCalls(),
              r.batches(),
              r.cost(),
              r.cost() / on.cost()));
    }
    md.append("\nEvery round: ");
    for (int i = 0; i < online.size(); i++) {
      md.append(
          String.format(
              Locale.ROOT,
              "%s%.1f s online / %.1f s batch",
              i > 0 ? "; " : "",
              online.get(i).seconds(),
              batch.get(i).seconds()));
    }
    md.append(
        ". Expected: the batch cost is half the online cost (OpenAI's documented 50% batch"
            + " discount); the batch wall time is the completion time plus submitting and reading"
            + " the results, whatever the rows/min limit, while online it is bound by the limit.\n");
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }
}

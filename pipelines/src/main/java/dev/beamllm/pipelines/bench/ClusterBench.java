package dev.beamllm.pipelines.bench;

import dev.beamllm.pipelines.cluster.FlinkSessionCluster;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import dev.beamllm.testing.RedisServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./run.sh bench cluster}: issue 12 point 5, the cluster bullet. The main job on the Flink
 * session cluster (a JobManager and two TaskManagers of 2 slots, JVMs of their own) at parallelism
 * 4, against one fake provider whose quota is {@value #RPM} requests per minute, three ways on the
 * same input: the quota shared through Redis ({@code --sharedLimits}), each worker JVM given the
 * full quota (what users without shared limits get), and the static split ({@code --limitShares=2},
 * one share per TaskManager). For each: the steady rate at the provider as a fraction of the quota,
 * its 429s and the job's wall time.
 *
 * <p>The steady rate is measured from the provider's accepted requests per second. Its bucket, like
 * every provider's, starts full, so the first {@value #RPM} requests may go at once; the first full
 * bucket is spent at the second in which the accepted total reaches {@value #RPM}. From ten seconds
 * after that to ten seconds before the last accepted request, the series is cut into 10-second
 * windows; the steady rate is the median window's requests per minute over the quota. Ten seconds
 * on each side keep out the end of the burst and the job's tail, where fewer rows are left than the
 * quota could send.
 */
public final class ClusterBench {
  private static final long RPM = 6000;
  private static final int WINDOW_SECONDS = 10;
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration SAMPLE = Duration.ofMillis(500);
  private static final Duration LATENCY_MEDIAN = Duration.ofMillis(400);
  private static final double LATENCY_SIGMA = 0.5;

  /** The three ways the job is given the quota, in the order they run. */
  private static final Map<String, List<String>> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("shared through Redis (--sharedLimits)", List.of("--sharedLimits=REDIS"));
    SETTINGS.put("full limit per worker (no sharing)", List.of());
    SETTINGS.put("static split (--limitShares=2)", List.of("--limitShares=2"));
  }

  private ClusterBench() {}

  /**
   * Runs the three settings {@code --runs} times (default 1), each run side by side, on {@code
   * --rows} generated rows (default 18,000), and writes a Markdown report to {@code --out}.
   */
  public static void main(String[] args) throws Exception {
    int runs = 1;
    int rows = 18_000;
    Path out = Path.of("target/bench-cluster.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String jar = System.getProperty("java.class.path");
    if (jar.contains(File.pathSeparator) || !jar.endsWith(".jar")) {
      throw new IllegalStateException(
          "run from the shaded jar (./run.sh bench cluster): the cluster and the jobs run it");
    }
    Path work = Path.of("target", "bench-cluster").toAbsolutePath();
    deleteTree(work);
    Files.createDirectories(work);
    Path input = work.resolve("prompts.jsonl");
    writeRows(input, rows);

    Map<String, List<Result>> results = new LinkedHashMap<>();
    SETTINGS.keySet().forEach(k -> results.put(k, new ArrayList<>()));
    FlinkSessionCluster cluster =
        FlinkSessionCluster.in(work.resolve("cluster"))
            .withClasspath(jar)
            .withStartTimeout(Duration.ofMinutes(3));
    // Ctrl-C must not leave the cluster's JVMs running; Redis and the fake go with this JVM.
    Thread stopCluster = new Thread(() -> stopQuietly(cluster), "bench-cluster-stop");
    Runtime.getRuntime().addShutdownHook(stopCluster);
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake =
            FakeProviderServer.builder()
                .host("127.0.0.1")
                .requestsPerMinute(RPM)
                .latency(FakeLatency.logNormal(LATENCY_MEDIAN, LATENCY_SIGMA))
                .keyless(true)
                .recordRequests(false)
                .start()) {
      warmUp(fake);
      FlinkSessionCluster.Status status = cluster.start();
      System.err.println(
          "cluster at "
              + status.flinkMaster()
              + ": "
              + status.registered().size()
              + " TaskManagers, "
              + status.slots()
              + " slots; fake provider at "
              + fake.baseUrl()
              + "; redis at "
              + redis.uri());
      for (int run = 1; run <= runs; run++) {
        int i = 0;
        for (Map.Entry<String, List<String>> setting : SETTINGS.entrySet()) {
          i++;
          // Every setting starts from a full provider bucket and an empty Redis.
          redis.command("FLUSHALL");
          fake.reset();
          List<String> flags = new ArrayList<>();
          for (String f : setting.getValue()) {
            flags.add(f.replace("REDIS", redis.uri()));
          }
          Result r =
              runJob(
                  jar,
                  status.flinkMaster(),
                  fake,
                  input,
                  rows,
                  work.resolve("run-" + run + "-" + i),
                  "bench-cluster-" + run + "-" + i,
                  flags);
          results.get(setting.getKey()).add(r);
          System.err.printf(Locale.ROOT, "run %d, %s: %s%n", run, setting.getKey(), r.describe());
        }
      }
    } finally {
      stopQuietly(cluster);
      try {
        Runtime.getRuntime().removeShutdownHook(stopCluster);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs now and stops the cluster.
      }
    }
    String md = report(results, runs, rows);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    System.out.println(md);
  }

  /** One job's figures. */
  record Result(
      double steady,
      int windows,
      long accepted,
      long received,
      long rateLimited,
      long steadyRateLimited,
      long steadyRequests,
      double wallSeconds,
      double sendingSeconds,
      long answered,
      long failed) {

    double share429() {
      return received == 0 ? 0 : (double) rateLimited / received;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "steady %s of %,d/min (%d windows), %,d × 429 of %,d requests (%.2f%%; in the steady"
              + " phase %,d of %,d), wall %.0f s (sending %.0f s), %,d answered, %,d failed",
          Double.isNaN(steady) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", steady * 100),
          RPM,
          windows,
          rateLimited,
          received,
          share429() * 100,
          steadyRateLimited,
          steadyRequests,
          wallSeconds,
          sendingSeconds,
          answered,
          failed);
    }
  }

  private static Result runJob(
      String jar,
      String flinkMaster,
      FakeProviderServer fake,
      Path input,
      int rows,
      Path dir,
      String jobName,
      List<String> flags)
      throws Exception {
    Files.createDirectories(dir);
    Path answers = dir.resolve("answers.jsonl");
    Path failures = dir.resolve("failures.jsonl");
    Path log = dir.resolve("job.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(FlinkSessionCluster.jvmFlags());
    command.addAll(
        List.of(
            "-cp",
            jar,
            "dev.beamllm.pipelines.infer.BatchInference",
            "--input=" + input,
            "--fakeProviderUrl=" + fake.baseUrl(),
            "--runner=FlinkRunner",
            "--flinkMaster=" + flinkMaster,
            "--parallelism=4",
            "--rpm=" + RPM,
            // The limits alone are measured: no answer may come from a checkpoint.
            "--checkpoint=none",
            "--jobName=" + jobName,
            "--output=" + answers,
            "--failures=" + failures,
            "--progress=lines"));
    command.addAll(flags);
    long start = System.nanoTime();
    Process job =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // The provider counts 429s in total only: sampling its counters tells when they came.
    List<Sample> samples = new ArrayList<>();
    try {
      long deadline = start + JOB_TIMEOUT.toNanos();
      while (!job.waitFor(SAMPLE.toMillis(), TimeUnit.MILLISECONDS)) {
        FakeServerStats now = fake.stats();
        samples.add(new Sample(System.nanoTime(), now.accepted(), now.rateLimited()));
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the job did not end within " + JOB_TIMEOUT + "; see " + log);
        }
      }
    } finally {
      if (job.isAlive()) {
        job.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (job.exitValue() != 0) {
      throw new IllegalStateException("the job failed (exit " + job.exitValue() + "); see " + log);
    }
    FakeServerStats stats = fake.stats();
    long answered = lines(answers);
    long failed = lines(failures);
    if (answered + failed != rows) {
      throw new IllegalStateException(
          answered + " answers and " + failed + " failures for " + rows + " rows; see " + log);
    }
    long[] perSecond = stats.acceptedPerSecond();
    int last = perSecond.length - 1;
    while (last >= 0 && perSecond[last] == 0) {
      last--;
    }
    // The series behind the figures, for a second look.
    StringBuilder series = new StringBuilder();
    for (int i = 0; i <= last; i++) {
      series.append(i).append(' ').append(perSecond[i]).append('\n');
    }
    Files.writeString(dir.resolve("accepted-per-second.txt"), series);
    Steady steady = steady(perSecond, last);
    long[] steady429 = steady429(samples, stats.accepted());
    return new Result(
        steady.fraction,
        steady.windows,
        stats.accepted(),
        stats.received(),
        stats.rateLimited(),
        steady429[0],
        steady429[1],
        wall,
        last + 1,
        answered,
        failed);
  }

  /**
   * The steady rate over the quota (NaN when no window fits) and the windows it is the median of.
   */
  record Steady(double fraction, int windows) {}

  /**
   * The median 10-second window's rate over the quota, from ten seconds after the first full bucket
   * was spent to ten seconds before the last accepted second ({@code last}); NaN when the job was
   * too short for one window.
   */
  static Steady steady(long[] perSecond, int last) {
    long total = 0;
    int spent = -1;
    for (int i = 0; i <= last; i++) {
      total += perSecond[i];
      if (total >= RPM) {
        spent = i;
        break;
      }
    }
    if (spent < 0) {
      return new Steady(Double.NaN, 0);
    }
    int from = spent + WINDOW_SECONDS;
    int to = last - WINDOW_SECONDS; // exclusive
    List<Double> windows = new ArrayList<>();
    for (int w = from; w + WINDOW_SECONDS <= to; w += WINDOW_SECONDS) {
      long sum = 0;
      for (int i = w; i < w + WINDOW_SECONDS; i++) {
        sum += perSecond[i];
      }
      windows.add(sum * (60.0 / WINDOW_SECONDS) / RPM);
    }
    if (windows.isEmpty()) {
      return new Steady(Double.NaN, 0);
    }
    return new Steady(median(windows), windows.size());
  }

  /** The provider's counters at one instant. */
  private record Sample(long nanos, long accepted, long rateLimited) {}

  /**
   * The 429s and the requests (accepted plus refused) in the steady phase, from the samples: from
   * 10 s after the accepted total reached {@value #RPM} to 10 s before it reached its final value.
   * Zeros when the job was too short.
   */
  private static long[] steady429(List<Sample> samples, long finalAccepted) {
    Sample spent = null;
    Sample done = null;
    for (Sample x : samples) {
      if (spent == null && x.accepted() >= RPM) {
        spent = x;
      }
      if (done == null && x.accepted() >= finalAccepted) {
        done = x;
      }
    }
    if (spent == null || done == null) {
      return new long[] {0, 0};
    }
    long from = spent.nanos() + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    long to = done.nanos() - TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    Sample a = null;
    Sample b = null;
    for (Sample x : samples) {
      if (a == null && x.nanos() >= from) {
        a = x;
      }
      if (x.nanos() <= to) {
        b = x;
      }
    }
    if (a == null || b == null || b.nanos() <= a.nanos()) {
      return new long[] {0, 0};
    }
    long refused = b.rateLimited() - a.rateLimited();
    return new long[] {refused, b.accepted() - a.accepted() + refused};
  }

  private static String report(Map<String, List<Result>> results, int runs, int rows) {
    StringBuilder md = new StringBuilder();
    md.append("## Issue 12: the cluster's quota, shared or not\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench cluster --runs %d` (%,d generated unique rows; the main job on"
                + " the Flink session cluster of `./run.sh flink-cluster start`, a JobManager and 2"
                + " TaskManagers of 2 slots, at `--parallelism=4 --rpm=%d --checkpoint=none`; one"
                + " fake provider, %,d requests/min, log-normal latency median %d ms, sigma %.1f,"
                + " in the bench's JVM; redis-server on loopback; all on one 2-core machine).%n%n",
            runs,
            rows,
            RPM,
            RPM,
            LATENCY_MEDIAN.toMillis(),
            LATENCY_SIGMA));
    md.append(
        "| setting | steady rate (median) | 429s (share of requests) | 429s in the steady phase"
            + " | wall time | runs |\n"
            + "|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<Result>> e : results.entrySet()) {
      List<Result> rs = e.getValue();
      if (rs.isEmpty()) {
        continue;
      }
      double steady = median(rs.stream().map(Result::steady).toList());
      double rateLimited = median(rs.stream().map(r -> (double) r.rateLimited()).toList());
      double share = median(rs.stream().map(Result::share429).toList());
      double wall = median(rs.stream().map(Result::wallSeconds).toList());
      double steady429 = median(rs.stream().map(r -> (double) r.steadyRateLimited()).toList());
      double steadyRequests = median(rs.stream().map(r -> (double) r.steadyRequests()).toList());
      List<String> each = new ArrayList<>();
      for (Result r : rs) {
        each.add(
            String.format(
                Locale.ROOT,
                "%s, %,d × 429 (%.2f%%; steady phase %,d), %.0f s",
                percent(r.steady()),
                r.rateLimited(),
                r.share429() * 100,
                r.steadyRateLimited(),
                r.wallSeconds()));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | **%s of %,d/min** | **%,.0f (%.2f%%)** | %,.0f of %,.0f | %.0f s | %s |%n",
              e.getKey(),
              percent(steady),
              RPM,
              rateLimited,
              share * 100,
              steady429,
              steadyRequests,
              wall,
              String.join("; ", each)));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nSteady rate: the provider's accepted requests per second, from 10 s after the second in"
                + " which its accepted total reached %,d (its first full bucket spent) to 10 s"
                + " before its last accepted request, in 10-second windows; the median window's"
                + " requests/min over %,d. Wall time: the job's process, submission and the"
                + " cluster's scheduling included. 429s: the provider's refusals over every request"
                + " it received; in the steady phase, those from 10 s after its accepted total"
                + " reached %,d to 10 s before it reached its last value (its counters sampled"
                + " every 0.5 s).%n",
            RPM,
            RPM,
            RPM));
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  private static double median(List<Double> values) {
    List<Double> sorted =
        values.stream().filter(v -> !Double.isNaN(v)).sorted(Comparator.naturalOrder()).toList();
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Unique rows, so that dedupe merges none and every row is one request. */
  private static void writeRows(Path input, int rows) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      b.append(
          String.format(
              Locale.ROOT,
              "{\"id\": \"r%06d\", \"prompt\": \"Question %d: what is %d + %d?\"}%n",
              i,
              i,
              i,
              i));
    }
    Files.writeString(input, b, StandardCharsets.UTF_8);
  }

  /**
   * One request, then a reset: the fake's first request loads its tokenizer, seconds in a fresh
   * JVM, which would hold the first job's first answers.
   */
  private static void warmUp(FakeProviderServer fake) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\": \"gpt-4.1-mini\", \"messages\": [{\"role\": \"user\","
                                + " \"content\": \"warm up\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the fake's warm-up answered " + r.statusCode());
    }
    fake.reset();
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> l = Files.lines(file)) {
      return l.filter(s -> !s.isBlank()).count();
    }
  }

  private static void stopQuietly(FlinkSessionCluster cluster) {
    try {
      cluster.stop();
    } catch (IOException | RuntimeException e) {
      System.err.println("bench: could not stop the cluster: " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

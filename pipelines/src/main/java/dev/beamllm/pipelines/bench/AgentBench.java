package dev.beamllm.pipelines.bench;

import dev.beamllm.beam.AgentOutput;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.Limits;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ToolMethod;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;

/**
 * Issue 13's agent benchmark: rows whose agent calls a tool in each of three turns before it
 * answers (four model turns a row) through {@code LlmIO.agent()}, beside plain completion rows
 * through {@code LlmIO.complete()}, alternating in one run on the DirectRunner against the fake
 * provider (no limits, no latency: what the machinery costs). Rows/s of each, requests/s, and the
 * ratio.
 */
public final class AgentBench {
  private static final String MODEL = "gpt-4.1-mini";
  private static final int ROUNDS = 3;

  private AgentBench() {}

  /** The tool each agent calls: cheap, so the figures are the loop's. */
  public static final class Lookup implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A lookup that answers at once. */
    @ToolMethod(description = "Looks a key up.")
    public String lookup(String key) {
      return "value of " + key;
    }
  }

  /** One measurement: rows/s and requests the provider accepted per row. */
  record Run(double rowsPerSecond, double requestsPerRow, long failed) {}

  /** Runs {@code --runs} times (default 3) with {@code --rows} rows (default 10,000). */
  public static void main(String[] args) throws Exception {
    int runs = 3;
    int rows = 10_000;
    Path out = Path.of("target/bench-agent.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Run> plain = new ArrayList<>();
    List<Run> agent = new ArrayList<>();
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      // Warm-up: the JIT, the connections.
      measure(fake, Math.min(rows, 2_000), false);
      measure(fake, Math.min(rows, 2_000), true);
      for (int run = 1; run <= runs; run++) {
        Run p = measure(fake, rows, false);
        Run a = measure(fake, rows, true);
        System.err.printf(
            Locale.ROOT,
            "run %d: plain %.0f rows/s (%.1f requests/row), agent %.0f rows/s (%.1f requests/row),"
                + " ratio %.2f, failed %d/%d%n",
            run,
            p.rowsPerSecond(),
            p.requestsPerRow(),
            a.rowsPerSecond(),
            a.requestsPerRow(),
            a.rowsPerSecond() / p.rowsPerSecond(),
            p.failed(),
            a.failed());
        plain.add(p);
        agent.add(a);
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    String report = report(plain, agent, runs, rows);
    Files.writeString(out, report);
    System.out.println(report);
  }

  private static Run measure(FakeProviderServer fake, int rows, boolean agentic) {
    fake.reset();
    List<Conversation> input = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      input.add(
          Conversation.user(
                  agentic
                      ? "Row " + i + ": use lookup each turn. [rounds=" + ROUNDS + "]"
                      : "Row " + i + ": summarise in one line.")
              .withId("row-" + i));
    }
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    Pipeline p = Pipeline.create(options);
    LlmIO.Complete client =
        LlmIO.complete()
            .withModels(MODEL)
            .withRegistry(LlmIOBench.registry(fake))
            .withLimits(Limits.unlimited().maxConcurrent(1_000))
            .withSamplingParams(SamplingParams.defaults().withMaxNewTokens(16));
    var rowsIn = p.apply(Create.of(input));
    if (agentic) {
      AgentOutput o =
          rowsIn.apply(
              LlmIO.agent()
                  .withClient(client)
                  .withTools(ToolSet.of(Tools.fromMethods(new Lookup())))
                  .withMaxTurns(ROUNDS + 1));
      o.results().apply("CountResults", Count.globally());
      o.failures().apply("CountFailures", Count.globally());
    } else {
      var r = rowsIn.apply(client);
      r.responses().apply("CountResponses", Count.globally());
      r.failures().apply("CountFailures", Count.globally());
    }
    long t0 = System.nanoTime();
    p.run().waitUntilFinish();
    double seconds = (System.nanoTime() - t0) / 1e9;
    var stats = fake.stats();
    long expected = (long) rows * (agentic ? ROUNDS + 1 : 1);
    return new Run(
        rows / seconds, (double) stats.accepted() / rows, Math.max(0, expected - stats.accepted()));
  }

  private static String report(List<Run> plain, List<Run> agent, int runs, int rows) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < plain.size(); i++) {
      ratios.add(agent.get(i).rowsPerSecond() / plain.get(i).rowsPerSecond());
    }
    Run p = median(plain);
    Run a = median(agent);
    double ratio = ratios.stream().sorted().toList().get(ratios.size() / 2);
    StringBuilder md = new StringBuilder("## Agent rows through LlmIO.agent()\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench agent --runs %d --rows %d` (%,d rows each way, alternating;"
                + " DirectRunner; fake provider in the same JVM, no limits, no latency; each agent"
                + " row calls a Java tool in %d turns and answers in a fourth).%n%n",
            runs,
            rows,
            rows,
            ROUNDS));
    md.append(
        "| rows | rows/s (median) | requests/row | requests/s | runs |\n|---|---|---|---|---|\n");
    md.append(line("plain completion (LlmIO.complete())", p, plain));
    md.append(line("agent, 3 tool turns + answer (LlmIO.agent())", a, agent));
    md.append(
        String.format(
            Locale.ROOT,
            "%nAgent rows/s over plain rows/s, median of the runs' ratios: **%.2f** (%s). An"
                + " agent row is %d requests: at the same cost per request as a plain row's the"
                + " ratio would be %.2f.%n",
            ratio,
            String.join(
                ", ", ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList()),
            ROUNDS + 1,
            1.0 / (ROUNDS + 1)));
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }

  private static String line(String name, Run median, List<Run> all) {
    return String.format(
        Locale.ROOT,
        "| %s | **%.0f** | %.1f | %.0f | %s |%n",
        name,
        median.rowsPerSecond(),
        median.requestsPerRow(),
        median.rowsPerSecond() * median.requestsPerRow(),
        String.join(
            "; ",
            all.stream()
                .map(
                    r ->
                        String.format(
                            Locale.ROOT,
                            "%.0f rows/s%s",
                            r.rowsPerSecond(),
                            r.failed() > 0 ? ", " + r.failed() + " requests missing" : ""))
                .toList()));
  }

  private static Run median(List<Run> runs) {
    List<Run> sorted =
        runs.stream().sorted(Comparator.comparingDouble(Run::rowsPerSecond)).toList();
    return sorted.get(sorted.size() / 2);
  }
}

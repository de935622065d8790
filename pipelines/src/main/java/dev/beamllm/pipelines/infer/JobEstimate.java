package dev.beamllm.pipelines.infer;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.pipelines.CostEstimator;
import dev.beamllm.prompt.PromptRows;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What the job will cost, printed before anything is sent (and by {@code --dryRun}, which stops
 * there): {@code ./run.sh estimate}'s figures for the job's models, from the first rows of its
 * JSONL input (at most {@link #SAMPLE}), scaled to all its rows; and whether the upper bound passes
 * {@code --maxCost}. CSV input is not estimated here ({@code ./run.sh estimate} reads JSONL).
 */
final class JobEstimate {
  /** The rows read for the estimate: enough to be steady, few enough to cost no time. */
  static final int SAMPLE = 2_000;

  private JobEstimate() {}

  /** Prints the estimate; a file that cannot be read is the run's business, not the estimate's. */
  static void print(
      BatchInferenceOptions o,
      ModelRegistry registry,
      List<String> models,
      long totalRows,
      boolean batchPrices,
      PrintStream out) {
    List<PromptRows.Line> sample;
    try {
      sample = sample(o.getInput());
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (sample.isEmpty()) {
      out.println("Estimate: none for CSV input (./run.sh estimate reads JSONL)");
      return;
    }
    CostEstimator estimator = new CostEstimator(registry, o.getMaxNewTokens());
    CostEstimator.Report report =
        (batchPrices ? estimator.atTier("batch") : estimator).estimate(sample, models);
    double scale = (double) totalRows / sample.size();
    out.printf(
        Locale.ROOT,
        "Estimate (%s%s%s):%n",
        sample.size() >= totalRows
            ? String.format(Locale.ROOT, "%,d rows", totalRows)
            : String.format(
                Locale.ROOT, "the first %,d of %,d rows, scaled", sample.size(), totalRows),
        report.models().size() > 1 ? "; each model as if it served every row" : "",
        batchPrices ? "; at batch prices" : "");
    double highest = 0;
    for (CostEstimator.ModelEstimate m : report.models()) {
      double low = m.minCost() * scale;
      double high = m.maxCost() * scale;
      highest = Math.max(highest, high);
      if (high == low) {
        // No output to price: an embedding model, or every row without an output limit's cost.
        out.printf(
            Locale.ROOT,
            "  %-28s %,d input tokens; $%,.4f%n",
            m.model().id(),
            Math.round(m.inputTokens() * scale),
            low);
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  %-28s %,d input tokens; $%,.4f with no output to $%,.4f with every output limit%n",
          m.model().id(),
          Math.round(m.inputTokens() * scale),
          low,
          high);
    }
    if (o.getMaxCost() != null) {
      out.printf(
          Locale.ROOT,
          "Spending cap: $%,.2f%s%n",
          o.getMaxCost(),
          highest > o.getMaxCost()
              ? " (below the estimate's upper bound: rows past the cap become failures of kind"
                  + " budget, unsent)"
              : "");
    }
  }

  /** The first rows of the JSONL files the pattern matches, parsed; empty for CSV. */
  private static List<PromptRows.Line> sample(String pattern) throws IOException {
    List<PromptRows.Line> out = new ArrayList<>();
    MatchResult match = FileSystems.match(pattern);
    for (var meta : match.metadata()) {
      Path file = Path.of(meta.resourceId().toString());
      if (file.toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        continue;
      }
      Path baseDir = file.toAbsolutePath().getParent();
      try (Utf8Lines lines = new Utf8Lines(Files.newInputStream(file))) {
        for (Utf8Lines.Line line; out.size() < SAMPLE && (line = lines.next()) != null; ) {
          if (line.error() == null && !line.text().isBlank()) {
            out.add(PromptRows.parse(line.text(), line.number(), baseDir));
          }
        }
      }
      if (out.size() >= SAMPLE) {
        break;
      }
    }
    return out;
  }
}

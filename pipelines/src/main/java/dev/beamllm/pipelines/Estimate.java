package dev.beamllm.pipelines;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.UnknownModelException;
import dev.beamllm.prompt.PromptRows;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./run.sh estimate FILE --model M[,M2]}: what a prompts file will cost on each model,
 * before anyone spends a cent. Bad rows are listed by line number with the reason; good rows still
 * count.
 */
public final class Estimate {
  static final String USAGE =
      "usage: ./run.sh estimate FILE --model M[,M2...] [--max-new-tokens N] [--models-file F]\n"
          + "  FILE              prompts in JSONL (see README: 'Prompt files')\n"
          + "  --model M[,M2]    models to price, by id or alias (e.g. gpt-4.1-mini,claude-3.5-haiku)\n"
          + "  --max-new-tokens  output limit for rows that give none (default "
          + CostEstimator.DEFAULT_MAX_NEW_TOKENS
          + ")\n"
          + "  --models-file F   extra models from a YAML or JSON file";

  private Estimate() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command: 0 on success, 2 on bad arguments. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Path file = null;
    List<String> models = new ArrayList<>();
    int maxNewTokens = CostEstimator.DEFAULT_MAX_NEW_TOKENS;
    ModelRegistry registry = ModelRegistry.defaults();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
        String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        switch (flag) {
          case "--model", "--models" ->
              models.addAll(split(value != null ? value : next(args, ++i, flag)));
          case "--max-new-tokens" ->
              maxNewTokens = Integer.parseInt(value != null ? value : next(args, ++i, flag));
          case "--models-file" ->
              registry =
                  registry.withModelsFrom(Path.of(value != null ? value : next(args, ++i, flag)));
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          default -> {
            if (a.startsWith("-") || file != null) {
              throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            file = Path.of(a);
          }
        }
      }
      if (file == null || models.isEmpty()) {
        throw new IllegalArgumentException(
            file == null ? "no prompts file given" : "no --model given");
      }
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("prompts file not found: " + file);
      }
      CostEstimator.Report report =
          new CostEstimator(registry, maxNewTokens).estimate(PromptRows.read(file), models);
      print(file, report, maxNewTokens, out);
      return 0;
    } catch (UnknownModelException e) {
      err.println("estimate: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("estimate: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static List<String> split(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static void print(Path file, CostEstimator.Report report, int maxNewTokens, PrintStream out) {
    long bad = report.problems().stream().map(CostEstimator.Problem::lineNumber).distinct().count();
    out.printf(
        Locale.ROOT,
        "Estimate for %s: %d rows read, %d can be sent, %d with problems%n%n",
        file,
        report.totalRows(),
        report.goodRows(),
        bad);
    String header =
        String.format(
            Locale.ROOT,
            "%-28s %6s %14s %18s %14s %14s",
            "model",
            "rows",
            "input tokens",
            "max output tokens",
            "cost min ($)",
            "cost max ($)");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (CostEstimator.ModelEstimate m : report.models()) {
      out.printf(
          Locale.ROOT,
          "%-28s %6d %,14d %,18d %14.6f %14.6f%n",
          m.model().id(),
          m.rows(),
          m.inputTokens(),
          m.maxOutputTokens(),
          m.minCost(),
          m.maxCost());
    }
    out.println();
    if (report.ownModelRows() > 0) {
      out.printf(
          Locale.ROOT,
          "%d rows name their own \"model\" and count only under it.%n",
          report.ownModelRows());
    }
    out.printf(
        Locale.ROOT,
        "cost min: input only, no output; cost max: every row uses its output limit "
            + "(the row's max_new_tokens, else %d, capped at the model's maximum).%n",
        maxNewTokens);
    out.println(
        "Text is counted with o200k_base (exact for OpenAI, approximate for others); images and PDF pages"
            + " by each provider's formula. Prompt caching is not assumed.");
    if (!report.problems().isEmpty()) {
      out.println();
      out.println("Rows with problems (not counted where they fail):");
      for (CostEstimator.Problem p : report.problems()) {
        out.printf(Locale.ROOT, "  line %d (%s): %s%n", p.lineNumber(), p.id(), p.reason());
      }
    }
  }
}

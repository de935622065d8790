package dev.beamllm.pipelines;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.PromptRows;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.response.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Estimates what a prompts file will cost on each model before anything is sent: input tokens by
 * the model's tokenizer rule, the most output tokens the rows may ask for, and the cost range
 * between "no output" and "every row uses its full output limit".
 */
public final class CostEstimator {
  /** The output limit of a row that names none, as lm-deluge's default {@code max_new_tokens}. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 512;

  private final ModelRegistry registry;
  private final int defaultMaxNewTokens;
  private final String tier;

  /** An estimator over a registry, with the output limit for rows that name none. */
  public CostEstimator(ModelRegistry registry, int defaultMaxNewTokens) {
    this(registry, defaultMaxNewTokens, null);
  }

  private CostEstimator(ModelRegistry registry, int defaultMaxNewTokens, String tier) {
    if (defaultMaxNewTokens <= 0) {
      throw new IllegalArgumentException(
          "max new tokens must be positive, got " + defaultMaxNewTokens);
    }
    this.registry = registry;
    this.defaultMaxNewTokens = defaultMaxNewTokens;
    this.tier = tier;
  }

  /**
   * The same estimator pricing at a service tier ({@code batch} for the providers' batch APIs,
   * {@code flex}, {@code priority}), as the providers price answers that report it.
   */
  public CostEstimator atTier(String tier) {
    return new CostEstimator(registry, defaultMaxNewTokens, tier);
  }

  /**
   * The estimate for one model.
   *
   * @param model the model
   * @param rows rows counted
   * @param inputTokens their input tokens
   * @param maxOutputTokens the sum of their output limits, each capped at the model's maximum
   * @param minCost dollars if no output came back
   * @param maxCost dollars if every row used its whole output limit
   */
  public record ModelEstimate(
      ModelSpec model,
      int rows,
      long inputTokens,
      long maxOutputTokens,
      double minCost,
      double maxCost) {}

  /**
   * A row that cannot be sent, with its line number and why.
   *
   * @param lineNumber 1-based line in the file
   * @param id the row's id
   * @param reason what is wrong
   */
  public record Problem(int lineNumber, String id, String reason) {}

  /**
   * The whole estimate.
   *
   * @param totalRows lines read
   * @param goodRows rows that can be sent to at least one model
   * @param models one estimate per model, in the order given (then models named by rows)
   * @param problems bad rows, and rows a model cannot serve
   * @param ownModelRows rows that name their own model and count only under it
   */
  public record Report(
      int totalRows,
      int goodRows,
      List<ModelEstimate> models,
      List<Problem> problems,
      int ownModelRows) {}

  /**
   * Estimates the rows for the given models. Rows that name their own {@code model} count only
   * under that model; the others count under every model given, so the models can be compared.
   */
  public Report estimate(List<PromptRows.Line> lines, List<String> modelNames) {
    Map<String, Accumulator> byModel = new LinkedHashMap<>();
    for (String name : modelNames) {
      ModelSpec spec = registry.lookup(name);
      byModel.putIfAbsent(spec.id(), new Accumulator(spec));
    }
    List<Problem> problems = new ArrayList<>();
    int good = 0;
    int ownModel = 0;
    for (PromptRows.Line line : lines) {
      if (line instanceof PromptRows.BadRow bad) {
        problems.add(new Problem(bad.lineNumber(), bad.id(), bad.reason()));
        continue;
      }
      PromptRows.Row row = (PromptRows.Row) line;
      List<Accumulator> targets = new ArrayList<>();
      if (row.model() != null) {
        Optional<ModelSpec> own = registry.find(row.model());
        if (own.isEmpty()) {
          problems.add(
              new Problem(row.lineNumber(), row.id(), "unknown model '" + row.model() + "'"));
          continue;
        }
        targets.add(byModel.computeIfAbsent(own.get().id(), id -> new Accumulator(own.get())));
        ownModel++;
      } else {
        targets.addAll(byModel.values());
      }
      boolean servedSomewhere = false;
      for (Accumulator target : targets) {
        Optional<String> refusal = refusal(target.spec, row.conversation());
        if (refusal.isPresent()) {
          problems.add(
              new Problem(
                  row.lineNumber(),
                  row.id(),
                  target.spec.id() + " cannot serve it: " + refusal.get()));
          continue;
        }
        try {
          target.add(row, defaultMaxNewTokens);
          servedSomewhere = true;
        } catch (InvalidPromptException e) {
          problems.add(new Problem(row.lineNumber(), row.id(), e.getMessage()));
        }
      }
      if (servedSomewhere) {
        good++;
      }
    }
    List<ModelEstimate> estimates = byModel.values().stream().map(Accumulator::result).toList();
    problems.sort(Comparator.comparingInt(Problem::lineNumber));
    return new Report(lines.size(), good, estimates, problems, ownModel);
  }

  /**
   * Why the model cannot take this conversation (images, PDFs or audio it does not read), if it
   * cannot.
   */
  static Optional<String> refusal(ModelSpec spec, Conversation conversation) {
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        List<Part> inner = part instanceof ToolResult r ? r.content() : List.of(part);
        for (Part p : inner) {
          if (p instanceof Image && !spec.capabilities().images()) {
            return Optional.of("it has an image and the model does not take images");
          }
          if (p instanceof File f && f.isPdf() && !spec.capabilities().pdfs()) {
            return Optional.of("it has a PDF and the model does not take PDFs");
          }
          if (p instanceof Audio && !spec.capabilities().audioInput()) {
            return Optional.of("it has audio and the model does not take audio");
          }
        }
      }
    }
    return Optional.empty();
  }

  private final class Accumulator {
    final ModelSpec spec;
    int rows;
    long input;
    long maxOutput;
    double minCost;
    double maxCost;

    Accumulator(ModelSpec spec) {
      this.spec = spec;
    }

    void add(PromptRows.Row row, int defaultMaxNewTokens) {
      long in = TokenCounter.estimate(row.conversation(), spec.wireFormat().imageRule());
      int asked = row.maxNewTokens() != null ? row.maxNewTokens() : defaultMaxNewTokens;
      long out = spec.maxOutputTokens() > 0 ? Math.min(asked, spec.maxOutputTokens()) : 0;
      // Audio tokens are in the input at the text rate; a model that prices audio apart
      // (gpt-4o-audio-preview at $40 a million against $2.50 for text) adds the difference.
      long audio = TokenCounter.audioEstimate(row.conversation(), spec.wireFormat().imageRule());
      double audioExtra =
          audio * Math.max(0, spec.audioInputPrice() - spec.prices().input()) / 1_000_000.0;
      rows++;
      input += in;
      maxOutput += out;
      minCost += spec.cost(Usage.of(in, 0), tier) + audioExtra;
      maxCost += spec.cost(Usage.of(in, out), tier) + audioExtra;
    }

    ModelEstimate result() {
      return new ModelEstimate(spec, rows, input, maxOutput, minCost, maxCost);
    }
  }
}

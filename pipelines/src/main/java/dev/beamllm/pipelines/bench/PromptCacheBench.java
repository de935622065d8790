package dev.beamllm.pipelines.bench;

import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.LlmClient;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Usage;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Issue 14's prompt-cache benchmark: rows sharing one long system prompt (about 3,000 tokens) with
 * a short question each, on Claude through the fake provider, whose cache reads and writes follow
 * Anthropic's rules; once without marks and once per prompt-cache setting, each on a fresh fake.
 * Cost, tokens read from and written to the cache, and the ratio of costs.
 */
public final class PromptCacheBench {
  private static final String MODEL = "claude-4.5-sonnet";

  private PromptCacheBench() {}

  /** One job's totals. */
  record Run(String setting, double cost, Usage usage, long rows, long failed, double seconds) {}

  /** {@code --rows} rows (default 1,000), {@code --out} the Markdown report. */
  public static void main(String[] args) throws Exception {
    int rows = 1_000;
    Path out = Path.of("target/bench-prompt-cache.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String system = systemPrompt();
    List<Run> runs = new ArrayList<>();
    for (PromptCache cache :
        List.of(
            PromptCache.none(),
            PromptCache.of(PromptCache.Pattern.SYSTEM_AND_TOOLS),
            PromptCache.of(PromptCache.Pattern.AUTO).withTtl(PromptCache.Ttl.ONE_HOUR))) {
      Run r = measure(system, rows, cache);
      System.err.printf(
          Locale.ROOT,
          "%s: $%.4f, %s, %d failed, %.1f s%n",
          r.setting(),
          r.cost(),
          r.usage(),
          r.failed(),
          r.seconds());
      runs.add(r);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    String report = report(runs, rows, system);
    Files.writeString(out, report);
    System.out.println(report);
  }

  /** About 3,000 tokens of instructions, the same for every row. */
  static String systemPrompt() {
    StringBuilder s = new StringBuilder("You label customer messages. Rules:\n");
    for (int i = 1; s.length() < 13_000; i++) {
      s.append(i)
          .append(". When a message mentions topic ")
          .append(i)
          .append(", answer with its label, a one-line reason and the customer's mood.\n");
    }
    return s.toString();
  }

  private static Run measure(String system, int rows, PromptCache cache) {
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start();
        LlmClient client =
            LlmClient.builder()
                .models(MODEL)
                .registry(fake.pointRegistry(ModelRegistry.defaults()))
                .apiKeys(ApiKeys.sameForAll("sk-bench"))
                .progress(StatusTracker.Display.NONE)
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(40))
                .promptCache(cache)
                .build()) {
      long t0 = System.nanoTime();
      List<CompletableFuture<ApiResponse>> answers = new ArrayList<>(rows);
      for (int i = 0; i < rows; i++) {
        answers.add(
            client.start(
                Conversation.of(
                    Message.system(system), Message.user("Message " + i + ": my order is late."))));
      }
      double cost = 0;
      Usage usage = Usage.ZERO;
      long failed = 0;
      for (CompletableFuture<ApiResponse> f : answers) {
        ApiResponse r = f.join();
        if (r.isError()) {
          failed++;
        }
        cost += r.cost();
        usage = usage.plus(r.usage());
      }
      return new Run(cache.toString(), cost, usage, rows, failed, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static String report(List<Run> runs, int rows, String system) {
    Run base = runs.get(0);
    StringBuilder md =
        new StringBuilder("## Prompt caching: rows sharing a long system prompt\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Command: `./run.sh bench prompt-cache --rows %d` (%,d rows to %s, each a shared"
                + " system prompt of %,d characters, about 3,000 tokens, and a short question; the"
                + " fake provider charging cache reads and writes as Anthropic documents; all rows"
                + " sent at once). The fake makes a cache entry as soon as a request arrives;"
                + " Anthropic makes it once the first answer starts, so on the real API the rows"
                + " sent in that first moment write too and the saving is somewhat smaller.%n%n",
            rows,
            rows,
            MODEL,
            system.length()));
    md.append(
        "| --promptCache | cost | cost/row | input tokens | cache reads | cache writes | of the"
            + " cost without |\n|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | $%.4f | $%.6f | %,d | %,d | %,d | **%.2f**%s |%n",
              r.setting(),
              r.cost(),
              r.cost() / r.rows(),
              r.usage().inputTokens(),
              r.usage().cacheReadTokens(),
              r.usage().cacheWriteTokens(),
              r.cost() / base.cost(),
              r.failed() > 0 ? " (" + r.failed() + " failed)" : ""));
    }
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    return md.toString();
  }
}

package dev.beamllm.pipelines.bench;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.LlmResult;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmClient;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * {@code ./run.sh bench llmio}: the client's saturation scenario through {@code LlmIO} on the
 * DirectRunner, LlmIO's requests per second against the bare client's with zero latency and no
 * limits, and the same saturation scenario through a synchronous one-request-per-element DoFn (the
 * Beam baseline), in the same run.
 */
public final class LlmIOBench {
  private static final String MODEL = "gpt-4.1-mini";

  private LlmIOBench() {}

  /** Runs both scenarios {@code --runs} times (default 3) and writes a Markdown report. */
  public static void main(String[] args) throws Exception {
    int runs = 3;
    Path out = Path.of("target/bench-llmio.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<double[]> saturation = new ArrayList<>();
    List<double[]> overhead = new ArrayList<>();
    List<double[]> baseline = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      double[] b = baseline();
      System.err.printf(
          Locale.ROOT,
          "run %d baseline (synchronous DoFn): %.0f requests/min, %d × 429%n",
          run,
          b[0],
          (long) b[1]);
      baseline.add(b);
      double[] o = overhead();
      System.err.printf(
          Locale.ROOT,
          "run %d overhead: client %.0f/s, LlmIO %.0f/s, ratio %.2f%n",
          run,
          o[0],
          o[1],
          o[1] / o[0]);
      overhead.add(o);
      double[] s = saturation();
      System.err.printf(
          Locale.ROOT,
          "run %d saturation: %.1f%% of the limit, %d × 429, %d accepted%n",
          run,
          s[0],
          (long) s[1],
          (long) s[2]);
      saturation.add(s);
    }
    saturation.sort((a, b) -> Double.compare(a[0], b[0]));
    overhead.sort((a, b) -> Double.compare(a[1] / a[0], b[1] / b[0]));
    baseline.sort((a, b) -> Double.compare(a[0], b[0]));
    double[] s = saturation.get(saturation.size() / 2);
    double[] o = overhead.get(overhead.size() / 2);
    double[] b = baseline.get(baseline.size() / 2);
    StringBuilder md = new StringBuilder("## LlmIO on the DirectRunner\n\n");
    md.append("Command: `./run.sh bench llmio` (")
        .append(runs)
        .append(
            " runs, median shown; fake provider in the same JVM; DirectRunner with immutability and encodability checks off, as in production runners).\n\n");
    md.append("| scenario | target | median | runs |\n|---|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| saturation (3,000/min, 6,000 requests, log-normal 400 ms) | steady ≥ 98%% of the limit, zero 429s | **%.1f%%, %d × 429** | %s |%n",
            s[0],
            (long) s[1],
            String.join(
                "; ",
                saturation.stream()
                    .map(x -> String.format(Locale.ROOT, "%.1f%%, %d × 429", x[0], (long) x[1]))
                    .toList())));
    md.append(
        String.format(
            Locale.ROOT,
            "| overhead (no limits, zero latency, 20,000 requests) | LlmIO ≥ half the bare client's requests/s | **%.0f vs %.0f requests/s (%.2f)** | %s |%n",
            o[1],
            o[0],
            o[1] / o[0],
            String.join(
                "; ",
                overhead.stream()
                    .map(
                        x ->
                            String.format(
                                Locale.ROOT, "%.0f vs %.0f (%.2f)", x[1], x[0], x[1] / x[0]))
                    .toList())));
    md.append(
        String.format(
            Locale.ROOT,
            "| Beam baseline: the saturation scenario (%d requests) through a synchronous one-request-per-element DoFn with backoff on 429 (RequestResponseIO's pattern), %d threads | LlmIO's steady rate over the baseline's | **%.0f vs %.0f requests/min (%.1f×), %d × 429** | %s |%n",
            BASELINE_REQUESTS,
            BASELINE_THREADS,
            s[0] * 30,
            b[0],
            s[0] * 30 / b[0],
            (long) b[1],
            String.join(
                "; ",
                baseline.stream()
                    .map(x -> String.format(Locale.ROOT, "%.0f/min, %d × 429", x[0], (long) x[1]))
                    .toList())));
    md.append("\nMeasured ")
        .append(LocalDate.now())
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores.\n");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.println(md);
  }

  static ModelRegistry registry(FakeProviderServer fake) {
    ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec m = r.lookup(MODEL);
    return r.withModel(m.toBuilder().setApiKeyEnv(null).build());
  }

  static List<Conversation> conversations(int n) {
    List<Conversation> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Conversation.user("Summarise item " + i + " in one line.").withId("row-" + i));
    }
    return out;
  }

  private static Pipeline pipeline() {
    return pipeline(0);
  }

  /** A DirectRunner pipeline on {@code threads} threads (0: the runner's default). */
  private static Pipeline pipeline(int threads) {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    if (threads > 0) {
      options.setTargetParallelism(threads);
    }
    return Pipeline.create(options);
  }

  /** The provider of the saturation scenario: 3,000/min, log-normal latency of median 400 ms. */
  private static FakeProviderServer saturationProvider() {
    return FakeProviderServer.builder()
        .requestsPerMinute(3_000)
        .tokensPerMinute(1_000_000)
        .latency(FakeLatency.logNormal(Duration.ofMillis(400), 0.5))
        .recordRequests(false)
        .start();
  }

  /** Steady share of the limit (percent), 429s, accepted. */
  static double[] saturation() {
    try (FakeProviderServer fake = saturationProvider()) {
      Pipeline p = pipeline();
      LlmResult result =
          p.apply(Create.of(conversations(6_000)))
              .apply(
                  LlmIO.complete()
                      .withModels(MODEL)
                      .withRegistry(registry(fake))
                      .withSamplingParams(SamplingParams.defaults().withMaxNewTokens(100))
                      .withLimits(new Limits(3_000, 1_000_000, 1_000))
                      .withMaxAttempts(10));
      result.responses().apply(Count.globally());
      p.run().waitUntilFinish();
      FakeServerStats stats = fake.stats();
      return new double[] {
        100 * ClientBench.steady(stats.acceptedPerSecond()) / 3_000.0,
        stats.rateLimited(),
        stats.accepted()
      };
    }
  }

  private static final int BASELINE_REQUESTS = 900;
  private static final int BASELINE_THREADS = 4;

  /**
   * The saturation scenario through the pattern Beam's RequestResponseIO uses: one blocking call
   * per element, retried with exponential backoff on 429 and 5xx, on the DirectRunner's {@value
   * #BASELINE_THREADS} threads. Fewer requests than LlmIO's run: at this pattern's rate 6,000 would
   * take a quarter of an hour. Returns steady requests/min and 429s.
   */
  static double[] baseline() {
    try (FakeProviderServer fake = saturationProvider()) {
      Pipeline p = pipeline(BASELINE_THREADS);
      List<String> prompts = new ArrayList<>();
      for (Conversation c : conversations(BASELINE_REQUESTS)) {
        prompts.add(c.messages().get(0).text());
      }
      p.apply(Create.of(prompts))
          .apply(ParDo.of(new SyncCallFn(fake.baseUrl() + "/v1/chat/completions")))
          .apply(Count.globally());
      p.run().waitUntilFinish();
      FakeServerStats stats = fake.stats();
      return new double[] {ClientBench.steady(stats.acceptedPerSecond()), stats.rateLimited()};
    }
  }

  /** One blocking chat completion per element, with backoff on 429 and 5xx. */
  static final class SyncCallFn extends DoFn<String, String> {
    private final String url;
    private transient HttpClient http;

    SyncCallFn(String url) {
      this.url = url;
    }

    @Setup
    public void setup() {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @ProcessElement
    public void process(@Element String prompt, OutputReceiver<String> out) throws Exception {
      String body =
          dev.beamllm.prompt.internal.Json.MAPPER.writeValueAsString(
              Map.of(
                  "model",
                  MODEL,
                  "max_tokens",
                  100,
                  "messages",
                  List.of(Map.of("role", "user", "content", prompt))));
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .header("content-type", "application/json")
              .header("authorization", "Bearer sk-bench")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      long backoffMillis = 1_000;
      for (int attempt = 1; ; attempt++) {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200
            || attempt >= 10
            || (r.statusCode() != 429 && r.statusCode() < 500)) {
          out.output(r.body());
          return;
        }
        Thread.sleep(backoffMillis);
        backoffMillis = (long) (backoffMillis * 1.5);
      }
    }
  }

  /** Bare client requests/s, LlmIO requests/s. */
  static double[] overhead() {
    int n = 20_000;
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      List<Conversation> input = conversations(n);
      double client = 0;
      for (int i = 0; i < 2; i++) {
        try (LlmClient c =
            LlmClient.builder()
                .models(MODEL)
                .registry(registry(fake))
                .apiKeys(ApiKeys.fromEnvironment())
                .progress(StatusTracker.Display.NONE)
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(16))
                .build()) {
          long t0 = System.nanoTime();
          c.processPrompts(input);
          client = n / ((System.nanoTime() - t0) / 1e9);
        }
      }
      double io = 0;
      for (int i = 0; i < 2; i++) {
        Pipeline p = pipeline();
        p.apply(Create.of(input))
            .apply(
                LlmIO.complete()
                    .withModels(MODEL)
                    .withRegistry(registry(fake))
                    .withSamplingParams(SamplingParams.defaults().withMaxNewTokens(16)))
            .responses()
            .apply(Count.globally());
        long t0 = System.nanoTime();
        p.run().waitUntilFinish();
        io = n / ((System.nanoTime() - t0) / 1e9);
      }
      return new double[] {client, io};
    }
  }
}

package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.LlmResult;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.Limits;
import dev.beamllm.client.SamplingParams;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.testing.FakeProviderServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The main job: a prompts file to a file of answers and a file of failures, with live progress
 * and a summary, on the DirectRunner (default) or Flink ({@code --runner=FlinkRunner
 * --flinkMaster=[local]}) from the same jar. {@code --help} lists the options.
 */
public final class BatchInference {
  private BatchInference() {}

  /** Runs the job and exits with its status: 0 done (failed rows are in the failures file), 2 bad settings. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the job. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PipelineOptionsFactory.register(BatchInferenceOptions.class);
    BatchInferenceOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(withConfig(joinValues(args))).withValidation().as(BatchInferenceOptions.class);
    } catch (IllegalArgumentException | IOException e) {
      err.println("infer: " + e.getMessage());
      return 2;
    }
    if (options.getInput() == null) {
      err.println("infer: --input is required (a JSONL or CSV file, or a glob); --help lists every option");
      return 2;
    }
    FakeProviderServer fake = options.getFakeProvider() ? FakeProviderServer.builder().recordRequests(false).start() : null;
    try {
      Job job = Job.plan(options, fake, err);
      if (job == null) {
        return 2;
      }
      if (fake != null) {
        out.println("Using the embedded fake provider at " + fake.baseUrl() + " (no API key is needed).");
      }
      return job.run(out);
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  /**
   * Accepts {@code --name value} as well as Beam's {@code --name=value}, as users type both
   * ({@code ./run.sh --cache out/cache.db}).
   */
  static String[] joinValues(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--") && !a.contains("=") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
        out.add(a + "=" + args[++i]);
      } else {
        out.add(a);
      }
    }
    return out.toArray(String[]::new);
  }

  /** Prepends the settings of {@code --config FILE} as flags, so flags on the command line win. */
  static String[] withConfig(String[] args) throws IOException {
    String config = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--config=")) {
        config = args[i].substring("--config=".length());
      } else if (args[i].equals("--config") && i + 1 < args.length) {
        config = args[i + 1];
      }
    }
    if (config == null) {
      return args;
    }
    JsonNode yaml = new YAMLMapper().readTree(Files.readString(Path.of(config)));
    List<String> merged = new ArrayList<>();
    yaml.fields().forEachRemaining(e -> merged.add("--" + e.getKey() + "=" + (e.getValue().isArray() ? joined(e.getValue()) : e.getValue().asText())));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        i++;
      } else if (!args[i].startsWith("--config=")) {
        merged.add(args[i]);
      }
    }
    return merged.toArray(String[]::new);
  }

  private static String joined(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(v -> parts.add(v.asText()));
    return String.join(",", parts);
  }

  /** A planned job: the settings checked, the models known, the keys found. */
  static final class Job {
    final BatchInferenceOptions options;
    final ModelRegistry registry;
    final List<String> models;
    final Set<String> rowModels;
    final long totalRows;
    final FakeProviderServer fake;

    private Job(BatchInferenceOptions options, ModelRegistry registry, List<String> models, Set<String> rowModels, long totalRows,
        FakeProviderServer fake) {
      this.options = options;
      this.registry = registry;
      this.models = models;
      this.rowModels = rowModels;
      this.totalRows = totalRows;
      this.fake = fake;
    }

    static Job plan(BatchInferenceOptions o, FakeProviderServer fake, PrintStream err) {
      ModelRegistry registry = ModelRegistry.defaults();
      try {
        if (o.getModelsFile() != null) {
          registry = registry.withModelsFrom(Path.of(o.getModelsFile()));
        }
        if (fake != null) {
          registry = fake.pointRegistry(registry);
          List<ModelSpec> keyless = new ArrayList<>();
          for (ModelSpec m : registry.models()) {
            keyless.add(m.toBuilder().setApiKeyEnv(null).build());
          }
          registry = registry.withModels(keyless);
        }
        List<String> models = Arrays.stream(o.getModels().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Set<String> needed = new LinkedHashSet<>(models);
        InputScan scan = InputScan.of(o.getInput());
        for (String m : scan.rowModels()) {
          if (registry.contains(m)) {
            needed.add(m);
          }
        }
        for (String m : needed) {
          ModelSpec spec = registry.lookup(m);
          ApiKeys.fromEnvironment().credentials(spec);
        }
        return new Job(o, registry, models, scan.rowModels(), scan.rows(), fake);
      } catch (IllegalArgumentException | IllegalStateException | IOException e) {
        err.println("infer: " + e.getMessage());
        return null;
      }
    }

    LlmIO.Complete transform(List<String> forModels) {
      BatchInferenceOptions o = options;
      SamplingParams.Builder params = SamplingParams.builder().maxNewTokens(o.getMaxNewTokens());
      if (o.getTemperature() != null) {
        params.temperature(o.getTemperature());
      }
      LlmIO.Complete io = LlmIO.complete()
          .withModels(forModels.toArray(String[]::new))
          .withRegistry(registry)
          .withSamplingParams(params.build())
          .withLimits(new Limits(o.getRpm(), o.getTpm(), o.getMaxConcurrent()))
          .withMaxAttempts(o.getMaxAttempts())
          .withRequestTimeout(Duration.ofMillis((long) (o.getRequestTimeout() * 1000)));
      if (o.getWeights() != null && forModels.equals(models)) {
        io = io.withModelWeights(Arrays.stream(o.getWeights().split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray());
      }
      if (o.getCache() != null) {
        io = io.withCache(o.getCache().equals("memory") ? ResponseCache.memory() : ResponseCache.sqlite(Path.of(o.getCache())));
      }
      return io;
    }

    int run(PrintStream out) {
      Pipeline p = Pipeline.create(options);
      var read = p.apply("ReadPrompts", new ReadPrompts(options.getInput()));
      PCollection<KV<String, Conversation>> rows = read.get(ReadPrompts.ROWS);
      List<PCollection<String>> answers = new ArrayList<>();
      List<PCollection<String>> failures = new ArrayList<>();
      failures.add(read.get(ReadPrompts.BAD));
      List<String> groups = new ArrayList<>();
      groups.add("");
      rowModels.stream().filter(registry::contains).forEach(groups::add);
      for (String group : groups) {
        PCollection<Conversation> mine = rows
            .apply("Rows " + (group.isEmpty() ? "default" : group), Filter.by((KV<String, Conversation> kv) -> kv.getKey().equals(group)))
            .apply("Conversations " + (group.isEmpty() ? "default" : group), Values.create());
        LlmResult result = mine.apply("LlmIO " + (group.isEmpty() ? "default" : group), transform(group.isEmpty() ? models : List.of(group)));
        answers.add(result.responses().apply("Answer lines " + group, MapElements.into(TypeDescriptors.strings()).via(OutputRows::answer)));
        failures.add(result.failures().apply("Failure lines " + group, MapElements.into(TypeDescriptors.strings()).via(OutputRows::failure)));
      }
      Set<String> known = new LinkedHashSet<>(groups);
      failures.add(rows.apply("Unknown models", Filter.by((KV<String, Conversation> kv) -> !known.contains(kv.getKey())))
          .apply("Unknown model lines", MapElements.into(TypeDescriptors.strings()).via(kv -> OutputRows.unknownModel(kv.getKey(), kv.getValue()))));
      PCollectionList.of(answers).apply("All answers", Flatten.pCollections())
          .apply("Write answers", TextIO.write().to(options.getOutput()).withoutSharding());
      PCollectionList.of(failures).apply("All failures", Flatten.pCollections())
          .apply("Write failures", TextIO.write().to(options.getFailures()).withoutSharding());
      return new Run(p, this, out).execute();
    }
  }

  /** What the input files hold, read once on the launcher: row count for progress, the models rows name. */
  record InputScan(long rows, Set<String> rowModels) {
    static InputScan of(String pattern) throws IOException {
      long rows = 0;
      Set<String> models = new LinkedHashSet<>();
      for (var meta : org.apache.beam.sdk.io.FileSystems.match(pattern).metadata()) {
        Path file = Path.of(meta.resourceId().toString());
        boolean csv = file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
          if (line.isBlank()) {
            continue;
          }
          rows++;
          if (!csv && line.contains("\"model\"")) {
            try {
              JsonNode m = dev.beamllm.prompt.Json.MAPPER.readTree(line).get("model");
              if (m != null && m.isTextual()) {
                models.add(m.asText());
              }
            } catch (IOException malformed) {
              // the reader reports it with its line number
            }
          }
        }
        if (csv && rows > 0) {
          rows--;
        }
      }
      if (rows == 0) {
        throw new IllegalArgumentException("no prompts found at " + pattern);
      }
      return new InputScan(rows, models);
    }
  }

  /** Runs the pipeline with live progress and prints the summary. */
  static final class Run {
    final Pipeline pipeline;
    final Job job;
    final PrintStream out;

    Run(Pipeline pipeline, Job job, PrintStream out) {
      this.pipeline = pipeline;
      this.job = job;
      this.out = out;
    }

    int execute() {
      long start = System.nanoTime();
      Progress progress = new Progress(job.totalRows, StatusTracker.Display.valueOf(job.options.getProgress().toUpperCase(java.util.Locale.ROOT)), out);
      progress.start();
      PipelineResult result;
      try {
        result = pipeline.run();
        result.waitUntilFinish();
      } finally {
        progress.stop();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Summary summary = Summary.from(result, seconds, job.fake);
      out.println(summary.render(job.options));
      return 0;
    }
  }
}

package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.beamllm.beam.AgentOutput;
import dev.beamllm.beam.ExtractResult;
import dev.beamllm.beam.LlmFailure;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.LlmResult;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.Limits;
import dev.beamllm.client.SharedLimits;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.model.EffortSupport;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The main job: a prompts file to a file of answers and a file of failures, with live progress and
 * a summary. Every row's own settings (model, output limit, temperature, schema, metadata) travel
 * with it into one {@link LlmIO} transform, so the job's limits hold for the whole job. Every
 * answer is checkpointed as it arrives, so a killed job run again pays only for what it had not
 * answered. Runs on the embedded Flink runner by default (its memory stays flat however many rows),
 * on the DirectRunner or any other with {@code --runner}. {@code --help} lists the options.
 */
public final class BatchInference {
  private BatchInference() {}

  /**
   * Runs the job and exits with its status: 0 done (failed rows are in the failures file), 1 the
   * job failed (one line says why), 2 bad settings (found before anything was sent).
   */
  public static void main(String[] args) {
    boolean verbose =
        Arrays.stream(args).anyMatch(a -> a.equals("--verbose") || a.equals("--verbose=true"));
    ConsoleLogging.configure(verbose);
    int code;
    try {
      code = run(args, System.out, System.err);
    } catch (Throwable t) {
      if (verbose) {
        t.printStackTrace();
      }
      System.err.println("infer: " + ConsoleLogging.oneLine(t));
      code = 1;
    }
    System.out.flush();
    // Exits even when a runner's threads linger after a failure.
    System.exit(code);
  }

  /** Runs the job. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PipelineOptionsFactory.register(BatchInferenceOptions.class);
    String[] flags;
    BatchInferenceOptions options;
    try {
      flags = withConfig(joinValues(args));
    } catch (IllegalArgumentException | IOException e) {
      err.println("infer: " + ConsoleLogging.oneLine(e));
      return 2;
    }
    try {
      options =
          PipelineOptionsFactory.fromArgs(flags).withValidation().as(BatchInferenceOptions.class);
    } catch (IllegalArgumentException e) {
      err.println("infer: " + JobSettings.describeParseError(e, flags));
      return 2;
    }
    try {
      JobSettings.check(options);
    } catch (IllegalArgumentException e) {
      err.println("infer: " + ConsoleLogging.oneLine(e));
      return 2;
    }
    if (Arrays.stream(flags).noneMatch(a -> a.startsWith("--runner"))) {
      // The embedded Flink runner streams the input through bounded memory; the DirectRunner keeps
      // every element of a bounded input in memory (gigabytes for 100k rows).
      options.setRunner(FlinkRunner.class);
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      if (Arrays.stream(flags).noneMatch(a -> a.startsWith("--flinkMaster"))) {
        flink.setFlinkMaster("[local]");
      }
      if (Arrays.stream(flags).noneMatch(a -> a.startsWith("--parallelism"))) {
        flink.setParallelism(Runtime.getRuntime().availableProcessors());
      }
    }
    if (RemoteFlink.isRemote(options)) {
      RemoteFlink.prepare(options, flags, out::println);
    }
    FakeProviderServer fake =
        options.getFakeProvider()
            ? FakeProviderServer.builder().recordRequests(false).keyless(true).start()
            : null;
    try {
      Job job;
      try {
        job = Job.plan(options, fake);
      } catch (IllegalArgumentException | IllegalStateException | IOException e) {
        err.println(
            "infer: "
                + ConsoleLogging.oneLine(e)
                + (e instanceof ApiKeys.MissingKeyException
                    ? " (or add --fakeProvider=true to try the job on the embedded fake provider)"
                    : ""));
        return 2;
      }
      if (fake != null) {
        out.println(
            "Using the embedded fake provider at " + fake.baseUrl() + " (no API key is needed).");
      } else if (options.getFakeProviderUrl() != null) {
        out.println(
            "Using the fake provider at "
                + options.getFakeProviderUrl()
                + " (no API key is needed).");
      }
      return job.run(out, err);
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  /**
   * Accepts {@code --name value} as well as Beam's {@code --name=value}, as users type both ({@code
   * ./run.sh --cache out/cache.db}).
   */
  static String[] joinValues(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")
          && !a.contains("=")
          && i + 1 < args.length
          && !args[i + 1].startsWith("--")) {
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
    for (String a : args) {
      if (a.startsWith("--config=")) {
        config = a.substring("--config=".length());
      }
    }
    if (config == null) {
      return args;
    }
    JsonNode yaml;
    try {
      yaml = new YAMLMapper().readTree(Files.readString(Path.of(config)));
    } catch (IOException e) {
      String parse = ConsoleLogging.parseProblem(e);
      throw new JobSettings.BadSetting(
          "config",
          parse != null
              ? config + " does not parse: " + parse
              : "cannot read "
                  + config
                  + " ("
                  + (e instanceof NoSuchFileException
                      ? "no such file"
                      : ConsoleLogging.oneLineOf(e))
                  + ")");
    }
    if (yaml == null || !yaml.isObject()) {
      throw new JobSettings.BadSetting(
          "config", config + " must hold settings by name (a YAML mapping)");
    }
    List<String> merged = new ArrayList<>();
    yaml.fields()
        .forEachRemaining(
            e ->
                merged.add(
                    "--"
                        + e.getKey()
                        + "="
                        + (e.getValue().isArray()
                            ? joined(e.getValue())
                            : e.getValue().isObject()
                                ? Json.write(e.getValue())
                                : e.getValue().asText())));
    for (String a : args) {
      if (!a.startsWith("--config=")) {
        merged.add(a);
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
    final long totalRows;
    final FakeProviderServer fake;

    /** The variables of the keys the job's models need (for the dry run's secret check). */
    final Set<String> keyVariables;

    /** The tools of {@code --mcpServers}, listed at planning; null when rows are not agents. */
    final ToolSet tools;

    /** Online or through the batch APIs ({@code --mode}), chosen at planning. */
    final JobMode mode;

    private Job(
        BatchInferenceOptions options,
        ModelRegistry registry,
        List<String> models,
        long totalRows,
        FakeProviderServer fake,
        Set<String> keyVariables,
        ToolSet tools) {
      this.options = options;
      this.registry = registry;
      this.models = models;
      this.totalRows = totalRows;
      this.fake = fake;
      this.keyVariables = keyVariables;
      this.tools = tools;
      this.mode = JobMode.of(options, totalRows, tools != null);
    }

    static Job plan(BatchInferenceOptions o, FakeProviderServer fake) throws IOException {
      ModelRegistry registry = ModelRegistry.defaults();
      if (o.getModelsFile() != null) {
        try {
          registry = registry.withModelsFrom(Path.of(o.getModelsFile()));
        } catch (RuntimeException e) {
          String parse = ConsoleLogging.parseProblem(e);
          throw new JobSettings.BadSetting(
              "modelsFile",
              parse != null
                  ? o.getModelsFile() + " does not parse: " + parse
                  : ConsoleLogging.oneLineOf(e));
        }
      }
      String fakeUrl = fake != null ? fake.baseUrl() : o.getFakeProviderUrl();
      if (fakeUrl != null) {
        registry = FakeProviderServer.pointRegistry(registry, fakeUrl);
        List<ModelSpec> keyless = new ArrayList<>();
        for (ModelSpec m : registry.models()) {
          keyless.add(m.toBuilder().setApiKeyEnv(null).build());
        }
        registry = registry.withModels(keyless);
      }
      List<String> models = JobSettings.models(o);
      Set<String> needed = new LinkedHashSet<>();
      for (String m : models) {
        known(registry, "models", m);
        if (EmbedTask.wanted(o)) {
          EmbedTask.checkModel(registry, m);
        }
        takesEffort(registry.lookup(m), o);
        takesBudget(registry.lookup(m), o);
        needed.add(m);
      }
      InputScan scan = InputScan.of(o.getInput());
      for (String m : scan.rowModels()) {
        if (registry.contains(m)) {
          needed.add(m);
        }
      }
      // Keys are read where the client runs: here only that each is set (a Secret Manager
      // reference counts, and is read by the workers).
      ApiKeys keys = JobSettings.apiKeys(o);
      Set<String> keyVariables = new LinkedHashSet<>();
      for (String m : needed) {
        keys.requireSet(registry.lookup(m));
        registry.lookup(m).apiKeyEnv().ifPresent(keyVariables::add);
      }
      for (String m : JobSettings.modelLimits(o).keySet()) {
        known(registry, "modelLimits", m);
      }
      if (o.getSharedLimits() != null && !JobSettings.reachesRedisFromHere(o)) {
        SharedLimits.redis(o.getSharedLimits());
      } else if (o.getSharedLimits() != null) {
        try {
          SharedLimits.redis(o.getSharedLimits()).checkReachable();
        } catch (IllegalStateException unreachable) {
          throw new JobSettings.BadSetting(
              "sharedLimits",
              ConsoleLogging.oneLineOf(unreachable).replaceFirst("^sharedLimits: ", ""));
        }
      }
      return new Job(o, registry, models, scan.rows(), fake, keyVariables, mcpTools(o));
    }

    /**
     * The tools of {@code --mcpServers}, listed here (the servers started, or reached) so that a
     * wrong command, URL or file stops the job before anything is sent; null without the option.
     * With {@code --remoteMcp=local} the rows are agents too (no tools here: the agent transform
     * lists those of {@code --remoteMcpServers} itself), and with {@code --builtinTools}, whose
     * tools join the set.
     */
    private static ToolSet mcpTools(BatchInferenceOptions o) {
      // An agent's turns offer its tool set's tools only: the provider's tools join it.
      List<ExecutableTool> builtin =
          JobSettings.builtinTools(o).stream().map(Tools::onProvider).toList();
      if (o.getMcpServers() == null) {
        boolean localRemote =
            o.getRemoteMcpServers() != null
                && o.getRemoteMcp() != null
                && o.getRemoteMcp().trim().equalsIgnoreCase("local");
        // Rows with the provider's tools are agents too, so that a turn the provider paused
        // (Anthropic's pause_turn) is carried on.
        return localRemote || !builtin.isEmpty() ? ToolSet.of(builtin) : null;
      }
      McpServers servers;
      try {
        servers = McpServers.fromFile(Path.of(o.getMcpServers()));
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new JobSettings.BadSetting("mcpServers", ConsoleLogging.oneLineOf(e));
      }
      List<ExecutableTool> listed;
      try {
        listed = servers.listTools();
      } catch (RuntimeException e) {
        throw new JobSettings.BadSetting("mcpServers", ConsoleLogging.oneLineOf(e));
      }
      if (listed.isEmpty()) {
        McpServers.release(listed);
        throw new JobSettings.BadSetting(
            "mcpServers", o.getMcpServers() + ": its servers list no tool");
      }
      return ToolSet.of(listed).plus(builtin);
    }

    /**
     * Checks that the registry knows a model an option names; its message suggests the closest ids.
     */
    private static void known(ModelRegistry registry, String option, String model) {
      try {
        registry.lookup(model);
      } catch (IllegalArgumentException unknown) {
        throw new JobSettings.BadSetting(option, ConsoleLogging.oneLineOf(unknown));
      }
    }

    /**
     * Refuses a reasoning effort (from {@code --reasoningEffort}, or a model id's suffix such as
     * {@code o3-minimal}) that a model of {@code --models} cannot take: its provider would refuse
     * every row.
     */
    private static void takesEffort(ModelSpec spec, BatchInferenceOptions o) {
      ReasoningEffort asked = JobSettings.reasoningEffort(o.getReasoningEffort());
      Optional<ReasoningEffort> effort =
          asked != null ? Optional.of(asked) : spec.reasoningEffort();
      effort
          .flatMap(e -> EffortSupport.refusal(spec, e))
          .ifPresent(
              why -> {
                throw new JobSettings.BadSetting(asked != null ? "reasoningEffort" : "models", why);
              });
    }

    /** Refuses a {@code --thinkingBudget} that a model of {@code --models} cannot take. */
    private static void takesBudget(ModelSpec spec, BatchInferenceOptions o) {
      if (o.getThinkingBudget() != null) {
        EffortSupport.budgetRefusal(spec, o.getThinkingBudget())
            .ifPresent(
                why -> {
                  throw new JobSettings.BadSetting("thinkingBudget", why);
                });
      }
    }

    LlmIO.Complete transform() {
      BatchInferenceOptions o = options;
      LlmIO.Complete io =
          LlmIO.complete()
              .withModels(models.toArray(String[]::new))
              .withRegistry(registry)
              .withLimits(new Limits(o.getRpm(), o.getTpm(), o.getMaxConcurrent()))
              .withNumWorkers(o.getLimitShares())
              .withMaxAttempts(o.getMaxAttempts())
              .withRequestTimeout(Duration.ofMillis((long) (o.getRequestTimeout() * 1000)))
              .withModelLimits(JobSettings.modelLimits(o))
              .withDedupe(o.getDedupe());
      io = JobSettings.withClientSettings(o, io);
      double[] weights = JobSettings.weights(o, models);
      if (weights != null) {
        io = io.withModelWeights(weights);
      }
      String store = JobSettings.checkpoint(o);
      if (store != null) {
        io = io.withCache(ResponseCache.at(store));
      }
      ApiKeys keys = JobSettings.apiKeys(o);
      if (!keys.secretReferences().isEmpty()) {
        io = io.withApiKeys(keys);
      }
      return mode.apply(io);
    }

    int run(PrintStream out, PrintStream err) {
      try {
        out.println(mode.describe());
        JobEstimate.print(options, registry, models, totalRows, mode.batch(), out);
        if (tools != null) {
          out.println(
              "Rows run as agents (at most "
                  + options.getMaxTurns()
                  + " turns) with "
                  + tools.definitions().size()
                  + (tools.definitions().size() == 1 ? " tool: " : " tools: ")
                  + String.join(", ", tools.definitions().stream().map(Tool::name).toList()));
        }
        if (options.getDryRun()) {
          return new DryRun(this, out, err).execute();
        }
        return new JobRun(build(), this, out, err).execute();
      } finally {
        if (tools != null) {
          // The launcher's share of the MCP clients: stdio servers stop with the last user.
          tools.release();
        }
      }
    }

    /** The job's pipeline, built with the runner of its options. */
    Pipeline build() {
      Pipeline p = Pipeline.create(options);
      var read = p.apply("ReadPrompts", new ReadPrompts(options.getInput()));
      PCollection<String> answers;
      PCollection<LlmFailure> failures;
      if (EmbedTask.wanted(options)) {
        List<PCollection<String>> lines =
            EmbedTask.apply(
                read.get(ReadPrompts.ROWS),
                EmbedTask.transform(options, registry, JobSettings.checkpoint(options)));
        lines
            .get(0)
            .apply("Write answers", TextIO.write().to(options.getOutput()).withoutSharding());
        PCollectionList.of(read.get(ReadPrompts.BAD))
            .and(lines.get(1))
            .apply("All failures", Flatten.pCollections())
            .apply("Write failures", TextIO.write().to(options.getFailures()).withoutSharding());
        return p;
      }
      if (HelperTask.wanted(options) != null) {
        HelperTask.Output result =
            HelperTask.apply(read.get(ReadPrompts.ROWS), transform(), options);
        answers = result.lines();
        failures = result.failures();
      } else if (ExtractTask.wanted(options)) {
        ExtractResult<String> result =
            ExtractTask.apply(read.get(ReadPrompts.ROWS), transform(), ExtractTask.schema(options));
        answers = ExtractTask.lines(result);
        failures = result.failures();
      } else if (tools != null) {
        AgentOutput result =
            read.get(ReadPrompts.ROWS)
                .apply(
                    "LlmIO",
                    LlmIO.agent()
                        .withClient(transform())
                        .withTools(tools)
                        .withMaxTurns(options.getMaxTurns())
                        .forRequests());
        answers =
            result
                .results()
                .apply(
                    "Answer lines",
                    MapElements.into(TypeDescriptors.strings()).via(OutputRows::agentAnswer));
        failures = result.failures();
      } else {
        LlmResult result = read.get(ReadPrompts.ROWS).apply("LlmIO", transform().forRequests());
        answers =
            result
                .responses()
                .apply(
                    "Answer lines",
                    MapElements.into(TypeDescriptors.strings()).via(OutputRows::answer));
        failures = result.failures();
      }
      answers.apply("Write answers", TextIO.write().to(options.getOutput()).withoutSharding());
      PCollection<String> failed =
          failures.apply(
              "Failure lines",
              MapElements.into(TypeDescriptors.strings()).via(OutputRows::failure));
      PCollectionList.of(read.get(ReadPrompts.BAD))
          .and(failed)
          .apply("All failures", Flatten.pCollections())
          .apply("Write failures", TextIO.write().to(options.getFailures()).withoutSharding());
      return p;
    }
  }
}

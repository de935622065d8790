package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.cache.RedisCache;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.client.ApiKeys;
import dev.beamllm.client.Limits;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.MediaResolution;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.Verbosity;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks of a job's settings that need no provider: every number in range, weights that match
 * the models, outputs that can be written. Each problem is one line naming the option, found before
 * anything is sent.
 */
final class JobSettings {
  private JobSettings() {}

  /** A setting that cannot work, named. */
  static final class BadSetting extends IllegalArgumentException {
    BadSetting(String option, String problem) {
      super("--" + option + ": " + problem);
    }
  }

  private static final Pattern BAD_VALUE =
      Pattern.compile(
          "Cannot deserialize value of type `java\\.lang\\.(\\w+)` from String \"(.*?)\"");
  private static final Pattern NO_PROPERTY = Pattern.compile("missing a property named '(\\w+)'");

  /** Beam's own complaint about the flags, in one line naming the option where Beam does not. */
  static String describeParseError(IllegalArgumentException e, String[] flags) {
    String message = ConsoleLogging.oneLineOf(e);
    Matcher bad = BAD_VALUE.matcher(message);
    if (bad.find()) {
      String type =
          switch (bad.group(1)) {
            case "Long", "Integer" -> "a whole number";
            case "Double" -> "a number";
            case "Boolean" -> "true or false";
            default -> "a " + bad.group(1);
          };
      for (String f : flags) {
        int eq = f.indexOf('=');
        if (f.startsWith("--") && eq > 0 && f.substring(eq + 1).equals(bad.group(2))) {
          return f.substring(0, eq) + ": '" + bad.group(2) + "' is not " + type;
        }
      }
      return "'" + bad.group(2) + "' is not " + type;
    }
    Matcher runner =
        Pattern.compile("Unknown 'runner' specified '(.*?)', supported pipeline runners (.*)")
            .matcher(message);
    if (runner.find() && runner.group(1).equals("DataflowRunner")) {
      return "--runner: the Dataflow runner is not in this jar: ./run.sh infer --runner=DataflowRunner"
          + " uses the one built with it (mvn -Pdataflow package; see README, Running on Dataflow)";
    }
    if (runner.find(0)) {
      return "--runner: unknown runner '"
          + runner.group(1)
          + "' (known here: "
          + runner.group(2).replaceAll("[\\[\\]]", "")
          + ")";
    }
    Matcher missing = NO_PROPERTY.matcher(message);
    if (missing.find()) {
      return "--" + missing.group(1) + ": no such option (--help lists every option)";
    }
    return message;
  }

  /** Checks the settings; throws a {@link BadSetting} for the first that cannot work. */
  static void check(BatchInferenceOptions o) {
    if (o.getInput() == null || o.getInput().isBlank()) {
      throw new BadSetting(
          "input", "is required (a JSONL or CSV file, or a glob); --help lists every option");
    }
    atLeast("rpm", o.getRpm(), 0, "0 (unlimited) or more");
    atLeast("tpm", o.getTpm(), 0, "0 (unlimited) or more");
    atLeast("maxConcurrent", o.getMaxConcurrent(), 1, "at least 1");
    atLeast("maxAttempts", o.getMaxAttempts(), 1, "at least 1");
    atLeast("limitShares", o.getLimitShares(), 1, "at least 1");
    if (o.getLimitShares() > 1 && o.getSharedLimits() != null) {
      // LlmIO would silently drop the split: the shared limits are the whole job's for everyone.
      throw new BadSetting(
          "limitShares",
          "splits the limits between workers, while --sharedLimits holds them for all workers at"
              + " once: give one or the other");
    }
    atLeast("maxNewTokens", o.getMaxNewTokens(), 1, "at least 1");
    atLeast("maxTurns", o.getMaxTurns(), 1, "at least 1");
    if (!(o.getRequestTimeout() > 0) || o.getRequestTimeout().isInfinite()) {
      throw new BadSetting(
          "requestTimeout", "must be a positive number of seconds, got " + o.getRequestTimeout());
    }
    withClientSettings(o, LlmIO.complete());
    JobMode.of(o, 0, o.getMcpServers() != null || o.getBuiltinTools() != null);
    EmbedTask.check(o);
    ExtractTask.check(o);
    HelperTask.check(o);
    if (!List.of("auto", "bar", "lines", "none")
        .contains(o.getProgress().toLowerCase(Locale.ROOT))) {
      throw new BadSetting(
          "progress", "must be auto, bar, lines or none, got '" + o.getProgress() + "'");
    }
    List<String> models = models(o);
    if (models.isEmpty()) {
      throw new BadSetting("models", "names no model");
    }
    weights(o, models);
    modelLimits(o);
    if (o.getFakeProvider() && o.getFakeProviderUrl() != null) {
      throw new BadSetting(
          "fakeProviderUrl",
          "give --fakeProvider=true (an embedded one) or --fakeProviderUrl, not both");
    }
    if (o.getFakeProviderUrl() != null && !o.getFakeProviderUrl().matches("https?://[^/\\s]+/?")) {
      throw new BadSetting(
          "fakeProviderUrl",
          "must be a URL such as http://127.0.0.1:8089, got '" + o.getFakeProviderUrl() + "'");
    }
    writable("output", o.getOutput());
    writable("failures", o.getFailures());
    if (o.getOutput() != null
        && Path.of(o.getOutput())
            .toAbsolutePath()
            .normalize()
            .equals(Path.of(o.getFailures()).toAbsolutePath().normalize())) {
      throw new BadSetting("failures", "is the same file as --output");
    }
    apiKeys(o);
    String store = checkpoint(o);
    String storeOption = o.getCache() != null ? "cache" : "checkpoint";
    if (store != null && isUri(store) && !reachesRedisFromHere(o)) {
      ResponseCache.at(store);
    } else if (store != null && isUri(store)) {
      reachable(storeOption, store);
    } else if (store != null && !store.equals("memory")) {
      writable(storeOption, store);
    }
  }

  /**
   * Whether the launcher probes the Redis servers before it starts: not in a dry run, which
   * contacts nothing, nor for Dataflow, whose workers reach Memorystore over a VPC the launching
   * machine is usually outside of.
   */
  static boolean reachesRedisFromHere(BatchInferenceOptions o) {
    return !o.getDryRun() && !o.getRunner().getSimpleName().equals("DataflowRunner");
  }

  /**
   * Where the workers find keys: their environment and {@code .env}, and the Secret Manager
   * references of {@code --apiKeySecrets}.
   */
  static ApiKeys apiKeys(BatchInferenceOptions o) {
    ApiKeys keys = ApiKeys.fromEnvironment();
    String spec = o.getApiKeySecrets();
    if (spec == null || spec.isBlank()) {
      return keys;
    }
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new BadSetting(
            "apiKeySecrets",
            "expected VARIABLE=gcp-secret://projects/P/secrets/S[,...], got '"
                + pair.strip()
                + "'");
      }
      try {
        keys = keys.withSecret(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new BadSetting("apiKeySecrets", e.getMessage().replaceFirst("^apiKeys: ", ""));
      }
    }
    return keys;
  }

  /** Whether a store setting is a URI (a Redis server), not a file. */
  private static boolean isUri(String store) {
    return store.trim().matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
  }

  /**
   * Checks that a Redis store can be reached and written now: a job whose checkpoint cannot be
   * stored would pay again for every row after a kill, so it stops before sending anything.
   */
  private static void reachable(String option, String uri) {
    try {
      if (ResponseCache.at(uri) instanceof RedisCache redis) {
        redis.checkReachable();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new BadSetting(option, e.getMessage());
    }
  }

  /** A store setting as it may be shown: a Redis URI with its password masked. */
  static String shown(String store) {
    if (!isUri(store)) {
      return store;
    }
    try {
      return ((RedisCache) ResponseCache.at(store)).redactedUri();
    } catch (RuntimeException e) {
      return "a Redis URI that does not parse";
    }
  }

  /**
   * The transform with the client settings of the flags applied: sampling, service tier, headers,
   * seed, APIs. Each flag goes through the library's own check, and a refusal names the flag.
   */
  static LlmIO.Complete withClientSettings(BatchInferenceOptions o, LlmIO.Complete io) {
    SamplingParams.Builder p = SamplingParams.builder();
    param("maxNewTokens", p, b -> b.maxNewTokens(o.getMaxNewTokens()));
    param("temperature", p, b -> b.temperature(o.getTemperature()));
    param("topP", p, b -> b.topP(o.getTopP()));
    param("jsonMode", p, b -> b.jsonMode(o.getJsonMode()));
    param("outputSchema", p, b -> b.outputSchema(outputSchema(o.getOutputSchema())));
    param("reasoningEffort", p, b -> b.reasoningEffort(reasoningEffort(o.getReasoningEffort())));
    param("thinkingBudget", p, b -> b.thinkingBudget(o.getThinkingBudget()));
    param("verbosity", p, b -> b.verbosity(choice(o.getVerbosity(), Verbosity.class)));
    param(
        "mediaResolution",
        p,
        b -> b.mediaResolution(choice(o.getMediaResolution(), MediaResolution.class)));
    param("logprobs", p, b -> b.logprobs(o.getLogprobs()));
    param("topLogprobs", p, b -> b.topLogprobs(o.getTopLogprobs()));
    LlmIO.Complete out = io.withSamplingParams(p.build());
    if (o.getServiceTier() != null) {
      out = flag("serviceTier", out::withServiceTier, o.getServiceTier());
    }
    if (o.getExtraHeaders() != null) {
      out = flag("extraHeaders", out::withExtraHeaders, extraHeaders(o.getExtraHeaders()));
    }
    if (o.getExtraBody() != null) {
      out = flag("extraBody", out::withExtraBody, o.getExtraBody());
    }
    if (o.getSharedLimits() != null) {
      out = flag("sharedLimits", out::withSharedLimits, o.getSharedLimits());
    }
    if (o.getRemoteMcpServers() != null) {
      McpServers servers;
      try {
        servers = McpServers.fromFile(Path.of(o.getRemoteMcpServers()));
      } catch (RuntimeException e) {
        throw new BadSetting("remoteMcpServers", ConsoleLogging.oneLineOf(e));
      }
      out = flag("remoteMcpServers", out::withRemoteMcpServers, servers);
    }
    if (o.getMaxCost() != null) {
      out = flag("maxCost", out::withMaxCost, o.getMaxCost());
    }
    if (o.getPromptCache() != null) {
      PromptCache cache;
      try {
        cache = PromptCache.parse(o.getPromptCache());
      } catch (IllegalArgumentException e) {
        throw new BadSetting("promptCache", ConsoleLogging.oneLineOf(e));
      }
      out = flag("promptCache", out::withPromptCache, cache);
    }
    if (o.getRemoteMcp() != null) {
      RemoteMcp mode;
      try {
        mode = choice(o.getRemoteMcp(), RemoteMcp.class);
      } catch (IllegalArgumentException e) {
        throw new BadSetting("remoteMcp", ConsoleLogging.oneLineOf(e));
      }
      out = flag("remoteMcp", out::withRemoteMcp, mode);
    }
    return out.withSeed(o.getSeed())
        .withResponsesApi(o.getResponsesApi())
        .withBackgroundMode(o.getBackgroundMode())
        .withKeepRawBody(o.getKeepRawBody());
  }

  /**
   * The tools of {@code --builtinTools} ({@code web_search}, {@code code_interpreter}), with the
   * providers' defaults; empty without the option.
   */
  static List<Tool> builtinTools(BatchInferenceOptions o) {
    List<Tool> tools = new ArrayList<>();
    if (o.getBuiltinTools() == null) {
      return tools;
    }
    for (String name : o.getBuiltinTools().split(",")) {
      String n = name.trim();
      Tool tool =
          switch (n) {
            case WebSearch.KIND -> Tool.webSearch();
            case CodeInterpreter.KIND -> Tool.codeInterpreter();
            default ->
                throw new BadSetting(
                    "builtinTools",
                    "'" + n + "' is not a built-in tool: web_search or code_interpreter");
          };
      if (tools.stream().anyMatch(t -> t.name().equals(n))) {
        throw new BadSetting("builtinTools", "'" + n + "' is named twice");
      }
      tools.add(tool);
    }
    return tools;
  }

  /** Sets one sampling flag and checks the parameters so far, so a refusal names that flag. */
  private static void param(
      String option, SamplingParams.Builder params, Consumer<SamplingParams.Builder> set) {
    try {
      set.accept(params);
      params.build();
    } catch (IllegalArgumentException e) {
      throw new BadSetting(option, ConsoleLogging.oneLineOf(e));
    }
  }

  private static <V> LlmIO.Complete flag(
      String option, Function<V, LlmIO.Complete> apply, V value) {
    try {
      return apply.apply(value);
    } catch (IllegalArgumentException e) {
      // The library names its setting ("extraBody: ..."); the flag's name is said already.
      throw new BadSetting(
          option, ConsoleLogging.oneLineOf(e).replaceFirst("^" + option + ": ", ""));
    }
  }

  /** A schema given inline (it starts with a brace) or as a file. */
  private static String outputSchema(String value) {
    if (value == null || value.trim().startsWith("{")) {
      return value;
    }
    try {
      return Files.readString(Path.of(value));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + value + ": " + ConsoleLogging.oneLineOf(e));
    }
  }

  /** The effort of {@code --reasoningEffort}, or null when not given. */
  static ReasoningEffort reasoningEffort(String value) {
    return choice(value, ReasoningEffort.class);
  }

  /** One of an enum's constants by name, any case; null stays null. */
  private static <E extends Enum<E>> E choice(String value, Class<E> type) {
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String names =
          Arrays.stream(type.getEnumConstants())
              .map(c -> c.name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
      throw new IllegalArgumentException("must be one of " + names + ", got '" + value + "'");
    }
  }

  private static Map<String, String> extraHeaders(String json) {
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (RuntimeException e) {
      throw new BadSetting("extraHeaders", "is not JSON: " + json);
    }
    if (!root.isObject()) {
      throw new BadSetting(
          "extraHeaders", "must map header names to values: {\"x-team\": \"data\"}");
    }
    Map<String, String> out = new LinkedHashMap<>();
    root.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The models of {@code --models}, trimmed. */
  static List<String> models(BatchInferenceOptions o) {
    return Arrays.stream(o.getModels().split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** The limits of {@code --modelLimits} by model, empty when not given. */
  static Map<String, Limits> modelLimits(BatchInferenceOptions o) {
    Map<String, Limits> out = new LinkedHashMap<>();
    if (o.getModelLimits() == null || o.getModelLimits().isBlank()) {
      return out;
    }
    JsonNode root;
    try {
      root = Json.parse(o.getModelLimits());
    } catch (RuntimeException e) {
      throw new BadSetting("modelLimits", "is not JSON: " + o.getModelLimits());
    }
    if (!root.isObject()) {
      throw new BadSetting("modelLimits", "must map models to {\"rpm\": N, \"tpm\": N}");
    }
    for (var it = root.fields(); it.hasNext(); ) {
      var e = it.next();
      long rpm = e.getValue().path("rpm").asLong(0);
      long tpm = e.getValue().path("tpm").asLong(0);
      if (!e.getValue().isObject() || rpm < 0 || tpm < 0) {
        throw new BadSetting(
            "modelLimits", "'" + e.getKey() + "' needs {\"rpm\": N, \"tpm\": N} with N >= 0");
      }
      out.put(e.getKey(), new Limits(rpm, tpm, 0));
    }
    return out;
  }

  /** The weights of {@code --weights}, one per model, or null when not given. */
  static double[] weights(BatchInferenceOptions o, List<String> models) {
    if (o.getWeights() == null) {
      return null;
    }
    String[] parts = o.getWeights().split(",");
    if (parts.length != models.size()) {
      throw new BadSetting(
          "weights",
          parts.length
              + " weights for "
              + models.size()
              + " models ("
              + String.join(",", models)
              + ")");
    }
    double[] w = new double[parts.length];
    double sum = 0;
    for (int i = 0; i < parts.length; i++) {
      try {
        w[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BadSetting("weights", "'" + parts[i].trim() + "' is not a number");
      }
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new BadSetting("weights", "must not be negative, got " + parts[i].trim());
      }
      sum += w[i];
    }
    if (sum <= 0) {
      throw new BadSetting("weights", "add up to zero");
    }
    return w;
  }

  /**
   * Where answers are stored as they arrive: {@code --cache} when given, else {@code --checkpoint},
   * by default beside the output; null when turned off with {@code --checkpoint=none}.
   */
  static String checkpoint(BatchInferenceOptions o) {
    if (o.getCache() != null) {
      return o.getCache();
    }
    String c = o.getCheckpoint();
    if (c != null && c.equalsIgnoreCase("none")) {
      return null;
    }
    if (c != null) {
      return c;
    }
    Path out = Path.of(o.getOutput());
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".checkpoint.db")
        .toString();
  }

  /** Checks that a file can be created or replaced there, creating its folders. */
  private static void writable(String option, String file) {
    Path path = Path.of(file).toAbsolutePath();
    if (Files.isDirectory(path)) {
      throw new BadSetting(option, file + " is a directory");
    }
    Path dir = path.getParent();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".beamllm-write-check", ".tmp");
      Files.delete(probe);
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw new BadSetting(
          option, "cannot write " + file + ": a part of its path is a file, not a folder");
    } catch (AccessDeniedException | SecurityException e) {
      throw new BadSetting(option, "cannot write in " + dir + ": permission denied");
    } catch (IOException e) {
      throw new BadSetting(option, "cannot write in " + dir + ": " + ConsoleLogging.oneLineOf(e));
    }
    if (Files.exists(path) && !Files.isWritable(path)) {
      throw new BadSetting(option, file + " cannot be written");
    }
  }

  private static void atLeast(String option, Number value, long min, String what) {
    if (value == null || value.doubleValue() < min) {
      throw new BadSetting(option, "must be " + what + ", got " + value);
    }
  }
}

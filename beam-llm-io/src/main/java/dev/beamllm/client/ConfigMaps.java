package dev.beamllm.client;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.MediaResolution;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.Verbosity;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads a {@link ClientConfig} from a map of settings (YAML or JSON, lm-deluge's key names),
 * refusing unknown keys. Each key is applied through the config's checked {@code withX}, and says
 * which one, so a test can check that every setting has a key.
 */
final class ConfigMaps {

  /** One map key: the {@link ClientConfig} setting it feeds and how a value is applied. */
  record Key(String name, String setting, BiFunction<ClientConfig, Object, ClientConfig> apply) {}

  private static final String KEY_RPM = "max_requests_per_minute";
  private static final String KEY_TPM = "max_tokens_per_minute";
  private static final String KEY_CONC = "max_concurrent_requests";

  static final List<Key> KEYS =
      List.of(
          new Key("models", "withModels", (c, v) -> c.withModels(strings(v))),
          new Key("model", "withModels", (c, v) -> c.withModels(strings(v))),
          new Key(
              "weights",
              "withModelWeights",
              (c, v) ->
                  c.withModelWeights(
                      strings(v).stream().mapToDouble(w -> number("weights", w)).toArray())),
          new Key(
              "models_file",
              "withRegistry",
              (c, v) -> c.withRegistry(ModelRegistry.defaults().withModelsFrom(Path.of(text(v))))),
          new Key(
              KEY_RPM,
              "withLimits",
              (c, v) -> {
                Limits l = c.limits();
                return c.withLimits(
                    new Limits(whole(KEY_RPM, v), l.tokensPerMinute(), l.maxConcurrentRequests()));
              }),
          new Key(
              KEY_TPM,
              "withLimits",
              (c, v) -> {
                Limits l = c.limits();
                return c.withLimits(
                    new Limits(
                        l.requestsPerMinute(), whole(KEY_TPM, v), l.maxConcurrentRequests()));
              }),
          new Key(
              KEY_CONC,
              "withLimits",
              (c, v) -> c.withLimits(c.limits().maxConcurrent((int) whole(KEY_CONC, v)))),
          new Key("model_limits", "withModelLimits", (c, v) -> c.withModelLimits(modelLimits(v))),
          new Key(
              "max_attempts",
              "withMaxAttempts",
              (c, v) -> c.withMaxAttempts((int) whole("max_attempts", v))),
          new Key(
              "request_timeout",
              "withRequestTimeout",
              (c, v) ->
                  c.withRequestTimeout(
                      Duration.ofMillis((long) (number("request_timeout", v) * 1000)))),
          new Key(
              "temperature",
              "withSamplingParams",
              params(v -> b -> b.temperature(number("temperature", v)))),
          new Key("top_p", "withSamplingParams", params(v -> b -> b.topP(number("top_p", v)))),
          new Key(
              "max_new_tokens",
              "withSamplingParams",
              params(v -> b -> b.maxNewTokens((int) whole("max_new_tokens", v)))),
          new Key(
              "json_mode",
              "withSamplingParams",
              params(v -> b -> b.jsonMode(flag("json_mode", v)))),
          new Key(
              "output_schema",
              "withSamplingParams",
              params(v -> b -> b.outputSchema(v instanceof Map<?, ?> ? json(v) : text(v)))),
          new Key(
              "reasoning_effort",
              "withSamplingParams",
              params(
                  v ->
                      b ->
                          b.reasoningEffort(choice("reasoning_effort", v, ReasoningEffort.class)))),
          new Key(
              "thinking_budget",
              "withSamplingParams",
              params(v -> b -> b.thinkingBudget((int) whole("thinking_budget", v)))),
          new Key(
              "verbosity",
              "withSamplingParams",
              params(v -> b -> b.verbosity(choice("verbosity", v, Verbosity.class)))),
          new Key(
              "media_resolution",
              "withSamplingParams",
              params(
                  v ->
                      b ->
                          b.mediaResolution(choice("media_resolution", v, MediaResolution.class)))),
          new Key(
              "logprobs", "withSamplingParams", params(v -> b -> b.logprobs(flag("logprobs", v)))),
          new Key(
              "top_logprobs",
              "withSamplingParams",
              params(v -> b -> b.topLogprobs((int) whole("top_logprobs", v)))),
          new Key("service_tier", "withServiceTier", (c, v) -> c.withServiceTier(text(v))),
          new Key("max_cost", "withMaxCost", (c, v) -> c.withMaxCost(number("max_cost", v))),
          new Key("prompt_cache", "withPromptCache", (c, v) -> c.withPromptCache(promptCache(v))),
          new Key("extra_headers", "withExtraHeaders", (c, v) -> c.withExtraHeaders(headers(v))),
          new Key(
              "extra_body",
              "withExtraBody",
              (c, v) -> c.withExtraBody(v instanceof Map<?, ?> ? json(v) : text(v))),
          new Key("seed", "withSeed", (c, v) -> c.withSeed(whole("seed", v))),
          new Key(
              "progress",
              "withProgress",
              (c, v) -> c.withProgress(choice("progress", v, StatusTracker.Display.class))),
          new Key(
              "keep_raw_body",
              "withKeepRawBody",
              (c, v) -> c.withKeepRawBody(flag("keep_raw_body", v))),
          new Key(
              "cache",
              "withCache",
              // memory, a redis:// URI or a SQLite file
              (c, v) -> c.withCache(ResponseCache.at(text(v)))),
          new Key(
              "shared_limits",
              "withSharedLimits",
              (c, v) -> c.withSharedLimits(SharedLimits.redis(text(v)))),
          new Key(
              "use_responses_api",
              "withResponsesApi",
              (c, v) -> c.withResponsesApi(flag("use_responses_api", v))),
          new Key(
              "background_mode",
              "withBackgroundMode",
              (c, v) -> c.withBackgroundMode(flag("background_mode", v))),
          // A Claude-Desktop-style file, or its form inline: {"mcpServers": {name: {url, ...}}}.
          new Key(
              "remote_mcp_servers",
              "withRemoteMcpServers",
              (c, v) ->
                  c.withRemoteMcpServers(
                      v instanceof Map<?, ?>
                          ? McpServers.fromJson(json(v))
                          : McpServers.fromFile(Path.of(text(v))))),
          new Key(
              "remote_mcp",
              "withRemoteMcp",
              (c, v) -> c.withRemoteMcp(choice("remote_mcp", v, RemoteMcp.class))));

  /**
   * The settings a map cannot hold, with the reason: they are Java objects or secrets. A test
   * checks that every other {@code withX} of {@link ClientConfig} has a key.
   */
  static final Map<String, String> NOT_IN_MAPS =
      Map.of(
          "withApiKeys", "keys are read from the environment or a .env file, never from a config",
          "withTools", "tools are Java objects (MCP servers will be configured apart)",
          "withPostprocess", "a hook is Java code");

  private ConfigMaps() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseYaml(String yaml) {
    try {
      return new YAMLMapper().readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("client config is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** The config the map describes, on top of the defaults; not yet {@link ClientConfig#check}ed. */
  static ClientConfig read(Map<String, ?> map) {
    Set<String> known = new TreeSet<>();
    KEYS.forEach(k -> known.add(k.name()));
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "unknown client setting '" + e.getKey() + "' (known: " + known + ")");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("client setting '" + e.getKey() + "' has no value");
      }
    }
    if (!map.containsKey("models") && !map.containsKey("model")) {
      throw new IllegalArgumentException("client config needs 'models'");
    }
    // In the order of KEYS, not of the map, so that a key that needs another (top_logprobs needs
    // logprobs) finds it set whatever order the file gives them in.
    ClientConfig config = ClientConfig.defaults();
    for (Key key : KEYS) {
      if (map.containsKey(key.name())) {
        config = key.apply().apply(config, map.get(key.name()));
      }
    }
    return config;
  }

  private static BiFunction<ClientConfig, Object, ClientConfig> params(
      Function<Object, UnaryOperator<SamplingParams.Builder>> change) {
    return (c, v) ->
        c.withSamplingParams(change.apply(v).apply(c.samplingParams().toBuilder()).build());
  }

  private static PromptCache promptCache(Object value) {
    try {
      return PromptCache.parse(text(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("client setting 'prompt_cache' " + e.getMessage());
    }
  }

  private static Map<String, Limits> modelLimits(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "client setting 'model_limits' must map models to {rpm: N, tpm: N}");
    }
    Map<String, Limits> out = new LinkedHashMap<>();
    map.forEach(
        (model, limits) -> {
          if (!(limits instanceof Map<?, ?> l)) {
            throw new IllegalArgumentException(
                "client setting 'model_limits': '" + model + "' needs {rpm: N, tpm: N}");
          }
          long rpm = l.containsKey("rpm") ? whole("model_limits", l.get("rpm")) : 0;
          long tpm = l.containsKey("tpm") ? whole("model_limits", l.get("tpm")) : 0;
          out.put(String.valueOf(model), new Limits(rpm, tpm, 0));
        });
    return out;
  }

  private static Map<String, String> headers(Object value) {
    if (!(value instanceof Map<?, ?> h)) {
      throw new IllegalArgumentException(
          "client setting 'extra_headers' must map header names to values");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    h.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
    return headers;
  }

  private static List<String> strings(Object value) {
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      list.forEach(v -> out.add(String.valueOf(v).trim()));
      return out;
    }
    return Arrays.stream(text(value).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static String text(Object value) {
    return String.valueOf(value).trim();
  }

  private static String json(Object value) {
    return Json.write(Json.MAPPER.valueToTree(value));
  }

  private static boolean flag(String key, Object value) {
    String v = text(value).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "client setting '" + key + "' must be true or false, got '" + value + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static <E extends Enum<E>> E choice(String key, Object value, Class<E> type) {
    try {
      return Enum.valueOf(type, text(value).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "client setting '"
              + key
              + "' must be one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(c -> c.name().toLowerCase(Locale.ROOT))
                  .toList()
              + ", got '"
              + value
              + "'");
    }
  }

  private static double number(String key, Object value) {
    try {
      return Double.parseDouble(text(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "client setting '" + key + "' must be a number, got '" + value + "'");
    }
  }

  private static long whole(String key, Object value) {
    double d = number(key, value);
    if (d != Math.rint(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(
          "client setting '" + key + "' must be a whole number, got '" + value + "'");
    }
    return (long) d;
  }
}

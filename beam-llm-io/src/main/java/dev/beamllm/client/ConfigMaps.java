package dev.beamllm.client;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a {@link ClientConfig} from a map of settings (YAML or JSON), refusing unknown keys. */
final class ConfigMaps {
  private static final Set<String> KEYS =
      Set.of(
          "models",
          "model",
          "weights",
          "max_requests_per_minute",
          "max_tokens_per_minute",
          "max_concurrent_requests",
          "max_attempts",
          "request_timeout",
          "temperature",
          "top_p",
          "max_new_tokens",
          "json_mode",
          "reasoning_effort",
          "logprobs",
          "top_logprobs",
          "service_tier",
          "extra_headers",
          "seed",
          "progress",
          "models_file",
          "use_responses_api",
          "background_mode");

  private ConfigMaps() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseYaml(String yaml) {
    try {
      return new YAMLMapper().readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("client config is not valid YAML: " + e.getMessage(), e);
    }
  }

  static ClientConfig.Builder read(Map<String, ?> map) {
    for (String k : map.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown client setting '" + k + "' (known: " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    ClientConfig.Builder b = ClientConfig.builder();
    Object models = map.containsKey("models") ? map.get("models") : map.get("model");
    if (models == null) {
      throw new IllegalArgumentException("client config needs 'models'");
    }
    b.setModels(strings(models));
    if (map.containsKey("weights")) {
      b.setWeights(strings(map.get("weights")).stream().map(Double::parseDouble).toList());
    }
    if (map.containsKey("models_file")) {
      b.setRegistry(
          ModelRegistry.defaults().withModelsFrom(Path.of(String.valueOf(map.get("models_file")))));
    }
    long rpm = longOf(map, "max_requests_per_minute", 0);
    long tpm = longOf(map, "max_tokens_per_minute", 0);
    int conc = (int) longOf(map, "max_concurrent_requests", Limits.DEFAULT_MAX_CONCURRENT);
    b.setLimits(new Limits(rpm, tpm, conc));
    b.setMaxAttempts((int) longOf(map, "max_attempts", ClientConfig.DEFAULT_MAX_ATTEMPTS));
    if (map.containsKey("request_timeout")) {
      b.setRequestTimeout(
          Duration.ofMillis(
              (long) (Double.parseDouble(String.valueOf(map.get("request_timeout"))) * 1000)));
    }
    SamplingParams.Builder p = SamplingParams.builder();
    if (map.containsKey("temperature")) {
      p.temperature(Double.parseDouble(String.valueOf(map.get("temperature"))));
    }
    if (map.containsKey("top_p")) {
      p.topP(Double.parseDouble(String.valueOf(map.get("top_p"))));
    }
    p.maxNewTokens((int) longOf(map, "max_new_tokens", SamplingParams.DEFAULT_MAX_NEW_TOKENS));
    p.jsonMode(
        Boolean.parseBoolean(
            String.valueOf(map.containsKey("json_mode") ? map.get("json_mode") : "false")));
    if (map.containsKey("reasoning_effort")) {
      p.reasoningEffort(
          ReasoningEffort.valueOf(
              String.valueOf(map.get("reasoning_effort")).toUpperCase(Locale.ROOT)));
    }
    p.logprobs(
        Boolean.parseBoolean(
            String.valueOf(map.containsKey("logprobs") ? map.get("logprobs") : "false")));
    if (map.containsKey("top_logprobs")) {
      p.topLogprobs((int) longOf(map, "top_logprobs", 0));
    }
    b.setSamplingParams(p.build());
    if (map.containsKey("service_tier")) {
      b.setServiceTier(String.valueOf(map.get("service_tier")));
    }
    if (map.get("extra_headers") instanceof Map<?, ?> h) {
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      h.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
      b.setExtraHeaders(headers);
    }
    b.setSeed(longOf(map, "seed", 0));
    b.setUseResponsesApi(flag(map, "use_responses_api"));
    b.setBackgroundMode(flag(map, "background_mode"));
    if (map.containsKey("progress")) {
      b.setProgress(
          StatusTracker.Display.valueOf(
              String.valueOf(map.get("progress")).toUpperCase(Locale.ROOT)));
    }
    return b;
  }

  private static List<String> strings(Object value) {
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      list.forEach(v -> out.add(String.valueOf(v).trim()));
      return out;
    }
    return Arrays.stream(String.valueOf(value).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static boolean flag(Map<String, ?> map, String key) {
    return Boolean.parseBoolean(String.valueOf(map.containsKey(key) ? map.get(key) : "false"));
  }

  private static long longOf(Map<String, ?> map, String key, long fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return (long) Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "client setting '" + key + "' must be a number, got '" + v + "'");
    }
  }
}

package dev.beamllm.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link ModelSpec} from the registry's JSON shape (also used by custom-model YAML files).
 */
final class ModelSpecJson {
  private ModelSpecJson() {}

  /**
   * Reads one model: {@code kind} ({@code chat} unless said), an embedding model's native {@code
   * dimensions}, a search-billed model's {@code prices.per_1k_searches}, and a transcription
   * model's {@code prices.per_minute} (billed by duration) or {@code prices.audio_input} (dollars
   * per million audio tokens). {@code strict} (the built-in registry) requires every field, {@code
   * source} (the page its prices come from) included; custom models need only {@code id}, {@code
   * wire_format} and {@code api_base}.
   */
  static ModelSpec read(JsonNode node, boolean strict) {
    String id = text(node, "id", null);
    if (id == null) {
      throw new IllegalArgumentException("model has no \"id\"");
    }
    try {
      String wire = text(node, "wire_format", null);
      String base = text(node, "api_base", null);
      if (wire == null || base == null) {
        throw new IllegalArgumentException("needs \"wire_format\" and \"api_base\"");
      }
      List<String> aliases = new ArrayList<>();
      node.path("aliases").forEach(a -> aliases.add(a.asText()));
      JsonNode prices = node.path("prices");
      JsonNode caps = node.path("capabilities");
      if (strict && (prices.isMissingNode() || caps.isMissingNode())) {
        throw new IllegalArgumentException("needs \"prices\" and \"capabilities\"");
      }
      // The built-in registry names the page each entry's prices come from (model-sources.md).
      if (strict && !text(node, "source", "").startsWith("https://")) {
        throw new IllegalArgumentException(
            "needs a \"source\": the https page its prices come from");
      }
      return ModelSpec.builder()
          .setId(id)
          .setAliases(aliases)
          .setProvider(text(node, "provider", "custom"))
          .setWireFormat(WireFormat.parse(wire))
          .setApiName(text(node, "api_name", id))
          .setApiBase(base)
          .setApiKeyEnv(text(node, "api_key_env", null))
          .setPrices(prices(prices))
          .setCapabilities(
              new Capabilities(
                  caps.path("json_mode").asBoolean(false),
                  caps.path("json_schema").asBoolean(false),
                  caps.path("images").asBoolean(false),
                  caps.path("pdfs").asBoolean(false),
                  caps.path("audio_input").asBoolean(false),
                  caps.path("logprobs").asBoolean(false),
                  caps.path("tools").asBoolean(false),
                  caps.path("reasoning").asBoolean(false),
                  caps.path("responses_api").asBoolean(false),
                  efforts(caps.path("reasoning_efforts"))))
          .setContextWindow(node.path("context_window").asInt(128_000))
          .setMaxOutputTokens(node.path("max_output_tokens").asInt(4_096))
          .setKind(ModelKind.parse(text(node, "kind", "chat")))
          .setDimensions(node.path("dimensions").asInt(0))
          .setSearchPrice(prices.path("per_1k_searches").asDouble(0))
          .setMinutePrice(prices.path("per_minute").asDouble(0))
          .setAudioInputPrice(prices.path("audio_input").asDouble(0))
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model '" + id + "': " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code {"input": 1.25, "output": 10, "cached_input": 0.125, "cache_write": null,
   * "service_tiers": {"priority": {"input": 2.5, ...}}, "long_prompt": {"above_tokens": 200000,
   * "input": 2.5, "output": 15, ...}}}.
   */
  private static Prices prices(JsonNode node) {
    LongPromptPrices longPrompt = null;
    JsonNode lp = node.get("long_prompt");
    if (lp != null && !lp.isNull()) {
      if (!lp.path("above_tokens").canConvertToLong() || !lp.hasNonNull("input")) {
        throw new IllegalArgumentException(
            "\"long_prompt\" needs \"above_tokens\" and the prices above it");
      }
      longPrompt = new LongPromptPrices(lp.get("above_tokens").asLong(), prices(lp));
    }
    Map<String, Prices> tiers = new LinkedHashMap<>();
    node.path("service_tiers")
        .fields()
        .forEachRemaining(e -> tiers.put(e.getKey(), prices(e.getValue())));
    return new Prices(
        node.path("input").asDouble(0),
        node.path("output").asDouble(0),
        optionalDouble(node, "cached_input"),
        optionalDouble(node, "cache_write"),
        tiers,
        longPrompt);
  }

  /** Reads {@code ["low", "high"]}; a name that is not an effort is refused. */
  private static Set<ReasoningEffort> efforts(JsonNode names) {
    Set<ReasoningEffort> efforts = EnumSet.noneOf(ReasoningEffort.class);
    for (JsonNode name : names) {
      efforts.add(ReasoningEffort.parse(name.asText()));
    }
    return efforts;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static Double optionalDouble(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asDouble();
  }
}

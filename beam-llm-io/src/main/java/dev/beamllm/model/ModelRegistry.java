package dev.beamllm.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The models the library can call, looked up by id or alias. Immutable and serializable, so a
 * registry with custom models travels inside a pipeline to its workers; {@code withX} returns a new
 * registry.
 *
 * <pre>{@code
 * ModelRegistry registry = ModelRegistry.defaults().withModelsFrom(Path.of("models.yaml"));
 * ModelSpec spec = registry.lookup("o4-mini-high");   // o4-mini with reasoning effort high
 * }</pre>
 */
public final class ModelRegistry implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String RESOURCE = "/dev/beamllm/model/models.json";
  private static volatile ModelRegistry defaults;

  private final Map<String, ModelSpec> byId;
  private final Map<String, String> idByAlias;

  private ModelRegistry(Map<String, ModelSpec> byId, Map<String, String> idByAlias) {
    this.byId = Collections.unmodifiableMap(byId);
    this.idByAlias = Collections.unmodifiableMap(idByAlias);
  }

  /** The built-in registry, read once from the bundled JSON resource. */
  public static ModelRegistry defaults() {
    ModelRegistry r = defaults;
    if (r == null) {
      synchronized (ModelRegistry.class) {
        if (defaults == null) {
          defaults = loadResource();
        }
        r = defaults;
      }
    }
    return r;
  }

  /** An empty registry, for callers who want only their own models. */
  public static ModelRegistry empty() {
    return new ModelRegistry(new LinkedHashMap<>(), new LinkedHashMap<>());
  }

  private static ModelRegistry loadResource() {
    try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("model registry resource " + RESOURCE + " is missing");
      }
      return empty().withModels(readModels(new ObjectMapper().readTree(in), true, RESOURCE));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read model registry " + RESOURCE, e);
    }
  }

  /**
   * Finds a model by id or alias, case-insensitively. An unknown name ending in a reasoning effort
   * ({@code -low}, {@code -high}, ...) finds the base model with that effort, if the base model
   * reasons. Bedrock models are also found under an inference profile ({@code
   * global.bedrock-claude-4.5-sonnet}), in a region ({@code bedrock-claude-4.5-sonnet@eu-west-1},
   * its own quota) and under the ids AWS gives them ({@code eu.anthropic.claude-...}; see {@link
   * BedrockProfiles}).
   *
   * @throws UnknownModelException naming the closest known ids
   */
  public ModelSpec lookup(String name) {
    return find(name).orElseThrow(() -> new UnknownModelException(name, suggestions(name)));
  }

  /**
   * Like {@link #lookup}, but empty instead of throwing for an unknown name.
   *
   * @throws IllegalArgumentException for a region or profile the named model cannot take
   */
  public Optional<ModelSpec> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String key = name.trim().toLowerCase(Locale.ROOT);
    ModelSpec exact = byId.get(idByAlias.getOrDefault(key, key));
    if (exact != null) {
      return Optional.of(exact);
    }
    Optional<ReasoningEffort> effort = ReasoningEffort.fromSuffix(key);
    if (effort.isPresent()) {
      String base = key.substring(0, key.length() - effort.get().wireName().length() - 1);
      ModelSpec spec = byId.get(idByAlias.getOrDefault(base, base));
      if (spec != null && spec.capabilities().reasoning()) {
        return Optional.of(spec.withReasoningEffort(effort.get()));
      }
    }
    return BedrockProfiles.resolve(key, this::find);
  }

  /** True when {@link #find} would find the name. */
  public boolean contains(String name) {
    return find(name).isPresent();
  }

  /** Every model, in registration order. */
  public Collection<ModelSpec> models() {
    return byId.values();
  }

  /** The number of models. */
  public int size() {
    return byId.size();
  }

  /**
   * A registry with this model added, replacing a model of the same id. Fails if one of its names
   * is already another model's.
   */
  public ModelRegistry withModel(ModelSpec spec) {
    return withModels(List.of(spec));
  }

  /** A registry with these models added (see {@link #withModel}). */
  public ModelRegistry withModels(Collection<ModelSpec> specs) {
    Map<String, ModelSpec> ids = new LinkedHashMap<>(byId);
    Map<String, String> aliases = new LinkedHashMap<>(idByAlias);
    for (ModelSpec spec : specs) {
      String id = spec.id().toLowerCase(Locale.ROOT);
      ModelSpec old = ids.put(id, spec);
      if (old != null) {
        old.aliases().forEach(a -> aliases.remove(a.toLowerCase(Locale.ROOT)));
      }
      if (aliases.containsKey(id)) {
        throw new IllegalArgumentException(
            "model id '" + spec.id() + "' is already an alias of '" + aliases.get(id) + "'");
      }
      for (String alias : spec.aliases()) {
        String a = alias.toLowerCase(Locale.ROOT);
        String owner = ids.containsKey(a) && !a.equals(id) ? a : aliases.get(a);
        if (owner != null && !owner.equals(id)) {
          throw new IllegalArgumentException(
              "alias '" + alias + "' of model '" + spec.id() + "' already names '" + owner + "'");
        }
        aliases.put(a, id);
      }
    }
    return new ModelRegistry(ids, aliases);
  }

  /**
   * A registry with the models of a YAML or JSON file added: {@code {"models": [...]}} where each
   * entry needs {@code id}, {@code wire_format} and {@code api_base}, and may give {@code
   * api_name}, {@code api_key_env}, {@code prices}, {@code capabilities}, {@code context_window},
   * {@code max_output_tokens}, {@code aliases}, {@code provider}, and for a model that is not a
   * chat model {@code kind} ({@code embedding}, {@code rerank} or {@code transcription}) with an
   * embedding model's native {@code dimensions}, a rerank model's {@code prices.per_1k_searches}
   * and a transcription model's {@code prices.per_minute} or {@code prices.audio_input}.
   */
  public ModelRegistry withModelsFrom(Path file) {
    JsonNode root;
    try {
      // YAML is a superset of JSON, so one parser reads both.
      root = new YAMLMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read models file " + file + ": " + e.getMessage(), e);
    }
    return withModels(readModels(root, false, file.toString()));
  }

  private static List<ModelSpec> readModels(JsonNode root, boolean strict, String source) {
    JsonNode models = root == null ? null : root.get("models");
    if (models == null || !models.isArray()) {
      throw new IllegalArgumentException(source + ": expected {\"models\": [...]}");
    }
    List<ModelSpec> specs = new ArrayList<>();
    int index = 0;
    for (JsonNode node : models) {
      index++;
      try {
        specs.add(ModelSpecJson.read(node, strict));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ", model " + index + ": " + e.getMessage(), e);
      }
    }
    return specs;
  }

  private List<String> suggestions(String name) {
    String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return byId.keySet().stream()
        .sorted(Comparator.comparingInt((String id) -> distance(key, id)).thenComparing(id -> id))
        .limit(3)
        .toList();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The specs of a client's models, each looked up once: the models it sprays across when it is built
 * (so a wrong name fails there, not on the first request), a request's own model on first use.
 * Thread-safe.
 */
final class ModelSpecs {
  private final ModelRegistry registry;
  private final Map<String, ModelSpec> specs = new ConcurrentHashMap<>();

  /**
   * Looks the client's models up.
   *
   * @throws IllegalArgumentException for a model the registry does not know
   */
  ModelSpecs(ModelRegistry registry, List<String> models) {
    this.registry = registry;
    for (String name : models) {
      specs.put(name, registry.lookup(name));
    }
  }

  /**
   * A model's spec.
   *
   * @throws IllegalArgumentException for a model the registry does not know
   */
  ModelSpec get(String model) {
    // A plain get first: computeIfAbsent locks the bin even when the spec is there.
    ModelSpec s = specs.get(model);
    return s != null ? s : specs.computeIfAbsent(model, registry::lookup);
  }
}

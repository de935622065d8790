package dev.beamllm.client;

import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The weighted choice of a model per request (spraying). Weights are normalised; a seed makes the
 * choice reproducible. Thread-safe.
 */
final class ModelPicker {
  private final List<String> models;
  private final double[] weights;
  private final Random random;

  ModelPicker(List<String> models, List<Double> weights, long seed) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one model is needed");
    }
    if (!weights.isEmpty() && weights.size() != models.size()) {
      throw new IllegalArgumentException(
          models.size() + " models but " + weights.size() + " weights");
    }
    this.models = List.copyOf(models);
    this.weights = new double[models.size()];
    double sum = 0;
    for (int i = 0; i < models.size(); i++) {
      double w = weights.isEmpty() ? 1.0 : weights.get(i);
      if (w < 0 || Double.isNaN(w)) {
        throw new IllegalArgumentException("weights must not be negative, got " + w);
      }
      this.weights[i] = w;
      sum += w;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("weights add up to zero");
    }
    for (int i = 0; i < this.weights.length; i++) {
      this.weights[i] /= sum;
    }
    this.random = new Random(seed);
  }

  /** The normalised weight of each model, in order. */
  double[] weights() {
    return weights.clone();
  }

  /** A model by weight among those not excluded; null when all are. */
  String pick(Set<String> excluded) {
    double total = 0;
    for (int i = 0; i < models.size(); i++) {
      if (!excluded.contains(models.get(i))) {
        total += weights[i];
      }
    }
    if (total <= 0) {
      // Only zero-weight models are left: take the first of them.
      return models.stream().filter(m -> !excluded.contains(m)).findFirst().orElse(null);
    }
    double r;
    synchronized (random) {
      r = random.nextDouble() * total;
    }
    for (int i = 0; i < models.size(); i++) {
      if (!excluded.contains(models.get(i))) {
        r -= weights[i];
        if (r < 0) {
          return models.get(i);
        }
      }
    }
    return models.stream().filter(m -> !excluded.contains(m)).reduce((a, b) -> b).orElse(null);
  }
}

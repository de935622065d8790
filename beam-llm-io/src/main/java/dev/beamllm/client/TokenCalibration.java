package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.Usage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each model's provider charges for a prompt, against the client's own estimate: providers
 * count prompts their own way (a tokenizer of their own, or characters / 4 + 4 per message as some
 * limiters estimate), and a reservation below what the provider charges draws 429s under a
 * tokens-per-minute limit. The ratio of the provider's reported prompt tokens to the estimate is
 * learnt per model (an exponentially weighted mean of the answers so far) and reservations are
 * scaled by it. Thread-safe.
 */
final class TokenCalibration {
  /** The weight of each new answer in the mean. */
  private static final double WEIGHT = 0.2;

  /** Ratios beyond these come from an answer that says little (a tiny prompt, a cached one). */
  private static final double MIN_RATIO = 0.5;

  private static final double MAX_RATIO = 4.0;

  /** Prompts shorter than this teach nothing: fixed per-message overheads dominate them. */
  private static final long MIN_ESTIMATE = 16;

  private final Map<String, Double> ratios = new ConcurrentHashMap<>();

  /** The tokens to reserve for a prompt the client estimates at {@code estimate} on a model. */
  long reserve(String model, long estimate) {
    Double r = ratios.get(model);
    return r == null ? estimate : (long) Math.ceil(estimate * r);
  }

  /**
   * Learns from an answer: the provider's prompt tokens (cache reads and writes included, however
   * the provider reports them) against the client's estimate of that prompt.
   */
  void learn(String model, ModelSpec spec, long estimate, Usage usage) {
    if (estimate < MIN_ESTIMATE) {
      return;
    }
    long charged =
        spec.wireFormat().inputIncludesCached()
            ? usage.inputTokens()
            : usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
    if (charged <= 0) {
      return;
    }
    double ratio = Math.max(MIN_RATIO, Math.min(MAX_RATIO, (double) charged / estimate));
    ratios.merge(model, ratio, (old, now) -> old + WEIGHT * (now - old));
  }

  /** The ratio learnt for a model, or 1 before its first answer. */
  double ratio(String model) {
    return ratios.getOrDefault(model, 1.0);
  }
}

package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How queries are ranked ({@link LlmClient#rerank}): the rerank model and how many of the best
 * documents each ranking keeps. Immutable; each {@code withX} checks its argument at once.
 */
@AutoValue
public abstract class RerankSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  RerankSettings() {}

  /** Rankings from this model (by id or alias), keeping every document. */
  public static RerankSettings of(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("rerank model: must be given");
    }
    return new AutoValue_RerankSettings(model.strip(), null);
  }

  /** The rerank model. */
  public abstract String model();

  abstract @Nullable Integer topNOrNull();

  /** How many of the best documents a ranking keeps, when limited. */
  public Optional<Integer> topN() {
    return Optional.ofNullable(topNOrNull());
  }

  /** Keeps the best {@code n} documents of each query (at least 1). */
  public RerankSettings withTopN(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("topN: must be at least 1, got " + n);
    }
    return new AutoValue_RerankSettings(model(), n);
  }
}

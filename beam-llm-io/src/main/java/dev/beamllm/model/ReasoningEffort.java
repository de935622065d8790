package dev.beamllm.model;

import java.util.Locale;
import java.util.Optional;

/** How hard a reasoning model should think; each provider maps it as it documents. */
public enum ReasoningEffort {
  NONE,
  MINIMAL,
  LOW,
  MEDIUM,
  HIGH,
  XHIGH;

  /** The lowercase name, also the model-id suffix ({@code o4-mini-high}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The effort with this wire name ({@code "low"}, any case).
   *
   * @throws IllegalArgumentException naming the efforts there are
   */
  public static ReasoningEffort parse(String name) {
    for (ReasoningEffort e : values()) {
      if (e.wireName().equalsIgnoreCase(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown reasoning effort '" + name + "'; one of none, minimal, low, medium, high, xhigh");
  }

  /** The effort named by a suffix of a model id ({@code -low}, {@code -high}, ...), if any. */
  static Optional<ReasoningEffort> fromSuffix(String name) {
    for (ReasoningEffort e : values()) {
      if (name.endsWith("-" + e.wireName())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}

package dev.beamllm.tool.prefab;

import java.util.Objects;

/** The prefixes of ready tools' names, checked so that every name made from one is valid. */
final class PrefabNames {
  private PrefabNames() {}

  /** A prefix of 1-40 letters, digits, {@code _} or {@code -}, leaving room for the suffixes. */
  static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "name");
    if (!prefix.matches("[a-zA-Z0-9_-]{1,40}")) {
      throw new IllegalArgumentException(
          "name: must be 1-40 letters, digits, _ or -, got '" + prefix + "'");
    }
    return prefix;
  }
}

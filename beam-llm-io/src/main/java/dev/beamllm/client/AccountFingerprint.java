package dev.beamllm.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * Names the provider account a client spends from, for keys that workers share: a short SHA-256
 * fingerprint of the keys its models use, so that jobs on different accounts never share a quota
 * and the keys themselves never leave the worker.
 */
final class AccountFingerprint {
  private AccountFingerprint() {}

  /** 16 hex digits of the keys' digest, or {@code "nokey"} when no model needs one. */
  static String of(ClientConfig config) {
    TreeMap<String, String> keys = new TreeMap<>();
    for (String m : config.models()) {
      config
          .registry()
          .lookup(m)
          .apiKeyEnv()
          .ifPresent(
              variable -> config.apiKeys().get(variable).ifPresent(v -> keys.put(variable, v)));
    }
    if (keys.isEmpty()) {
      return "nokey";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      keys.forEach(
          (variable, value) -> {
            sha.update(variable.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(value.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
          });
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}

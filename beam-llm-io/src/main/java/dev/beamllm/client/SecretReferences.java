package dev.beamllm.client;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keys kept in Google Secret Manager and named by reference ({@code
 * gcp-secret://projects/P/secrets/S[/versions/V]}): only the reference travels in a pipeline; the
 * value is read where the client runs and kept in this JVM only, once per secret version.
 */
final class SecretReferences {
  static final String SCHEME = "gcp-secret://";

  // Resource names as Secret Manager spells them; a version is a number or an alias (latest).
  private static final Pattern NAME =
      Pattern.compile("projects/[A-Za-z0-9._:-]+/secrets/[A-Za-z0-9_-]+/versions/[A-Za-z0-9_-]+");

  /** Reads one secret version's value: Secret Manager on a worker, a double in tests. */
  interface Resolver {
    /**
     * The value of a secret version.
     *
     * @param resourceName {@code projects/P/secrets/S/versions/V}
     * @throws IOException with a message that never holds the value
     */
    String access(String resourceName) throws IOException;
  }

  private static volatile Resolver resolver = new SecretManagerRest();

  // Values by resource name: every client of the JVM reads a secret once, not per request.
  private static final Map<String, String> VALUES = new ConcurrentHashMap<>();

  private SecretReferences() {}

  /** Whether a variable's value is a reference rather than a key. */
  static boolean isReference(String value) {
    return value != null && value.strip().startsWith(SCHEME);
  }

  /**
   * The resource name a reference names, {@code /versions/latest} added when it names none.
   *
   * @throws IllegalArgumentException naming the reference (never a value) when it is malformed
   */
  static String resourceName(String reference) {
    String r = reference == null ? "" : reference.strip();
    String name = r.startsWith(SCHEME) ? r.substring(SCHEME.length()) : "";
    if (name.matches("projects/[^/]+/secrets/[^/]+")) {
      name = name + "/versions/latest";
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + r
              + "' is not a Secret Manager reference: expected "
              + SCHEME
              + "projects/PROJECT/secrets/NAME[/versions/VERSION|latest]");
    }
    return name;
  }

  /**
   * The key a reference names, read once per JVM.
   *
   * @throws ApiKeys.MissingKeyException naming the variable and the secret, never its value
   */
  static String resolve(String variable, String reference) {
    String name = resourceName(reference);
    String cached = VALUES.get(name);
    if (cached != null) {
      return cached;
    }
    String value;
    try {
      value = resolver.access(name);
    } catch (IOException | RuntimeException e) {
      throw ApiKeys.MissingKeyException.unreadable(
          variable
              + ": cannot read the secret "
              + name
              + " from Secret Manager: "
              + e.getMessage());
    }
    if (value == null || value.isBlank()) {
      throw ApiKeys.MissingKeyException.unreadable(variable + ": the secret " + name + " is empty");
    }
    // Keys stored from a file often end in a newline, which no HTTP header may carry.
    String key = value.strip();
    VALUES.put(name, key);
    return key;
  }

  /** Replaces the resolver and forgets every value read: for tests only. */
  static void useResolver(Resolver replacement) {
    resolver = replacement;
    VALUES.clear();
  }

  /** Back to Secret Manager, with no value kept: for tests only. */
  static void reset() {
    useResolver(new SecretManagerRest());
  }
}

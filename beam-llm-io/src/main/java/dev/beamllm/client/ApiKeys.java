package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.Credentials;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where keys come from: keys given in code, then Secret Manager references given with {@link
 * #withSecret}, then the environment, then a {@code .env} file in the working directory. Only
 * variable <em>names</em> and secret <em>references</em> are serialized; values are read where the
 * client runs (on a Beam worker, in {@code @Setup}), so keys never enter a pipeline's serialized
 * form.
 *
 * <p>A value of the form {@code gcp-secret://projects/P/secrets/S[/versions/V]}, given with {@link
 * #withSecret} or found in the environment or {@code .env}, is a reference: the key is read from
 * Google Secret Manager on first use (the version {@code latest} when none is named) and kept in
 * that JVM only. The token comes from the machine's metadata server (a Dataflow worker's service
 * account, which needs {@code roles/secretmanager.secretAccessor}) or {@code
 * CLOUDSDK_AUTH_ACCESS_TOKEN}.
 */
public final class ApiKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, String> given;
  private final transient String everyKey;

  /** Secret Manager references by variable: names of secrets, never their values. */
  private final TreeMap<String, String> secrets;

  private ApiKeys(Map<String, String> given, String everyKey, Map<String, String> secrets) {
    this.given = given;
    this.everyKey = everyKey;
    this.secrets = new TreeMap<>(secrets);
  }

  /** Keys from the environment and {@code ./.env}. */
  public static ApiKeys fromEnvironment() {
    return new ApiKeys(Map.of(), null, Map.of());
  }

  /**
   * Keys given by variable name (e.g. {@code OPENAI_API_KEY}), ahead of the environment. Not
   * serialized.
   */
  public static ApiKeys of(Map<String, String> keys) {
    return new ApiKeys(Map.copyOf(keys), null, Map.of());
  }

  /** One key for every variable: for a fake or local server that takes any key. Not serialized. */
  public static ApiKeys sameForAll(String key) {
    return new ApiKeys(Map.of(), key, Map.of());
  }

  /**
   * The same keys, with {@code variable}'s key read from Google Secret Manager where the client
   * runs: only the reference is serialized, so a pipeline carries it to its workers without the
   * key.
   *
   * @param reference {@code gcp-secret://projects/P/secrets/S[/versions/V]}
   * @throws IllegalArgumentException when the reference is malformed (checked now, not on a worker)
   */
  public ApiKeys withSecret(String variable, String reference) {
    if (variable == null || !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "apiKeys: '" + variable + "' is not a variable name such as OPENAI_API_KEY");
    }
    SecretReferences.resourceName(reference);
    Map<String, String> more = new TreeMap<>(secretReferences());
    more.put(variable, reference.strip());
    return new ApiKeys(given, everyKey, more);
  }

  /** The Secret Manager references given with {@link #withSecret}, by variable. */
  public Map<String, String> secretReferences() {
    return secrets == null ? Map.of() : Map.copyOf(secrets);
  }

  /**
   * True when keys were given in code: they are not serialized, so a pipeline cannot carry them to
   * its workers.
   */
  public boolean holdsValues() {
    return everyKey != null || (given != null && !given.isEmpty());
  }

  /**
   * The value of a variable: given, else its Secret Manager reference, else environment, else
   * {@code .env}; a reference found in either is read from Secret Manager.
   *
   * @throws MissingKeyException naming the variable and the secret (never a value) when a
   *     referenced secret cannot be read
   */
  public Optional<String> get(String variable) {
    return setting(variable)
        .map(v -> SecretReferences.isReference(v) ? SecretReferences.resolve(variable, v) : v);
  }

  /**
   * Whether a variable is set anywhere, without reading any secret: what a launcher checks before
   * it submits a job whose workers read the keys.
   */
  public boolean isSet(String variable) {
    return setting(variable).isPresent();
  }

  /** A variable's setting as written: a key, or a reference not read yet. */
  private Optional<String> setting(String variable) {
    // Keys mounted from files often end in a newline, which no HTTP header may carry.
    if (everyKey != null) {
      return Optional.of(everyKey.strip());
    }
    if (given != null && given.containsKey(variable)) {
      return Optional.of(given.get(variable).strip());
    }
    if (secrets != null && secrets.containsKey(variable)) {
      return Optional.of(secrets.get(variable));
    }
    String env = System.getenv(variable);
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    return Optional.ofNullable(dotEnv().get(variable)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * The credentials for a model: its key variable, or for Bedrock a bearer key ({@code
   * AWS_BEARER_TOKEN_BEDROCK}) or AWS access keys.
   *
   * @throws MissingKeyException naming the variable when it is not set anywhere
   */
  public Credentials credentials(ModelSpec model) {
    return credentials(model, this::get);
  }

  /**
   * Checks that a model's key is set somewhere, reading no secret (a reference counts as set): a
   * launcher's check before it hands the job to workers that read the keys.
   *
   * @throws MissingKeyException naming the variable when it is not set anywhere
   */
  public void requireSet(ModelSpec model) {
    credentials(model, this::setting);
  }

  private static Credentials credentials(
      ModelSpec model, Function<String, Optional<String>> lookup) {
    if (model.apiKeyEnv().isEmpty()) {
      return Credentials.none();
    }
    if (model.provider().equals("bedrock")) {
      Optional<String> bearer = lookup.apply("AWS_BEARER_TOKEN_BEDROCK");
      if (bearer.isPresent()) {
        return Credentials.apiKey(bearer.get());
      }
      Optional<String> id = lookup.apply("AWS_ACCESS_KEY_ID");
      Optional<String> secret = lookup.apply("AWS_SECRET_ACCESS_KEY");
      if (id.isPresent() && secret.isPresent()) {
        return Credentials.aws(
            id.get(), secret.get(), lookup.apply("AWS_SESSION_TOKEN").orElse(null));
      }
      throw new MissingKeyException(
          model.id(),
          List.of("AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
    }
    String variable = model.apiKeyEnv().get();
    return Credentials.apiKey(
        lookup
            .apply(variable)
            .orElseThrow(() -> new MissingKeyException(model.id(), List.of(variable))));
  }

  private static Map<String, String> dotEnv() {
    Path file = Path.of(".env");
    Map<String, String> out = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
          continue;
        }
        if (l.startsWith("export ")) {
          l = l.substring(7).strip();
        }
        int eq = l.indexOf('=');
        String value = l.substring(eq + 1).strip();
        if (value.length() >= 2
            && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        out.put(l.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  @Override
  public String toString() {
    if (everyKey != null) {
      return "ApiKeys{one key for every variable (not serialized)}";
    }
    return "ApiKeys{"
        + (given == null || given.isEmpty() ? "" : given.size() + " given (not serialized), then ")
        + (secrets == null || secrets.isEmpty()
            ? ""
            : "Secret Manager for " + secrets.keySet() + ", then ")
        + "environment}";
  }

  /** A model's key is set nowhere, or its Secret Manager reference cannot be read. */
  public static final class MissingKeyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private MissingKeyException(String message) {
      super(message);
    }

    /**
     * A referenced secret that cannot be read: the request fails as without a key (an AUTH error
     * naming the variable and the secret), not the bundle.
     */
    static MissingKeyException unreadable(String message) {
      return new MissingKeyException(message);
    }

    MissingKeyException(String model, List<String> variables) {
      super(
          "no API key for model '"
              + model
              + "': set "
              + String.join(" or ", variables)
              + " in the environment or in a .env file in the working directory");
    }
  }
}

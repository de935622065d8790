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

/**
 * Where keys come from: keys given in code, then the environment, then a {@code .env} file in the
 * working directory. Only variable <em>names</em> are serialized; values are read where the client
 * runs (on a Beam worker, in {@code @Setup}), so keys never enter a pipeline's serialized form.
 */
public final class ApiKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, String> given;
  private final transient String everyKey;

  private ApiKeys(Map<String, String> given, String everyKey) {
    this.given = given;
    this.everyKey = everyKey;
  }

  /** Keys from the environment and {@code ./.env}. */
  public static ApiKeys fromEnvironment() {
    return new ApiKeys(Map.of(), null);
  }

  /**
   * Keys given by variable name (e.g. {@code OPENAI_API_KEY}), ahead of the environment. Not
   * serialized.
   */
  public static ApiKeys of(Map<String, String> keys) {
    return new ApiKeys(Map.copyOf(keys), null);
  }

  /** One key for every variable: for a fake or local server that takes any key. Not serialized. */
  public static ApiKeys sameForAll(String key) {
    return new ApiKeys(Map.of(), key);
  }

  /**
   * True when keys were given in code: they are not serialized, so a pipeline cannot carry them to
   * its workers.
   */
  public boolean holdsValues() {
    return everyKey != null || (given != null && !given.isEmpty());
  }

  /** The value of a variable: given, else environment, else {@code .env}. */
  public Optional<String> get(String variable) {
    // Keys mounted from files often end in a newline, which no HTTP header may carry.
    if (everyKey != null) {
      return Optional.of(everyKey.strip());
    }
    if (given != null && given.containsKey(variable)) {
      return Optional.of(given.get(variable).strip());
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
    if (model.apiKeyEnv().isEmpty()) {
      return Credentials.none();
    }
    if (model.provider().equals("bedrock")) {
      Optional<String> bearer = get("AWS_BEARER_TOKEN_BEDROCK");
      if (bearer.isPresent()) {
        return Credentials.apiKey(bearer.get());
      }
      Optional<String> id = get("AWS_ACCESS_KEY_ID");
      Optional<String> secret = get("AWS_SECRET_ACCESS_KEY");
      if (id.isPresent() && secret.isPresent()) {
        return Credentials.aws(id.get(), secret.get(), get("AWS_SESSION_TOKEN").orElse(null));
      }
      throw new MissingKeyException(
          model.id(),
          List.of("AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
    }
    String variable = model.apiKeyEnv().get();
    return Credentials.apiKey(
        get(variable).orElseThrow(() -> new MissingKeyException(model.id(), List.of(variable))));
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
        + (given == null || given.isEmpty()
            ? "environment"
            : given.size() + " given (not serialized), then environment")
        + "}";
  }

  /** A model's key is set nowhere. */
  public static final class MissingKeyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

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

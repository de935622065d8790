package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.tool.Tool;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Everything an {@link LlmClient} is configured with. Immutable and serializable (keys are not in
 * it: they are read where the client runs), so a Beam transform can carry it to its workers.
 */
@AutoValue
@SerializableAutoValue
public abstract class ClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Attempts per request when none is given. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The per-attempt timeout when none is given. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** The models to spray across, by id or alias. */
  public abstract List<String> models();

  /** Their weights (empty: uniform). */
  public abstract List<Double> weights();

  /** Where model ids are looked up. */
  public abstract ModelRegistry registry();

  /** Sampling parameters for every model without its own. */
  public abstract SamplingParams samplingParams();

  /** Sampling parameters per model id. */
  public abstract Map<String, SamplingParams> perModelParams();

  /** Client-wide limits. */
  public abstract Limits limits();

  /**
   * Limits of single models (providers limit per model), by model id or alias, held within the
   * client-wide limits: requests/min and tokens/min (0: only the client-wide limit).
   */
  public abstract Map<String, Limits> perModelLimits();

  /** Attempts per request, the first included. */
  public abstract int maxAttempts();

  /** The timeout of one attempt. */
  public abstract Duration requestTimeout();

  /** Tools offered with every request. */
  public abstract List<Tool> tools();

  /** Headers added to every request. */
  public abstract Map<String, String> extraHeaders();

  /** The provider's service tier, if any. */
  public abstract Optional<String> serviceTier();

  /** How progress is shown. */
  public abstract StatusTracker.Display progress();

  /** The seed of the model choice. */
  public abstract long seed();

  /** Whether answers keep the provider's raw body. */
  public abstract boolean keepRawBody();

  /** Where keys come from. */
  public abstract ApiKeys apiKeys();

  /** The answer cache, if any. */
  public abstract Optional<ResponseCache> cache();

  /**
   * Whether OpenAI models served by both APIs use the Responses API instead of chat completions.
   */
  public abstract boolean useResponsesApi();

  /**
   * Whether requests run as background jobs that the client polls, where the API can (OpenAI
   * Responses); the request timeout then bounds the whole job, which is cancelled when it runs out.
   */
  public abstract boolean backgroundMode();

  /** The hook applied to every answer, if any. */
  public abstract Optional<Postprocessor> postprocess();

  /**
   * A builder with the defaults: uniform weights, 5 attempts, 60 s per attempt, no rate limits,
   * progress on AUTO, chat completions for OpenAI, no background mode.
   */
  public static Builder builder() {
    return new AutoValue_ClientConfig.Builder()
        .setWeights(List.of())
        .setRegistry(ModelRegistry.defaults())
        .setSamplingParams(SamplingParams.defaults())
        .setPerModelParams(Map.of())
        .setLimits(Limits.unlimited())
        .setPerModelLimits(Map.of())
        .setMaxAttempts(DEFAULT_MAX_ATTEMPTS)
        .setRequestTimeout(DEFAULT_REQUEST_TIMEOUT)
        .setTools(List.of())
        .setExtraHeaders(Map.of())
        .setProgress(StatusTracker.Display.AUTO)
        .setSeed(0)
        .setKeepRawBody(false)
        .setUseResponsesApi(false)
        .setBackgroundMode(false)
        .setApiKeys(ApiKeys.fromEnvironment());
  }

  /** A builder starting from this config. */
  public abstract Builder toBuilder();

  /** A summary for logs: never header values, which may hold keys. */
  @Override
  public String toString() {
    return "ClientConfig{models="
        + models()
        + ", weights="
        + weights()
        + ", limits="
        + limits()
        + ", maxAttempts="
        + maxAttempts()
        + ", requestTimeout="
        + requestTimeout()
        + ", extraHeaders="
        + extraHeaders().keySet()
        + "}";
  }

  /** The sampling parameters for a model. */
  public SamplingParams paramsFor(String modelId) {
    return perModelParams().getOrDefault(modelId, samplingParams());
  }

  /** Builds {@link ClientConfig}s. */
  @AutoValue.Builder
  public abstract static class Builder {
    /** Sets the models. */
    public abstract Builder setModels(List<String> models);

    /** Sets the weights. */
    public abstract Builder setWeights(List<Double> weights);

    /** Sets the registry. */
    public abstract Builder setRegistry(ModelRegistry registry);

    /** Sets the default sampling parameters. */
    public abstract Builder setSamplingParams(SamplingParams params);

    /** Sets sampling parameters per model id. */
    public abstract Builder setPerModelParams(Map<String, SamplingParams> params);

    /** Sets the limits. */
    public abstract Builder setLimits(Limits limits);

    /** Sets limits of single models, by id or alias. */
    public abstract Builder setPerModelLimits(Map<String, Limits> limits);

    /** Sets the attempts per request. */
    public abstract Builder setMaxAttempts(int attempts);

    /** Sets the per-attempt timeout. */
    public abstract Builder setRequestTimeout(Duration timeout);

    /** Sets the tools. */
    public abstract Builder setTools(List<Tool> tools);

    /** Sets the extra headers. */
    public abstract Builder setExtraHeaders(Map<String, String> headers);

    /** Sets the service tier. */
    public abstract Builder setServiceTier(@Nullable String tier);

    /** Sets the progress display. */
    public abstract Builder setProgress(StatusTracker.Display display);

    /** Sets the seed. */
    public abstract Builder setSeed(long seed);

    /** Keeps raw bodies. */
    public abstract Builder setKeepRawBody(boolean keep);

    /** Sets where keys come from. */
    public abstract Builder setApiKeys(ApiKeys keys);

    /** Sets the cache. */
    public abstract Builder setCache(@Nullable ResponseCache cache);

    /** Sets the postprocess hook. */
    public abstract Builder setPostprocess(@Nullable Postprocessor postprocess);

    /** Sends OpenAI's models through the Responses API where they have it. */
    public abstract Builder setUseResponsesApi(boolean use);

    /** Runs requests as polled background jobs where the API can. */
    public abstract Builder setBackgroundMode(boolean background);

    abstract ClientConfig autoBuild();

    /**
     * Builds and checks the config: models known, weights matching, attempts and timeout positive.
     */
    public ClientConfig build() {
      ClientConfig c = autoBuild();
      if (c.models().isEmpty()) {
        throw new IllegalArgumentException("at least one model is needed");
      }
      c.models().forEach(m -> c.registry().lookup(m));
      if (!c.weights().isEmpty() && c.weights().size() != c.models().size()) {
        throw new IllegalArgumentException(
            c.models().size() + " models but " + c.weights().size() + " weights");
      }
      if (c.maxAttempts() < 1) {
        throw new IllegalArgumentException(
            "maxAttempts must be at least 1, got " + c.maxAttempts());
      }
      if (c.requestTimeout().isNegative() || c.requestTimeout().isZero()) {
        throw new IllegalArgumentException("the request timeout must be positive");
      }
      return c;
    }
  }
}

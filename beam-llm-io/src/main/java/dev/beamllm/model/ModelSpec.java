package dev.beamllm.model;

import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.response.Usage;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Everything the library needs to call one model and price its usage. Immutable; found through
 * {@link ModelRegistry#lookup}.
 */
@AutoValue
@SerializableAutoValue
public abstract class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Our name for the model, e.g. {@code gpt-4.1-mini} or {@code o4-mini-high}. */
  public abstract String id();

  /** Other names that find this model (dated snapshots, common short names). */
  public abstract List<String> aliases();

  /** Who serves it: {@code openai}, {@code anthropic}, {@code bedrock}, {@code together}, ... */
  public abstract String provider();

  /** The API shape used to call it. */
  public abstract WireFormat wireFormat();

  /** The model string the provider's API expects. */
  public abstract String apiName();

  /** The base URL the wire format appends its path to. */
  public abstract String apiBase();

  /** The environment variable holding the API key; empty for servers without keys. */
  public abstract Optional<String> apiKeyEnv();

  /** Prices per million tokens. */
  public abstract Prices prices();

  /** What the model can serve. */
  public abstract Capabilities capabilities();

  /** The context window in tokens. */
  public abstract int contextWindow();

  /** The most output tokens one request may ask for. */
  public abstract int maxOutputTokens();

  /** The reasoning effort chosen by an id suffix such as {@code -high}, if any. */
  public abstract Optional<ReasoningEffort> reasoningEffort();

  /**
   * The cloud region the model is called in when its name pins one ({@code
   * bedrock-claude-4.5-sonnet@eu-west-1}); it then wins over {@code AWS_REGION}.
   */
  public abstract Optional<String> region();

  /** What the model does: chat, embedding or rerank. */
  public abstract ModelKind kind();

  /**
   * An embedding model's native vector length (the length it gives when no shorter one is asked
   * for); 0 for other models.
   */
  public abstract int dimensions();

  /**
   * Dollars per 1,000 searches, for a model billed by the search (Cohere's rerank models, whose
   * answers report {@code search_units}); 0 for models billed by the token only.
   */
  public abstract double searchPrice();

  /**
   * Dollars per minute of audio, for a transcription model billed by the audio's duration
   * (whisper-1, whose answers report {@code usage.seconds}); 0 for others.
   */
  public abstract double minutePrice();

  /**
   * Dollars per million audio input tokens, for a transcription model billed by the token
   * (gpt-4o-transcribe, whose answers report {@code input_token_details.audio_tokens}); its text
   * tokens (the prompt) and output tokens are priced by {@link #prices()}. Chat models that take
   * audio (gpt-4o-audio-preview, Gemini) record their audio price here too, for reference; a chat
   * answer's cost still prices all its input tokens at the text rate. 0 when not recorded.
   */
  public abstract double audioInputPrice();

  /** A builder for custom models. */
  public static Builder builder() {
    return new AutoValue_ModelSpec.Builder()
        .setAliases(List.of())
        .setPrices(Prices.FREE)
        .setCapabilities(Capabilities.TEXT_ONLY)
        .setContextWindow(128_000)
        .setMaxOutputTokens(4_096)
        .setKind(ModelKind.CHAT)
        .setDimensions(0)
        .setSearchPrice(0)
        .setMinutePrice(0)
        .setAudioInputPrice(0);
  }

  /** A builder starting from this spec. */
  public abstract Builder toBuilder();

  /** This model used with a reasoning effort, named {@code id-effort}. */
  public ModelSpec withReasoningEffort(ReasoningEffort effort) {
    return toBuilder()
        .setId(id() + "-" + effort.wireName())
        .setAliases(List.of())
        .setReasoningEffort(effort)
        .build();
  }

  /**
   * The dollar cost of a transcription's usage as its provider reports it: the billed seconds at
   * {@link #minutePrice} (whisper-1), plus the prompt's text tokens at the input price, the audio
   * tokens at {@link #audioInputPrice} and the transcript's tokens at the output price (the gpt-4o
   * transcribe models). What was not reported counts 0.
   */
  public double transcriptionCost(
      double seconds, long textTokens, long audioTokens, long outputTokens) {
    return seconds / 60.0 * minutePrice()
        + (textTokens * prices().input()
                + audioTokens * audioInputPrice()
                + outputTokens * prices().output())
            / 1_000_000.0;
  }

  /**
   * The dollar cost of a request's usage at the standard tier; see {@link #cost(Usage, String)}.
   */
  public double cost(Usage usage) {
    return cost(usage, null);
  }

  /**
   * The dollar cost of a request's usage, by the provider's rule: for OpenAI-style APIs the
   * reported input includes cache reads, which are priced at the cached rate; for Anthropic and
   * Bedrock cache reads and writes are reported apart from the input and priced at their own rates.
   * The prices are those of the prompt's length ({@link Prices#longPrompt}: past the threshold the
   * whole request costs more) at the service tier the answer reports ({@link ServiceTierRules}).
   *
   * @param serviceTier the tier the provider says served the request, or null for the standard one
   */
  public double cost(Usage usage, @Nullable String serviceTier) {
    return cost(usage, serviceTier, 0);
  }

  /**
   * The dollar cost as {@link #cost(Usage, String)}, with {@code hourCacheWrites} of the cache
   * writes priced at twice the input price, as Anthropic prices prefixes cached for an hour (the
   * registry's cache-write price is that of five minutes).
   */
  public double cost(Usage usage, @Nullable String serviceTier, long hourCacheWrites) {
    long hour = Math.max(0, Math.min(hourCacheWrites, usage.cacheWriteTokens()));
    boolean includesCached = wireFormat().inputIncludesCached();
    long prompt =
        includesCached
            ? usage.inputTokens()
            : usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
    Prices p = ServiceTierRules.pricesFor(provider(), prices().forPrompt(prompt), serviceTier);
    long uncachedInput =
        includesCached
            ? Math.max(0, usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens())
            : usage.inputTokens();
    // Audio tokens at the audio price where the model has one, scaled as the tier scales the input.
    long audio = audioInputPrice() > 0 ? Math.min(uncachedInput, usage.audioInputTokens()) : 0;
    double audioPrice =
        prices().input() > 0 ? audioInputPrice() * p.input() / prices().input() : audioInputPrice();
    double micro =
        (uncachedInput - audio) * p.input()
            + audio * audioPrice
            + usage.cacheReadTokens() * p.cachedInputOrInput()
            + (usage.cacheWriteTokens() - hour) * p.cacheWriteOrInput()
            + hour * 2 * p.input()
            + usage.outputTokens() * p.output();
    return micro / 1_000_000.0;
  }

  /** Builds {@link ModelSpec}s. */
  @AutoValue.Builder
  public abstract static class Builder {
    /** Sets the registry id, unique among models and aliases (lookups ignore case). */
    public abstract Builder setId(String id);

    /** Sets other names the model is found by (an alias may not be another model's id). */
    public abstract Builder setAliases(List<String> aliases);

    /** Sets the provider name. */
    public abstract Builder setProvider(String provider);

    /** Sets the HTTP API shape the model is reached through, which picks its adapter. */
    public abstract Builder setWireFormat(WireFormat wireFormat);

    /** Sets the model string sent to the API. */
    public abstract Builder setApiName(String apiName);

    /** Sets the base URL. */
    public abstract Builder setApiBase(String apiBase);

    /** Sets the API key variable; null for none. */
    public abstract Builder setApiKeyEnv(@Nullable String apiKeyEnv);

    /** Sets the dollars per million tokens (input, cached input, cache writes, output). */
    public abstract Builder setPrices(Prices prices);

    /** Sets what the model can take (images, PDFs, tools, schemas, logprobs, reasoning). */
    public abstract Builder setCapabilities(Capabilities capabilities);

    /** Sets the most input plus output tokens one request may use. */
    public abstract Builder setContextWindow(int tokens);

    /** Sets the most output tokens the provider allows; requests asking for more are capped. */
    public abstract Builder setMaxOutputTokens(int tokens);

    /**
     * Sets the reasoning effort its id implies ({@code o4-mini-high}), used when a request gives
     * none.
     */
    public abstract Builder setReasoningEffort(@Nullable ReasoningEffort effort);

    /** Pins the region the model is called in (Bedrock); null leaves it to the environment. */
    public abstract Builder setRegion(@Nullable String region);

    /** Sets what the model does, which picks the endpoint it is called through. */
    public abstract Builder setKind(ModelKind kind);

    /** Sets an embedding model's native vector length; 0 for other models. */
    public abstract Builder setDimensions(int dimensions);

    /** Sets the dollars per 1,000 searches of a model billed by the search; 0 for none. */
    public abstract Builder setSearchPrice(double dollarsPerThousandSearches);

    /** Sets the dollars per minute of audio of a transcription model billed by duration. */
    public abstract Builder setMinutePrice(double dollarsPerMinute);

    /** Sets the dollars per million audio input tokens of a transcription model. */
    public abstract Builder setAudioInputPrice(double dollarsPerMillionAudioTokens);

    abstract List<String> aliases();

    abstract ModelSpec autoBuild();

    /** Builds the spec; aliases are copied into an immutable list. */
    public ModelSpec build() {
      setAliases(List.copyOf(aliases()));
      ModelSpec spec = autoBuild();
      if (spec.id().isBlank()) {
        throw new IllegalArgumentException("model id is empty");
      }
      if (spec.dimensions() < 0
          || spec.searchPrice() < 0
          || spec.minutePrice() < 0
          || spec.audioInputPrice() < 0) {
        throw new IllegalArgumentException(
            "model "
                + spec.id()
                + ": dimensions and search, minute and audio prices must not be negative");
      }
      if (spec.contextWindow() <= 0 || spec.maxOutputTokens() < 0) {
        throw new IllegalArgumentException(
            "model " + spec.id() + ": context window and output limit must be positive");
      }
      return spec;
    }
  }
}

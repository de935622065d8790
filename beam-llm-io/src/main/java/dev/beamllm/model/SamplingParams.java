package dev.beamllm.model;

import com.google.auto.value.AutoValue;
import com.google.auto.value.extension.serializable.SerializableAutoValue;
import dev.beamllm.prompt.internal.Json;
import java.io.Serializable;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How to sample: temperature, top-p, output limit, JSON output, reasoning effort or thinking
 * budget, verbosity, media resolution and log-probabilities. Immutable; {@code withX} returns a
 * copy. Unset values are left to the provider's defaults.
 */
@AutoValue
@SerializableAutoValue
public abstract class SamplingParams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The output limit when none is given, as lm-deluge's default. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 512;

  /** Sampling temperature, 0 to 2 (higher is more varied); empty leaves the provider's default. */
  public abstract Optional<Double> temperature();

  /**
   * Nucleus sampling: sample only from the most likely tokens whose probabilities add up to this.
   */
  public abstract Optional<Double> topP();

  /**
   * The most output tokens per request; adapters send it capped at the model's own output limit.
   */
  public abstract int maxNewTokens();

  /** Ask for a JSON object. */
  public abstract boolean jsonMode();

  /** A JSON schema the output must satisfy (implies JSON output). */
  public abstract Optional<String> outputSchema();

  /** How hard a reasoning model should think. */
  public abstract Optional<ReasoningEffort> reasoningEffort();

  /**
   * An explicit thinking budget in tokens, for providers that take one (Anthropic, Bedrock Claude,
   * Gemini 2.5, Cohere); it wins over the budget a reasoning effort would give. Models that take an
   * effort by name instead refuse it before anything is sent.
   */
  public abstract Optional<Integer> thinkingBudget();

  /** How long the answer should be (OpenAI's GPT-5 family; others are not sent it). */
  public abstract Optional<Verbosity> verbosity();

  /** How much detail images and PDF pages get (Gemini; others are not sent it). */
  public abstract Optional<MediaResolution> mediaResolution();

  /** Ask for per-token log-probabilities. */
  public abstract boolean logprobs();

  /** How many alternatives per token (with {@link #logprobs()}). */
  public abstract Optional<Integer> topLogprobs();

  /** The defaults: provider temperature, 512 output tokens, text output. */
  public static SamplingParams defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new AutoValue_SamplingParams.Builder()
        .maxNewTokens(DEFAULT_MAX_NEW_TOKENS)
        .jsonMode(false)
        .logprobs(false);
  }

  /** A builder starting from these params. */
  public abstract Builder toBuilder();

  /** A copy with this temperature. */
  public SamplingParams withTemperature(double t) {
    return toBuilder().temperature(t).build();
  }

  /** A copy with this output limit. */
  public SamplingParams withMaxNewTokens(int n) {
    return toBuilder().maxNewTokens(n).build();
  }

  /** A copy asking for output that satisfies the schema. */
  public SamplingParams withOutputSchema(String schemaJson) {
    return toBuilder().outputSchema(schemaJson).build();
  }

  /** A copy asking for output shaped like the record class (see {@link RecordSchemas}). */
  public SamplingParams withOutputSchema(Class<? extends Record> type) {
    return withOutputSchema(RecordSchemas.of(type));
  }

  /** A copy with this reasoning effort. */
  public SamplingParams withReasoningEffort(ReasoningEffort effort) {
    return toBuilder().reasoningEffort(effort).build();
  }

  /** A copy with this thinking budget in tokens. */
  public SamplingParams withThinkingBudget(int tokens) {
    return toBuilder().thinkingBudget(tokens).build();
  }

  /** Builds {@link SamplingParams}. */
  @AutoValue.Builder
  public abstract static class Builder {
    /** Sets the temperature (0 to 2). */
    public abstract Builder temperature(@Nullable Double t);

    /** Sets top-p (0 to 1). */
    public abstract Builder topP(@Nullable Double p);

    /** Sets the output limit. */
    public abstract Builder maxNewTokens(int n);

    /** Asks for a JSON object. */
    public abstract Builder jsonMode(boolean on);

    /** Sets a JSON schema the answer must satisfy (a JSON object as text; implies JSON output). */
    public abstract Builder outputSchema(@Nullable String schemaJson);

    /** Sets how hard a reasoning model thinks; models that do not reason ignore it. */
    public abstract Builder reasoningEffort(@Nullable ReasoningEffort effort);

    /** Sets an explicit thinking budget in tokens (0 turns thinking off where a model allows). */
    public abstract Builder thinkingBudget(@Nullable Integer tokens);

    /** Sets how long the answer should be (OpenAI's GPT-5 family). */
    public abstract Builder verbosity(@Nullable Verbosity verbosity);

    /** Sets how much detail images and PDF pages get (Gemini). */
    public abstract Builder mediaResolution(@Nullable MediaResolution resolution);

    /** Asks for each output token's log-probability (models whose capabilities allow it). */
    public abstract Builder logprobs(boolean on);

    /** Sets how many alternatives per token. */
    public abstract Builder topLogprobs(@Nullable Integer n);

    abstract SamplingParams autoBuild();

    /** Builds and checks the ranges. */
    public SamplingParams build() {
      SamplingParams p = autoBuild();
      p.temperature()
          .ifPresent(t -> check(t >= 0 && t <= 2, "temperature must be in [0, 2], got " + t));
      p.topP().ifPresent(t -> check(t > 0 && t <= 1, "top_p must be in (0, 1], got " + t));
      check(p.maxNewTokens() > 0, "max_new_tokens must be positive, got " + p.maxNewTokens());
      p.topLogprobs()
          .ifPresent(n -> check(n >= 0 && n <= 20, "top_logprobs must be in [0, 20], got " + n));
      check(p.topLogprobs().isEmpty() || p.logprobs(), "top_logprobs needs logprobs");
      p.thinkingBudget()
          .ifPresent(n -> check(n >= 0, "thinking_budget must not be negative, got " + n));
      p.outputSchema()
          .ifPresent(
              s -> check(Json.parse(s).isObject(), "the output schema must be a JSON object"));
      return p;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}

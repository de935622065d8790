package dev.beamllm.client;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How audio is transcribed ({@link LlmClient#transcribe}): the model, and optionally the audio's
 * language, a prompt guiding the model and the sampling temperature. Each is part of a transcript's
 * cache key. Immutable; each {@code withX} checks its argument at once.
 */
@AutoValue
public abstract class TranscribeSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  TranscribeSettings() {}

  /** Transcripts from this model (by id or alias), language detected by the model. */
  public static TranscribeSettings of(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("transcription model: must be given");
    }
    return new AutoValue_TranscribeSettings.Builder().setModel(model.strip()).build();
  }

  /** The transcription model. */
  public abstract String model();

  abstract @Nullable String languageOrNull();

  abstract @Nullable String promptOrNull();

  abstract @Nullable Double temperatureOrNull();

  abstract Builder toBuilder();

  /** The audio's language (ISO-639-1, e.g. {@code en}), when given. */
  public Optional<String> language() {
    return Optional.ofNullable(languageOrNull());
  }

  /** The prompt guiding the model (spellings, a previous segment's transcript), when given. */
  public Optional<String> prompt() {
    return Optional.ofNullable(promptOrNull());
  }

  /** The sampling temperature, when given. */
  public Optional<Double> temperature() {
    return Optional.ofNullable(temperatureOrNull());
  }

  /**
   * The audio is in this language, an ISO-639-1 code such as {@code en} or {@code fr}: giving it
   * improves accuracy and latency.
   */
  public TranscribeSettings withLanguage(String language) {
    if (language == null || !language.strip().matches("[A-Za-z]{2,3}")) {
      throw new IllegalArgumentException(
          "language: an ISO-639-1 code such as \"en\" is expected, got " + language);
    }
    return toBuilder().setLanguageOrNull(language.strip().toLowerCase(Locale.ROOT)).build();
  }

  /** A prompt guiding the model's style or spellings; must not be blank. */
  public TranscribeSettings withPrompt(String prompt) {
    if (prompt == null || prompt.isBlank()) {
      throw new IllegalArgumentException("prompt: must not be blank");
    }
    return toBuilder().setPromptOrNull(prompt).build();
  }

  /** The sampling temperature, between 0 and 1. */
  public TranscribeSettings withTemperature(double temperature) {
    if (!(temperature >= 0 && temperature <= 1)) {
      throw new IllegalArgumentException(
          "temperature: must be between 0 and 1, got " + temperature);
    }
    return toBuilder().setTemperatureOrNull(temperature).build();
  }

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setModel(String model);

    abstract Builder setLanguageOrNull(@Nullable String language);

    abstract Builder setPromptOrNull(@Nullable String prompt);

    abstract Builder setTemperatureOrNull(@Nullable Double temperature);

    abstract TranscribeSettings build();
  }
}

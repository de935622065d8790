package dev.beamllm.response;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * One audio file's transcript, or the error that ended it: the id the file was given, the model,
 * the text, the usage as the provider billed it — seconds of audio for a model billed by duration
 * (whisper-1), tokens for one billed by the token (gpt-4o-transcribe: the prompt's text tokens, the
 * audio tokens, the transcript's output tokens) — and its cost. Immutable.
 */
public final class Transcription implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String model;
  private final String text;
  private final double seconds;
  private final long textTokens;
  private final long audioTokens;
  private final long outputTokens;
  private final double cost;
  private final boolean cacheHit;
  private final ApiError error;

  private Transcription(
      String id,
      String model,
      String text,
      double seconds,
      long textTokens,
      long audioTokens,
      long outputTokens,
      double cost,
      boolean cacheHit,
      ApiError error) {
    this.id = id;
    this.model = Objects.requireNonNull(model, "model");
    this.text = text;
    this.seconds = seconds;
    this.textTokens = textTokens;
    this.audioTokens = audioTokens;
    this.outputTokens = outputTokens;
    this.cost = cost;
    this.cacheHit = cacheHit;
    this.error = error;
  }

  /**
   * A file's transcript.
   *
   * @param id the file's id, or null
   * @param seconds the billed seconds of audio, 0 when the provider bills tokens
   * @param textTokens the prompt's input tokens
   * @param audioTokens the audio's input tokens
   * @param outputTokens the transcript's tokens
   * @param cost the dollars it cost
   */
  public static Transcription of(
      String id,
      String model,
      String text,
      double seconds,
      long textTokens,
      long audioTokens,
      long outputTokens,
      double cost) {
    Objects.requireNonNull(text, "text");
    if (seconds < 0 || textTokens < 0 || audioTokens < 0 || outputTokens < 0 || cost < 0) {
      throw new IllegalArgumentException("a transcription's usage and cost must not be negative");
    }
    return new Transcription(
        id, model, text, seconds, textTokens, audioTokens, outputTokens, cost, false, null);
  }

  /** A file that got no transcript, and why. */
  public static Transcription failed(String id, String model, ApiError error) {
    return new Transcription(
        id, model, null, 0, 0, 0, 0, 0, false, Objects.requireNonNull(error, "error"));
  }

  /** The same transcript under another id, marked as served from the cache (costing nothing). */
  public Transcription fromCache(String newId) {
    return new Transcription(
        newId, model, text, seconds, textTokens, audioTokens, outputTokens, 0, true, error);
  }

  /** The same transcript under another id. */
  public Transcription withId(String newId) {
    return new Transcription(
        newId, model, text, seconds, textTokens, audioTokens, outputTokens, cost, cacheHit, error);
  }

  /** The file's id, if it had one. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The model's id. */
  public String model() {
    return model;
  }

  /** The transcript; empty for an error. */
  public String text() {
    return text == null ? "" : text;
  }

  /** The seconds of audio billed (whisper-1); 0 for a model billed by the token. */
  public double seconds() {
    return seconds;
  }

  /** The prompt's input tokens (gpt-4o transcribe models). */
  public long textTokens() {
    return textTokens;
  }

  /** The audio's input tokens (gpt-4o transcribe models). */
  public long audioTokens() {
    return audioTokens;
  }

  /** The transcript's output tokens (gpt-4o transcribe models). */
  public long outputTokens() {
    return outputTokens;
  }

  /** Every input token, text and audio. */
  public long inputTokens() {
    return textTokens + audioTokens;
  }

  /** What it cost, in dollars (0 for a cache hit). */
  public double cost() {
    return cost;
  }

  /** Whether it came from the cache without a request. */
  public boolean cacheHit() {
    return cacheHit;
  }

  /** The error that ended it, if any. */
  public Optional<ApiError> error() {
    return Optional.ofNullable(error);
  }

  /** True when it ended in an error. */
  public boolean isError() {
    return error != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transcription t
        && Objects.equals(id, t.id)
        && model.equals(t.model)
        && Objects.equals(text, t.text)
        && Double.compare(seconds, t.seconds) == 0
        && textTokens == t.textTokens
        && audioTokens == t.audioTokens
        && outputTokens == t.outputTokens
        && Double.compare(cost, t.cost) == 0
        && cacheHit == t.cacheHit
        && Objects.equals(error, t.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, model, text, seconds, textTokens, audioTokens, outputTokens, cost, cacheHit, error);
  }

  /** Names the file, model and usage; the transcript only by its length. */
  @Override
  public String toString() {
    return "Transcription{id="
        + id
        + ", model="
        + model
        + (error != null ? ", error=" + error : ", chars=" + text.length())
        + ", seconds="
        + seconds
        + ", inputTokens="
        + inputTokens()
        + ", outputTokens="
        + outputTokens
        + "}";
  }
}

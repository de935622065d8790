package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link TranscriptionApi} needs to build one transcription call: one audio file and
 * the options that change its transcript.
 *
 * @param model the transcription model
 * @param fileName the file's name, extension included: providers tell the audio's format by it
 *     ({@code .wav}, {@code .mp3}, ...)
 * @param audio the file's bytes (not copied: a file may be tens of megabytes; nobody changes them)
 * @param language the audio's language as an ISO-639-1 code ({@code en}), or null to let the model
 *     detect it
 * @param prompt text to guide the model (spellings, the previous segment's transcript), or null
 * @param temperature the sampling temperature between 0 and 1, or null for the provider's default
 * @param credentials the key, never logged
 * @param extraHeaders headers added to the call, after the adapter's own, as for chat requests
 */
public record TranscriptionRequest(
    ModelSpec model,
    String fileName,
    byte[] audio,
    String language,
    String prompt,
    Double temperature,
    Credentials credentials,
    Map<String, String> extraHeaders) {

  /** Checks the file is there; copies the headers. */
  public TranscriptionRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(audio, "audio");
    extraHeaders = Map.copyOf(extraHeaders);
    if (fileName == null || fileName.isBlank()) {
      throw new IllegalArgumentException("a transcription request needs the file's name");
    }
    if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
      throw new IllegalArgumentException("temperature must be between 0 and 1, got " + temperature);
    }
  }
}

package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;

/**
 * A provider's speech-to-text endpoint (OpenAI's and Azure OpenAI's {@code /audio/transcriptions},
 * and the OpenAI-compatible servers' that have it): one audio file uploaded as {@code
 * multipart/form-data}, answered with its transcript. {@link Adapters#transcriptionApi} finds the
 * one of a wire format; it builds every call as the format's chat adapter builds its own, so keys,
 * API versions and extra headers apply alike, and a non-2xx answer is classified by that adapter's
 * {@link ProviderAdapter#error error}.
 */
public interface TranscriptionApi {

  /** Whether this API transcribes with the model: a transcription model of the API's provider. */
  boolean transcribes(ModelSpec model);

  /**
   * The largest file one call takes, in bytes, as the provider documents it; a caller refuses a
   * larger file without sending it (the provider would read it all and answer 413).
   */
  long maxFileBytes(ModelSpec model);

  /**
   * The call that uploads the request's file: a binary {@link HttpCall}.
   *
   * @throws IllegalArgumentException for a file larger than {@link #maxFileBytes}
   */
  HttpCall transcribe(TranscriptionRequest request);

  /**
   * The transcript and usage of a 2xx answer.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body holds no transcript
   */
  Transcribed parse(TranscriptionRequest request, HttpAnswer answer);

  /**
   * A transcription call's result, with the usage as the provider reports it: by duration
   * (whisper-1) or by tokens (gpt-4o-transcribe); what was not reported is 0.
   *
   * @param text the transcript
   * @param seconds the audio's billed duration in seconds
   * @param textTokens the input text tokens (the prompt)
   * @param audioTokens the input audio tokens
   * @param outputTokens the transcript's tokens
   */
  record Transcribed(
      String text, double seconds, long textTokens, long audioTokens, long outputTokens) {}
}

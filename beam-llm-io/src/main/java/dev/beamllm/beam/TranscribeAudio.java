package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.AudioInput;
import dev.beamllm.client.TranscribeSettings;
import dev.beamllm.response.Transcription;

/**
 * {@code PTransform<PCollection<AudioInput>, TranscribeResult>} ({@link LlmIO#transcribe}): every
 * audio file's transcript through one client per JVM, under the limits, retries and cache of
 * completions; each file is one request, and the requests in flight ({@link #withLimits}) also
 * bound the audio each worker holds in memory. Immutable; each {@code withX} returns a new
 * transform.
 */
@AutoValue
public abstract class TranscribeAudio
    extends ProviderTransform<AudioInput, Transcription, TranscribeResult, TranscribeAudio> {
  private static final long serialVersionUID = 1L;

  private static final Feature<Transcription, TranscribeResult> FEATURE =
      new Feature<>(
          "Transcribe",
          "transcriptions",
          "Transcription",
          TranscriptionCoder.of(),
          TranscribeResult::new);

  /** The model and its options. */
  public abstract TranscribeSettings settings();

  static TranscribeAudio of(String model) {
    return new AutoValue_TranscribeAudio(ClientSpec.of(model), TranscribeSettings.of(model));
  }

  @Override
  TranscribeAudio withSpec(ClientSpec spec) {
    return new AutoValue_TranscribeAudio(spec, settings());
  }

  private TranscribeAudio with(TranscribeSettings s) {
    return new AutoValue_TranscribeAudio(spec(), s);
  }

  /** The audio's language; see {@link TranscribeSettings#withLanguage}. */
  public TranscribeAudio withLanguage(String language) {
    return with(settings().withLanguage(language));
  }

  /** A prompt guiding the model; see {@link TranscribeSettings#withPrompt}. */
  public TranscribeAudio withPrompt(String prompt) {
    return with(settings().withPrompt(prompt));
  }

  /** The sampling temperature; see {@link TranscribeSettings#withTemperature}. */
  public TranscribeAudio withTemperature(double temperature) {
    return with(settings().withTemperature(temperature));
  }

  @Override
  ServiceCallFn.Call<AudioInput, Transcription> call() {
    TranscribeSettings s = settings();
    return new ServiceCallFn.Call<>(
        (client, files) -> client.transcribe(files, s),
        1,
        Transcription::isError,
        LlmMetrics::transcribed);
  }

  @Override
  Feature<Transcription, TranscribeResult> feature() {
    return FEATURE;
  }

  @Override
  String model() {
    return settings().model();
  }
}

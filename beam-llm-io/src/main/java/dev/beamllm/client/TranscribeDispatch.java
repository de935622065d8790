package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.provider.TranscriptionRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Transcription;
import dev.beamllm.response.TranscriptionJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Transcribes audio files ({@link LlmClient#transcribe}): each file's cache key is its model,
 * settings and bytes, so a file already transcribed (in this run or a stopped one) is served from
 * the cache and identical files are sent once; the rest go one file a request under the client's
 * limits and retries ({@link ProviderCall}). Each transcript is stored as it arrives. A file larger
 * than the provider takes fails alone ({@code TOO_LARGE}) without being sent.
 */
final class TranscribeDispatch
    extends FeatureDispatch<AudioInput, TranscribeSettings, TranscriptionApi, Transcription> {
  private static final Kind<AudioInput, TranscribeSettings, TranscriptionApi, Transcription> KIND =
      new Kind<>(
          "a transcription",
          TranscribeSettings::model,
          WireRequests::transcriptionApi,
          AudioInput::id,
          Transcription::failed,
          Transcription::withId,
          Transcription::fromCache,
          TranscriptionJson::fromJson,
          TranscriptionJson::toJson);

  TranscribeDispatch(DispatchContext context) {
    super(KIND, context);
  }

  @Override
  void dispatch(
      ModelSpec spec,
      TranscriptionApi api,
      TranscribeSettings settings,
      List<AudioInput> inputs,
      List<CompletableFuture<Transcription>> futures) {
    long maxBytes = api.maxFileBytes(spec);
    for (Identical item :
        identical(inputs, futures, in -> key(spec, settings, in.bytes())).values()) {
      Optional<Transcription> hit = cached(item.key);
      if (hit.isPresent()) {
        item.served(hit.get());
        continue;
      }
      int size = item.input.bytes().length;
      if (size == 0) {
        item.fail(spec.id(), ApiError.of(ErrorKind.INVALID_INPUT, "the audio file is empty"));
        continue;
      }
      if (size > maxBytes) {
        item.fail(
            spec.id(),
            ApiError.of(
                ErrorKind.TOO_LARGE,
                "the audio file "
                    + item.input.fileName()
                    + " has "
                    + size
                    + " bytes, more than the "
                    + maxBytes
                    + " "
                    + spec.id()
                    + " takes in one request; split it"));
        continue;
      }
      send(spec, api, settings, item);
    }
  }

  private void send(
      ModelSpec spec, TranscriptionApi api, TranscribeSettings settings, Identical item) {
    TranscriptionRequest request =
        request(
            spec,
            wire ->
                new TranscriptionRequest(
                    spec,
                    item.input.fileName(),
                    item.input.bytes(),
                    settings.language().orElse(null),
                    settings.prompt().orElse(null),
                    settings.temperature().orElse(null),
                    wire.credentials(spec),
                    wire.extraHeaders()),
            error -> item.fail(spec.id(), error));
    if (request == null) {
      return;
    }
    // The prompt's tokens are all that is known before the provider decodes the audio.
    long tokens = 1 + settings.prompt().map(TokenCounter::count).orElse(0);
    HttpCall call;
    try {
      // Built once: the multipart body holds the whole file, and every attempt sends the same.
      call = api.transcribe(request);
    } catch (RuntimeException e) {
      item.fail(spec.id(), Classify.refused(spec.id(), e));
      return;
    }
    call(
        spec,
        () -> call,
        answer -> api.parse(request, answer),
        // A model billed by duration reports no tokens: what was reserved is what was used.
        t -> {
          long reported = t.textTokens() + t.audioTokens() + t.outputTokens();
          return reported > 0 ? reported : -1;
        },
        tokens,
        result -> delivered(spec, item, result),
        error -> item.fail(spec.id(), error));
  }

  /** Prices the transcript by the registry's audio prices, stores it, then completes it. */
  private void delivered(
      ModelSpec spec, Identical item, ProviderCall.Result<TranscriptionApi.Transcribed> result) {
    if (result.error() != null) {
      item.fail(spec.id(), result.error());
      return;
    }
    TranscriptionApi.Transcribed t = result.value();
    Transcription done =
        Transcription.of(
            null,
            spec.id(),
            t.text(),
            t.seconds(),
            t.textTokens(),
            t.audioTokens(),
            t.outputTokens(),
            spec.transcriptionCost(t.seconds(), t.textTokens(), t.audioTokens(), t.outputTokens()));
    store(item.key, done).thenRun(() -> item.complete(done));
  }

  /**
   * The cache key of a file's transcript: the model, the settings that change the text, and the
   * audio's bytes (by their SHA-256); not the file's name or id.
   */
  static String key(ModelSpec spec, TranscribeSettings settings, byte[] audio) {
    var k =
        Json.object()
            .put("kind", "transcription")
            .put("model", spec.id())
            .put("audio_sha256", Digests.sha256Hex(audio));
    settings.language().ifPresent(l -> k.put("language", l));
    settings.prompt().ifPresent(p -> k.put("prompt", p));
    settings.temperature().ifPresent(t -> k.put("temperature", t));
    return "transcription:" + Digests.sha256Hex(Json.write(k).getBytes(StandardCharsets.UTF_8));
  }
}

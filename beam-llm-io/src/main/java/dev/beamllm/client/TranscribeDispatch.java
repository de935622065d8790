package dev.beamllm.client;

import dev.beamllm.cache.ResponseCache;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Transcribes audio files ({@link LlmClient#transcribe}): each file's cache key is its model,
 * settings and bytes, so a file already transcribed (in this run or a stopped one) is served from
 * the cache and identical files are sent once; the rest go one file a request under the client's
 * limits and retries ({@link ProviderCall}). Each transcript is stored as it arrives. A file larger
 * than the provider takes fails alone ({@code TOO_LARGE}) without being sent.
 */
final class TranscribeDispatch {
  private final CallSteps steps;
  private final WireRequests wire;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpecs specs;
  private final EntryCache cache;

  /**
   * @param cache where transcripts are stored and looked up, or null
   */
  TranscribeDispatch(
      CallSteps steps,
      WireRequests wire,
      HttpTransport transport,
      Duration timeout,
      ModelSpecs specs,
      ResponseCache cache) {
    this.steps = steps;
    this.wire = wire;
    this.transport = transport;
    this.timeout = timeout;
    this.specs = specs;
    this.cache = new EntryCache(cache);
  }

  /** Identical files of one call: transcribed once, each getting the text under its own id. */
  private static final class Item {
    final String key;
    final AudioInput audio;
    final List<AudioInput> inputs = new ArrayList<>();
    final List<CompletableFuture<Transcription>> futures = new ArrayList<>();

    Item(String key, AudioInput audio) {
      this.key = key;
      this.audio = audio;
    }

    void complete(Transcription t) {
      for (int i = 0; i < inputs.size(); i++) {
        futures
            .get(i)
            .complete(i == 0 ? t.withId(inputs.get(0).id()) : t.fromCache(inputs.get(i).id()));
      }
    }

    void fail(String model, ApiError error) {
      for (int i = 0; i < inputs.size(); i++) {
        futures.get(i).complete(Transcription.failed(inputs.get(i).id(), model, error));
      }
    }
  }

  /** Starts every file; one future per file, in order, none completing exceptionally. */
  List<CompletableFuture<Transcription>> start(
      List<AudioInput> inputs, TranscribeSettings settings) {
    List<CompletableFuture<Transcription>> futures = new ArrayList<>(inputs.size());
    inputs.forEach(i -> futures.add(new CompletableFuture<>()));
    ModelSpec spec;
    Optional<TranscriptionApi> found;
    try {
      spec = specs.get(settings.model());
      found = wire.transcriptionApi(spec);
    } catch (IllegalArgumentException unknown) {
      failAll(
          inputs,
          futures,
          settings.model(),
          ApiError.of(ErrorKind.INVALID_INPUT, unknown.getMessage()));
      return futures;
    }
    if (found.isEmpty()) {
      failAll(
          inputs,
          futures,
          spec.id(),
          ApiError.of(
              ErrorKind.UNSUPPORTED,
              "model '"
                  + spec.id()
                  + "' is not a transcription model of an API this library calls"));
      return futures;
    }
    TranscriptionApi api = found.get();
    Map<String, Item> items = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      AudioInput in = inputs.get(i);
      String key = key(spec, settings, in.bytes());
      Item item = items.computeIfAbsent(key, k -> new Item(k, in));
      item.inputs.add(in);
      item.futures.add(futures.get(i));
    }
    long maxBytes = api.maxFileBytes(spec);
    for (Item item : items.values()) {
      Optional<Transcription> hit = cached(item.key);
      if (hit.isPresent()) {
        Transcription t = hit.get();
        for (int i = 0; i < item.inputs.size(); i++) {
          item.futures.get(i).complete(t.fromCache(item.inputs.get(i).id()));
        }
        continue;
      }
      int size = item.audio.bytes().length;
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
                    + item.audio.fileName()
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
    return futures;
  }

  private static void failAll(
      List<AudioInput> inputs,
      List<CompletableFuture<Transcription>> futures,
      String model,
      ApiError e) {
    for (int i = 0; i < inputs.size(); i++) {
      futures.get(i).complete(Transcription.failed(inputs.get(i).id(), model, e));
    }
  }

  private void send(ModelSpec spec, TranscriptionApi api, TranscribeSettings settings, Item item) {
    TranscriptionRequest request;
    try {
      request =
          new TranscriptionRequest(
              spec,
              item.audio.fileName(),
              item.audio.bytes(),
              settings.language().orElse(null),
              settings.prompt().orElse(null),
              settings.temperature().orElse(null),
              wire.credentials(spec),
              wire.extraHeaders());
    } catch (ApiKeys.MissingKeyException e) {
      item.fail(spec.id(), ApiError.of(ErrorKind.AUTH, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      item.fail(spec.id(), Classify.refused(spec.id(), e));
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
    TranscriptionRequest sent = request;
    new ProviderCall<>(
            steps,
            transport,
            timeout,
            spec,
            wire.adapter(spec),
            () -> call,
            answer -> api.parse(sent, answer),
            // A model billed by duration reports no tokens: what was reserved is what was used.
            t -> {
              long reported = t.textTokens() + t.audioTokens() + t.outputTokens();
              return reported > 0 ? reported : -1;
            },
            tokens)
        .start()
        .whenComplete((result, never) -> delivered(spec, item, result));
  }

  /** Prices the transcript by the registry's audio prices, stores it, then completes it. */
  private void delivered(
      ModelSpec spec, Item item, ProviderCall.Result<TranscriptionApi.Transcribed> result) {
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

  private Optional<Transcription> cached(String key) {
    return cache.get(key, TranscriptionJson::fromJson);
  }

  private CompletableFuture<Void> store(String key, Transcription t) {
    return cache.put(key, TranscriptionJson.toJson(t));
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

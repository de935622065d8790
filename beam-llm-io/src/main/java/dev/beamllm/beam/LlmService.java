package dev.beamllm.beam;

import dev.beamllm.client.AudioInput;
import dev.beamllm.client.BatchSettings;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.EmbedSettings;
import dev.beamllm.client.LlmClient;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.RerankQuery;
import dev.beamllm.client.RerankSettings;
import dev.beamllm.client.StatusTracker;
import dev.beamllm.client.TextInput;
import dev.beamllm.client.TranscribeSettings;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import dev.beamllm.response.Transcription;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the call stage ({@link CallFn}, through {@link SharedClients}) needs of a client: start a
 * request and say what it has done. An {@link LlmClient} in production ({@link #of}); a test gives
 * its own through {@link LlmIO.Complete#withClientFactory}, so the DoFn runs without HTTP.
 */
interface LlmService extends AutoCloseable {
  /**
   * Starts a request, preferring models other than {@code avoid}; the future completes with its
   * answer or its error, never exceptionally.
   */
  CompletableFuture<ApiResponse> start(LlmRequest request, Set<String> avoid);

  /**
   * Starts requests through the providers' batch APIs (see {@link LlmClient#startBatch}); one
   * future per request, in order, none completing exceptionally. By default each is started online.
   */
  default List<CompletableFuture<ApiResponse>> startBatch(
      List<LlmRequest> requests, BatchSettings settings) {
    return requests.stream().map(r -> start(r, Set.of())).toList();
  }

  /**
   * Embeds texts (see {@link LlmClient#embed}); one future per text, in order, none completing
   * exceptionally. By default every text fails: a service that only completes.
   */
  default List<CompletableFuture<Embedding>> embed(List<TextInput> texts, EmbedSettings settings) {
    ApiError none = ApiError.of(ErrorKind.UNSUPPORTED, "this service does not embed");
    return texts.stream()
        .map(
            t ->
                CompletableFuture.completedFuture(Embedding.failed(t.id(), settings.model(), none)))
        .toList();
  }

  /**
   * Ranks queries' documents (see {@link LlmClient#rerank}); one future per query, in order, none
   * completing exceptionally. By default every query fails: a service that only completes.
   */
  default List<CompletableFuture<Ranking>> rerank(
      List<RerankQuery> queries, RerankSettings settings) {
    ApiError none = ApiError.of(ErrorKind.UNSUPPORTED, "this service does not rerank");
    return queries.stream()
        .map(q -> CompletableFuture.completedFuture(Ranking.failed(q.id(), settings.model(), none)))
        .toList();
  }

  /**
   * Transcribes audio files (see {@link LlmClient#transcribe}); one future per file, in order, none
   * completing exceptionally. By default every file fails: a service that only completes.
   */
  default List<CompletableFuture<Transcription>> transcribe(
      List<AudioInput> inputs, TranscribeSettings settings) {
    ApiError none = ApiError.of(ErrorKind.UNSUPPORTED, "this service does not transcribe");
    return inputs.stream()
        .map(
            a ->
                CompletableFuture.completedFuture(
                    Transcription.failed(a.id(), settings.model(), none)))
        .toList();
  }

  /** What it has done so far (for {@link LlmIO#localStatus}). */
  StatusTracker.Status status();

  /** Milliseconds requests have waited for rate-limit capacity, summed. */
  long throttledMillis();

  /**
   * HTTP attempts of embedding, rerank and transcription requests ({@link StatusTracker#calls}).
   */
  default long providerCalls() {
    return 0;
  }

  /** Frees its threads and connections; every started request's future completes. */
  @Override
  void close();

  /** The client for a configuration: the default of {@link LlmIO.Complete#withClientFactory}. */
  static LlmService fromConfig(ClientConfig config) {
    return of(LlmClient.of(config));
  }

  /** An {@link LlmClient} as the call stage sees it; closing the service closes the client. */
  static LlmService of(LlmClient client) {
    return new LlmService() {
      @Override
      public CompletableFuture<ApiResponse> start(LlmRequest request, Set<String> avoid) {
        return client.start(request, avoid);
      }

      @Override
      public List<CompletableFuture<ApiResponse>> startBatch(
          List<LlmRequest> requests, BatchSettings settings) {
        return client.startBatch(requests, settings);
      }

      @Override
      public List<CompletableFuture<Embedding>> embed(
          List<TextInput> texts, EmbedSettings settings) {
        return client.embed(texts, settings);
      }

      @Override
      public List<CompletableFuture<Ranking>> rerank(
          List<RerankQuery> queries, RerankSettings settings) {
        return client.rerank(queries, settings);
      }

      @Override
      public List<CompletableFuture<Transcription>> transcribe(
          List<AudioInput> inputs, TranscribeSettings settings) {
        return client.transcribe(inputs, settings);
      }

      @Override
      public StatusTracker.Status status() {
        return client.tracker().status();
      }

      @Override
      public long throttledMillis() {
        return client.throttledMillis();
      }

      @Override
      public long providerCalls() {
        return client.tracker().calls();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}

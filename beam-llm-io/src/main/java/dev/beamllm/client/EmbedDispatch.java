package dev.beamllm.client;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.EmbeddingJson;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Embeds texts ({@link LlmClient#embed}): each text's cache key is its model, settings and text, so
 * a text already embedded (in this run or a stopped one) is served from the cache and identical
 * texts are sent once; the rest go in requests of as many texts as the settings and the provider's
 * documented limits allow (count and tokens), each under the client's limits and retries ({@link
 * ProviderCall}). Each vector is stored as it arrives. A text longer than the model takes fails
 * alone ({@code TOO_LARGE}), as does every text of a request that failed for good.
 */
final class EmbedDispatch {
  private final CallSteps steps;
  private final WireRequests wire;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpecs specs;
  private final EntryCache cache;

  /**
   * @param cache where vectors are stored and looked up, or null
   */
  EmbedDispatch(
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

  /** Identical texts of one call: embedded once, each getting the vector under its own id. */
  private static final class Item {
    final String key;
    final String text;
    final long tokens;
    final List<TextInput> inputs = new ArrayList<>();
    final List<CompletableFuture<Embedding>> futures = new ArrayList<>();

    Item(String key, String text) {
      this.key = key;
      this.text = text;
      this.tokens = Math.max(1, TokenCounter.count(text));
    }

    void complete(Embedding e) {
      for (int i = 0; i < inputs.size(); i++) {
        futures
            .get(i)
            .complete(i == 0 ? e.withId(inputs.get(0).id()) : e.fromCache(inputs.get(i).id()));
      }
    }

    void fail(String model, ApiError error) {
      for (int i = 0; i < inputs.size(); i++) {
        futures.get(i).complete(Embedding.failed(inputs.get(i).id(), model, error));
      }
    }
  }

  /** Starts every text; one future per text, in order, none completing exceptionally. */
  List<CompletableFuture<Embedding>> start(List<TextInput> inputs, EmbedSettings settings) {
    List<CompletableFuture<Embedding>> futures = new ArrayList<>(inputs.size());
    inputs.forEach(i -> futures.add(new CompletableFuture<>()));
    ModelSpec spec;
    Optional<EmbeddingApi> found;
    try {
      spec = specs.get(settings.model());
      found = wire.embeddingApi(spec);
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
              "model '" + spec.id() + "' is not an embedding model of an API this library calls"));
      return futures;
    }
    EmbeddingApi api = found.get();
    Map<String, Item> items = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      TextInput in = inputs.get(i);
      String key = key(spec, settings, in.text());
      Item item = items.computeIfAbsent(key, k -> new Item(k, in.text()));
      item.inputs.add(in);
      item.futures.add(futures.get(i));
    }
    EmbeddingApi.Limits limits = api.limits(spec);
    int maxInputs =
        settings.maxInputsPerRequest() > 0
            ? Math.min(settings.maxInputsPerRequest(), limits.maxInputs())
            : limits.maxInputs();
    List<Item> request = new ArrayList<>();
    long requestTokens = 0;
    for (Item item : items.values()) {
      Optional<Embedding> hit = cached(item.key);
      if (hit.isPresent()) {
        Embedding e = hit.get();
        for (int i = 0; i < item.inputs.size(); i++) {
          item.futures.get(i).complete(e.fromCache(item.inputs.get(i).id()));
        }
        continue;
      }
      if (item.text.isBlank()) {
        item.fail(spec.id(), ApiError.of(ErrorKind.INVALID_INPUT, "the text is empty"));
        continue;
      }
      if (limits.maxTokensPerInput() > 0 && item.tokens > limits.maxTokensPerInput()) {
        item.fail(
            spec.id(),
            ApiError.of(
                ErrorKind.TOO_LARGE,
                "the text has about "
                    + item.tokens
                    + " tokens, more than the "
                    + limits.maxTokensPerInput()
                    + " "
                    + spec.id()
                    + " embeds at once"));
        continue;
      }
      if (!request.isEmpty()
          && (request.size() >= maxInputs
              || (limits.maxTokensPerRequest() > 0
                  && requestTokens + item.tokens > limits.maxTokensPerRequest()))) {
        send(spec, api, settings, request, requestTokens);
        request = new ArrayList<>();
        requestTokens = 0;
      }
      request.add(item);
      requestTokens += item.tokens;
    }
    if (!request.isEmpty()) {
      send(spec, api, settings, request, requestTokens);
    }
    return futures;
  }

  private static void failAll(
      List<TextInput> inputs,
      List<CompletableFuture<Embedding>> futures,
      String model,
      ApiError e) {
    for (int i = 0; i < inputs.size(); i++) {
      futures.get(i).complete(Embedding.failed(inputs.get(i).id(), model, e));
    }
  }

  private void send(
      ModelSpec spec, EmbeddingApi api, EmbedSettings settings, List<Item> items, long tokens) {
    EmbeddingRequest request;
    try {
      request =
          new EmbeddingRequest(
              spec,
              items.stream().map(i -> i.text).toList(),
              settings.dimensions().orElse(null),
              settings.inputType().orElse(null),
              wire.credentials(spec),
              wire.extraHeaders());
    } catch (ApiKeys.MissingKeyException e) {
      items.forEach(i -> i.fail(spec.id(), ApiError.of(ErrorKind.AUTH, e.getMessage())));
      return;
    } catch (RuntimeException e) {
      items.forEach(i -> i.fail(spec.id(), Classify.refused(spec.id(), e)));
      return;
    }
    new ProviderCall<>(
            steps,
            transport,
            timeout,
            spec,
            wire.adapter(spec),
            () -> api.embed(request),
            answer -> vectors(api, request, answer),
            embedded -> embedded.inputTokens().orElse(-1),
            tokens)
        .start()
        .whenComplete((result, never) -> delivered(spec, items, tokens, result));
  }

  /** The answer's vectors, one per text, or an {@code INVALID_RESPONSE} when the count differs. */
  private static EmbeddingApi.Embedded vectors(
      EmbeddingApi api, EmbeddingRequest request, HttpAnswer answer) {
    EmbeddingApi.Embedded embedded = api.parse(request, answer);
    if (embedded.vectors().size() != request.texts().size()) {
      throw new ProviderException(
          ApiError.of(
              ErrorKind.INVALID_RESPONSE,
              "the provider answered "
                  + embedded.vectors().size()
                  + " vectors for "
                  + request.texts().size()
                  + " texts"));
    }
    return embedded;
  }

  /**
   * Gives each text its vector and its share of the request's tokens (by its estimate, when the
   * provider reports one total) and their cost, stores it, then completes it.
   */
  private void delivered(
      ModelSpec spec,
      List<Item> items,
      long estimated,
      ProviderCall.Result<EmbeddingApi.Embedded> result) {
    if (result.error() != null) {
      items.forEach(i -> i.fail(spec.id(), result.error()));
      return;
    }
    EmbeddingApi.Embedded embedded = result.value();
    long reported = embedded.inputTokens().orElse(estimated);
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      long share = Math.round((double) reported * item.tokens / estimated);
      Embedding e =
          Embedding.of(
              null, spec.id(), embedded.vectors().get(i), share, spec.cost(Usage.of(share, 0)));
      store(item.key, e).thenRun(() -> item.complete(e));
    }
  }

  private Optional<Embedding> cached(String key) {
    return cache.get(key, EmbeddingJson::fromJson);
  }

  private CompletableFuture<Void> store(String key, Embedding e) {
    return cache.put(key, EmbeddingJson.toJson(e));
  }

  /**
   * The cache key of a text's embedding: the model, the settings that change the vector, the text.
   */
  static String key(ModelSpec spec, EmbedSettings settings, String text) {
    var k = Json.object().put("kind", "embedding").put("model", spec.id()).put("text", text);
    settings.dimensions().ifPresent(d -> k.put("dimensions", d));
    settings.inputType().ifPresent(t -> k.put("input_type", t.name()));
    return "embedding:" + Digests.sha256Hex(Json.write(k).getBytes(StandardCharsets.UTF_8));
  }
}

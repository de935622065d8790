package dev.beamllm.client;

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
import java.util.ArrayList;
import java.util.List;
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
final class EmbedDispatch
    extends FeatureDispatch<TextInput, EmbedSettings, EmbeddingApi, Embedding> {
  private static final Kind<TextInput, EmbedSettings, EmbeddingApi, Embedding> KIND =
      new Kind<>(
          "an embedding",
          EmbedSettings::model,
          WireRequests::embeddingApi,
          TextInput::id,
          Embedding::failed,
          Embedding::withId,
          Embedding::fromCache,
          EmbeddingJson::fromJson,
          EmbeddingJson::toJson);

  EmbedDispatch(DispatchContext context) {
    super(KIND, context);
  }

  /** Identical texts, with their estimated tokens. */
  private record Part(Identical item, long tokens) {}

  @Override
  void dispatch(
      ModelSpec spec,
      EmbeddingApi api,
      EmbedSettings settings,
      List<TextInput> inputs,
      List<CompletableFuture<Embedding>> futures) {
    EmbeddingApi.Limits limits = api.limits(spec);
    int maxInputs =
        settings.maxInputsPerRequest() > 0
            ? Math.min(settings.maxInputsPerRequest(), limits.maxInputs())
            : limits.maxInputs();
    List<Part> request = new ArrayList<>();
    long requestTokens = 0;
    for (Identical item :
        identical(inputs, futures, in -> key(spec, settings, in.text())).values()) {
      Optional<Embedding> hit = cached(item.key);
      if (hit.isPresent()) {
        item.served(hit.get());
        continue;
      }
      String text = item.input.text();
      if (text.isBlank()) {
        item.fail(spec.id(), ApiError.of(ErrorKind.INVALID_INPUT, "the text is empty"));
        continue;
      }
      long tokens = Math.max(1, TokenCounter.count(text));
      if (limits.maxTokensPerInput() > 0 && tokens > limits.maxTokensPerInput()) {
        item.fail(
            spec.id(),
            ApiError.of(
                ErrorKind.TOO_LARGE,
                "the text has about "
                    + tokens
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
                  && requestTokens + tokens > limits.maxTokensPerRequest()))) {
        send(spec, api, settings, request, requestTokens);
        request = new ArrayList<>();
        requestTokens = 0;
      }
      request.add(new Part(item, tokens));
      requestTokens += tokens;
    }
    if (!request.isEmpty()) {
      send(spec, api, settings, request, requestTokens);
    }
  }

  private void send(
      ModelSpec spec, EmbeddingApi api, EmbedSettings settings, List<Part> parts, long tokens) {
    EmbeddingRequest request =
        request(
            spec,
            wire ->
                new EmbeddingRequest(
                    spec,
                    parts.stream().map(p -> p.item().input.text()).toList(),
                    settings.dimensions().orElse(null),
                    settings.inputType().orElse(null),
                    wire.credentials(spec),
                    wire.extraHeaders()),
            error -> parts.forEach(p -> p.item().fail(spec.id(), error)));
    if (request == null) {
      return;
    }
    call(
        spec,
        () -> api.embed(request),
        answer -> vectors(api, request, answer),
        embedded -> embedded.inputTokens().orElse(-1),
        tokens,
        result -> delivered(spec, parts, tokens, result),
        error -> parts.forEach(p -> p.item().fail(spec.id(), error)));
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
      List<Part> parts,
      long estimated,
      ProviderCall.Result<EmbeddingApi.Embedded> result) {
    if (result.error() != null) {
      parts.forEach(p -> p.item().fail(spec.id(), result.error()));
      return;
    }
    EmbeddingApi.Embedded embedded = result.value();
    long reported = embedded.inputTokens().orElse(estimated);
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      long share = Math.round((double) reported * part.tokens() / estimated);
      Embedding e =
          Embedding.of(
              null, spec.id(), embedded.vectors().get(i), share, spec.cost(Usage.of(share, 0)));
      store(part.item().key, e).thenRun(() -> part.item().complete(e));
    }
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

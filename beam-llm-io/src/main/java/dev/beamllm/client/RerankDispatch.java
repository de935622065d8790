package dev.beamllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.RerankRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ranks queries' documents ({@link LlmClient#rerank}): one request per query under the client's
 * limits and retries ({@link ProviderCall}), each ranking cached under its model, top-n, query and
 * documents so it is never paid twice, and priced by the search units the provider bills.
 */
final class RerankDispatch {
  private final CallSteps steps;
  private final WireRequests wire;
  private final HttpTransport transport;
  private final Duration timeout;
  private final ModelSpecs specs;
  private final EntryCache cache;

  /**
   * @param cache where rankings are stored and looked up, or null
   */
  RerankDispatch(
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

  /** Starts every query; one future per query, in order, none completing exceptionally. */
  List<CompletableFuture<Ranking>> start(List<RerankQuery> queries, RerankSettings settings) {
    List<CompletableFuture<Ranking>> out = new ArrayList<>(queries.size());
    ModelSpec spec;
    Optional<RerankApi> api;
    try {
      spec = specs.get(settings.model());
      api = wire.rerankApi(spec);
    } catch (IllegalArgumentException unknown) {
      ApiError e = ApiError.of(ErrorKind.INVALID_INPUT, unknown.getMessage());
      queries.forEach(q -> out.add(done(Ranking.failed(q.id(), settings.model(), e))));
      return out;
    }
    for (RerankQuery q : queries) {
      if (api.isEmpty()) {
        out.add(
            done(
                Ranking.failed(
                    q.id(),
                    spec.id(),
                    ApiError.of(
                        ErrorKind.UNSUPPORTED,
                        "model '"
                            + spec.id()
                            + "' is not a rerank model of an API this library calls"))));
      } else if (q.documents().isEmpty()) {
        out.add(done(new Ranking(q.id(), spec.id(), List.of(), 0, 0, false, null)));
      } else {
        out.add(one(spec, api.get(), settings, q));
      }
    }
    return out;
  }

  private static CompletableFuture<Ranking> done(Ranking r) {
    return CompletableFuture.completedFuture(r);
  }

  private CompletableFuture<Ranking> one(
      ModelSpec spec, RerankApi api, RerankSettings settings, RerankQuery q) {
    String key = key(spec, settings, q);
    Optional<Ranking> hit = cached(key);
    if (hit.isPresent()) {
      return done(hit.get().fromCache(q.id()));
    }
    RerankRequest request;
    try {
      request =
          new RerankRequest(
              spec,
              q.query(),
              q.documents(),
              settings.topN().orElse(null),
              wire.credentials(spec),
              wire.extraHeaders());
    } catch (ApiKeys.MissingKeyException e) {
      return done(Ranking.failed(q.id(), spec.id(), ApiError.of(ErrorKind.AUTH, e.getMessage())));
    } catch (RuntimeException e) {
      return done(Ranking.failed(q.id(), spec.id(), Classify.refused(spec.id(), e)));
    }
    long tokens =
        TokenCounter.count(q.query()) + q.documents().stream().mapToLong(TokenCounter::count).sum();
    return new ProviderCall<>(
            steps,
            transport,
            timeout,
            spec,
            wire.adapter(spec),
            () -> api.rerank(request),
            answer -> api.parse(request, answer),
            reranked -> -1,
            Math.max(1, tokens))
        .start()
        .thenCompose(
            result -> {
              if (result.error() != null) {
                return done(Ranking.failed(q.id(), spec.id(), result.error()));
              }
              RerankApi.Reranked r = result.value();
              Ranking ranking =
                  new Ranking(
                      q.id(),
                      spec.id(),
                      r.results().stream()
                          .map(s -> new Ranking.Scored(s.index(), s.score()))
                          .toList(),
                      r.searchUnits(),
                      r.cost(spec),
                      false,
                      null);
              return store(key, ranking).thenApply(v -> ranking);
            });
  }

  private Optional<Ranking> cached(String key) {
    return cache.get(key, RerankDispatch::fromJson);
  }

  private CompletableFuture<Void> store(String key, Ranking r) {
    return cache.put(key, toJson(r));
  }

  /** The cache key of a ranking: the model, the top-n, the query and its documents. */
  static String key(ModelSpec spec, RerankSettings settings, RerankQuery q) {
    ObjectNode k =
        Json.object().put("kind", "rerank").put("model", spec.id()).put("query", q.query());
    settings.topN().ifPresent(n -> k.put("top_n", n));
    ArrayNode docs = k.putArray("documents");
    q.documents().forEach(docs::add);
    return "rerank:" + Digests.sha256Hex(Json.write(k).getBytes(StandardCharsets.UTF_8));
  }

  static String toJson(Ranking r) {
    ObjectNode o = Json.object().put("model", r.model());
    ArrayNode results = o.putArray("results");
    r.results().forEach(s -> results.addObject().put("index", s.index()).put("score", s.score()));
    o.put("search_units", r.searchUnits()).put("cost", r.cost());
    return Json.write(o);
  }

  static Ranking fromJson(String json) {
    JsonNode o = Json.parse(json);
    List<Ranking.Scored> results = new ArrayList<>();
    o.path("results")
        .forEach(
            s ->
                results.add(
                    new Ranking.Scored(s.path("index").asInt(), s.path("score").asDouble())));
    return new Ranking(
        null,
        o.path("model").asText(),
        results,
        o.path("search_units").asLong(),
        o.path("cost").asDouble(),
        false,
        null);
  }
}

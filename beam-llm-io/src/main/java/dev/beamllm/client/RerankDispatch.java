package dev.beamllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.RerankRequest;
import dev.beamllm.response.Ranking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ranks queries' documents ({@link LlmClient#rerank}): one request per query under the client's
 * limits and retries ({@link ProviderCall}), each ranking cached under its model, top-n, query and
 * documents so it is never paid twice, and priced by the search units the provider bills. A query
 * without documents is ranked at once, unsent.
 */
final class RerankDispatch
    extends FeatureDispatch<RerankQuery, RerankSettings, RerankApi, Ranking> {
  private static final Kind<RerankQuery, RerankSettings, RerankApi, Ranking> KIND =
      new Kind<>(
          "a rerank",
          RerankSettings::model,
          WireRequests::rerankApi,
          RerankQuery::id,
          Ranking::failed,
          RerankDispatch::withId,
          Ranking::fromCache,
          RerankDispatch::fromJson,
          RerankDispatch::toJson);

  RerankDispatch(DispatchContext context) {
    super(KIND, context);
  }

  @Override
  void dispatch(
      ModelSpec spec,
      RerankApi api,
      RerankSettings settings,
      List<RerankQuery> queries,
      List<CompletableFuture<Ranking>> futures) {
    for (int i = 0; i < queries.size(); i++) {
      RerankQuery q = queries.get(i);
      CompletableFuture<Ranking> future = futures.get(i);
      if (q.documents().isEmpty()) {
        future.complete(new Ranking(q.id(), spec.id(), List.of(), 0, 0, false, null));
      } else {
        one(spec, api, settings, q, future);
      }
    }
  }

  private void one(
      ModelSpec spec,
      RerankApi api,
      RerankSettings settings,
      RerankQuery q,
      CompletableFuture<Ranking> future) {
    String key = key(spec, settings, q);
    Optional<Ranking> hit = cached(key);
    if (hit.isPresent()) {
      future.complete(hit.get().fromCache(q.id()));
      return;
    }
    RerankRequest request =
        request(
            spec,
            wire ->
                new RerankRequest(
                    spec,
                    q.query(),
                    q.documents(),
                    settings.topN().orElse(null),
                    wire.credentials(spec),
                    wire.extraHeaders()),
            error -> future.complete(Ranking.failed(q.id(), spec.id(), error)));
    if (request == null) {
      return;
    }
    long tokens =
        TokenCounter.count(q.query()) + q.documents().stream().mapToLong(TokenCounter::count).sum();
    call(
        spec,
        () -> api.rerank(request),
        answer -> api.parse(request, answer),
        // Voyage and Jina report the tokens they billed (Voyage: the query once per document).
        reranked -> reranked.tokens() > 0 ? reranked.tokens() : -1,
        Math.max(1, tokens),
        result -> {
          if (result.error() != null) {
            future.complete(Ranking.failed(q.id(), spec.id(), result.error()));
            return;
          }
          RerankApi.Reranked r = result.value();
          Ranking ranking =
              new Ranking(
                  null,
                  spec.id(),
                  r.results().stream().map(s -> new Ranking.Scored(s.index(), s.score())).toList(),
                  r.searchUnits(),
                  r.cost(spec),
                  false,
                  null);
          store(key, ranking).thenRun(() -> future.complete(withId(ranking, q.id())));
        },
        error -> future.complete(Ranking.failed(q.id(), spec.id(), error)));
  }

  /** The same ranking under the query's id. */
  private static Ranking withId(Ranking r, String id) {
    return new Ranking(
        id, r.model(), r.results(), r.searchUnits(), r.cost(), r.cacheHit(), r.error());
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

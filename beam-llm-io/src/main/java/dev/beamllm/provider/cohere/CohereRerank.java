package dev.beamllm.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.RerankRequest;
import dev.beamllm.provider.internal.ApiCall;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.Scores;

/**
 * Cohere rerank v2 ({@code POST {api_base}/rerank}, bearer key): {@code {"model", "query",
 * "documents": [strings], "top_n"?}}, answered with {@code results[{index, relevance_score}]} best
 * first and {@code meta.billed_units.search_units}. {@code max_tokens_per_doc} is left to its
 * default (4096), past which a document is cut. Reference: docs.cohere.com/reference/rerank.
 */
final class CohereRerank implements RerankApi {
  private static final String API = "Cohere rerank";

  private final ApiCall caller;

  CohereRerank(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean reranks(ModelSpec model) {
    return model.kind() == ModelKind.RERANK && model.wireFormat() == WireFormat.COHERE;
  }

  @Override
  public HttpCall rerank(RerankRequest r) {
    ObjectNode body = Json.object().put("model", r.model().apiName()).put("query", r.query());
    ArrayNode documents = body.putArray("documents");
    r.documents().forEach(documents::add);
    if (r.topN() != null) {
      body.put("top_n", r.topN());
    }
    return caller.call(
        r.model(), r.credentials(), r.extraHeaders(), "POST", "/rerank", Json.write(body));
  }

  @Override
  public Reranked parse(RerankRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    JsonNode units = root.path("meta").path("billed_units").get("search_units");
    return new Reranked(
        Scores.of(API, root.get("results"), r.documents().size()),
        units != null && units.canConvertToLong() ? units.longValue() : 0);
  }
}

package dev.beamllm.provider.voyage;

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
 * Voyage rerank ({@code POST {api_base}/rerank}): {@code {"model", "query", "documents": [strings],
 * "top_k"?}}, answered with {@code data[{index, relevance_score}]} best first (under {@code data},
 * not Cohere's {@code results}) and {@code usage.total_tokens}, which Voyage bills: the query's
 * tokens times the documents plus the documents' tokens (docs.voyageai.com/docs/faq, "total number
 * of tokens for the rerankers"). {@code truncation} is left to its default (true). Reference:
 * docs.voyageai.com/reference/reranker-api.
 */
final class VoyageRerank implements RerankApi {
  private static final String API = "Voyage rerank";

  private final ApiCall caller;

  VoyageRerank(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean reranks(ModelSpec model) {
    return model.kind() == ModelKind.RERANK && model.wireFormat() == WireFormat.VOYAGE;
  }

  @Override
  public HttpCall rerank(RerankRequest r) {
    ObjectNode body = Json.object().put("model", r.model().apiName()).put("query", r.query());
    ArrayNode documents = body.putArray("documents");
    r.documents().forEach(documents::add);
    if (r.topN() != null) {
      body.put("top_k", r.topN());
    }
    return caller.call(
        r.model(), r.credentials(), r.extraHeaders(), "POST", "/rerank", Json.write(body));
  }

  @Override
  public Reranked parse(RerankRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Reranked(
        Scores.of(API, root.get("data"), r.documents().size()),
        0,
        root.path("usage").path("total_tokens").asLong(0));
  }
}

package dev.beamllm.provider.jina;

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
 * Jina rerank ({@code POST {api_base}/rerank}): {@code {"model", "query", "documents": [strings],
 * "top_n"?, "return_documents": false}}, answered with {@code results[{index, relevance_score}]}
 * best first and {@code usage.total_tokens}, which Jina bills. {@code return_documents} defaults to
 * true at Jina, which would send every document back; it is turned off. Reference: jina.ai/reranker
 * and api.jina.ai/openapi.json.
 */
final class JinaRerank implements RerankApi {
  private static final String API = "Jina rerank";

  private final ApiCall caller;

  JinaRerank(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean reranks(ModelSpec model) {
    return model.kind() == ModelKind.RERANK && model.wireFormat() == WireFormat.JINA;
  }

  @Override
  public HttpCall rerank(RerankRequest r) {
    ObjectNode body = Json.object().put("model", r.model().apiName()).put("query", r.query());
    ArrayNode documents = body.putArray("documents");
    r.documents().forEach(documents::add);
    if (r.topN() != null) {
      body.put("top_n", r.topN());
    }
    body.put("return_documents", false);
    return caller.call(
        r.model(), r.credentials(), r.extraHeaders(), "POST", "/rerank", Json.write(body));
  }

  @Override
  public Reranked parse(RerankRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Reranked(
        Scores.of(API, root.get("results"), r.documents().size()),
        0,
        root.path("usage").path("total_tokens").asLong(0));
  }
}

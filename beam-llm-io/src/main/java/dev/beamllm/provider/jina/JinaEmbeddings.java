package dev.beamllm.provider.jina;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.internal.ApiCall;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.Vectors;

/**
 * Jina embeddings ({@code POST {api_base}/embeddings}): {@code {"model", "input": [texts], "task"?:
 * "retrieval.query" | "retrieval.passage", "dimensions"?}}, answered as OpenAI answers ({@code
 * data[{index, embedding}]}, {@code usage.total_tokens}). The input type is Jina's {@code task},
 * the LoRA adapter jina-embeddings-v3 embeds with; without one the model embeds as it is.
 * Reference: jina.ai/embeddings (the API's request builder) and api.jina.ai/openapi.json.
 */
final class JinaEmbeddings implements EmbeddingApi {
  private static final String API = "Jina embeddings";

  /**
   * Jina answers "input length is larger than the largest allowed size 2048" past 2,048 texts
   * (github.com/refly-ai/refly/issues/831); jina-embeddings-v3 reads 8,192 tokens of each. Jina
   * documents no cap on a call's tokens beyond these.
   */
  private static final int MAX_TEXTS = 2048;

  private static final long TOKENS_PER_TEXT = 8192;

  private final ApiCall caller;

  JinaEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.JINA;
  }

  @Override
  public Limits limits(ModelSpec model) {
    return new Limits(MAX_TEXTS, MAX_TEXTS * TOKENS_PER_TEXT, TOKENS_PER_TEXT);
  }

  /**
   * The call, a shorter vector asked for with {@code dimensions} (Matryoshka: any length up to the
   * native one).
   *
   * @throws UnsupportedOperationException for a vector length above the model's native one
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object().put("model", model.apiName());
    ArrayNode input = body.putArray("input");
    r.texts().forEach(input::add);
    if (r.inputType() != null) {
      body.put(
          "task",
          r.inputType() == EmbeddingRequest.InputType.QUERY
              ? "retrieval.query"
              : "retrieval.passage");
    }
    Integer dimensions = r.dimensions();
    if (dimensions != null) {
      if (dimensions > model.dimensions()) {
        throw new UnsupportedOperationException(
            model.apiName() + " gives at most " + model.dimensions() + "-dimension vectors");
      }
      body.put("dimensions", dimensions);
    }
    return caller.call(
        model, r.credentials(), r.extraHeaders(), "POST", "/embeddings", Json.write(body));
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Embedded(
        Vectors.byIndex(API, root.get("data"), r.texts().size()),
        Vectors.tokens(root.path("usage").get("total_tokens")));
  }
}

package dev.beamllm.provider.mistral;

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
 * Mistral embeddings ({@code POST {api_base}/embeddings}): {@code {"model", "input": [texts],
 * "output_dimension"?}}, answered as OpenAI answers ({@code data[{index, embedding}]}, {@code
 * usage.prompt_tokens}). Reference: docs.mistral.ai/api/endpoint/embeddings.
 */
final class MistralEmbeddings implements EmbeddingApi {
  private static final String API = "Mistral embeddings";

  /**
   * Mistral documents no per-request limits. 8192 tokens is mistral-embed's context
   * (docs.mistral.ai/getting-started/models); 256 inputs is the most the API was seen to take ("Too
   * many inputs in request, split into more batches" past it, as rig-core's Mistral provider
   * records); 16,000 tokens a request is the budget LangChain's MistralAIEmbeddings batches by (its
   * {@code MAX_TOKENS}: "the maximum number of tokens that can be sent in a single request").
   */
  private static final Limits LIMITS = new Limits(256, 16_000, 8192);

  /** The model that gives 1024-dimension vectors only; others (codestral-embed) can shorten. */
  private static final String FIXED = "mistral-embed";

  private final ApiCall caller;

  MistralEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.MISTRAL;
  }

  @Override
  public Limits limits(ModelSpec model) {
    return LIMITS;
  }

  /**
   * The call, a vector length sent as {@code output_dimension} to the models that take it.
   *
   * @throws UnsupportedOperationException for a vector length other than 1024 with mistral-embed,
   *     whose {@code output_dimension} is not available ("when feature available")
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object().put("model", model.apiName());
    ArrayNode input = body.putArray("input");
    r.texts().forEach(input::add);
    Integer dimensions = r.dimensions();
    if (dimensions != null) {
      if (!model.apiName().startsWith(FIXED)) {
        body.put("output_dimension", dimensions);
      } else if (dimensions != model.dimensions()) {
        throw new UnsupportedOperationException(
            model.apiName() + " gives " + model.dimensions() + "-dimension vectors only");
      }
    }
    return caller.call(
        model, r.credentials(), r.extraHeaders(), "POST", "/embeddings", Json.write(body));
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Embedded(
        Vectors.byIndex(API, root.get("data"), r.texts().size()),
        Vectors.tokens(root.path("usage").get("prompt_tokens")));
  }
}

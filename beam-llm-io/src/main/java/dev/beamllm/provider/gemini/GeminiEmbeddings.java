package dev.beamllm.provider.gemini;

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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Gemini batch embeddings ({@code POST {api_base}/models/{model}:batchEmbedContents}, key in {@code
 * x-goog-api-key}): one {@code EmbedContentRequest} per text, {@code {"model": "models/{model}",
 * "content": {"parts": [{"text"}]}, "taskType"?, "outputDimensionality"?}}, answered with {@code
 * embeddings[{values}]} in the requests' order. The answer reports no tokens. Reference:
 * ai.google.dev/api/embeddings.
 */
final class GeminiEmbeddings implements EmbeddingApi {
  private static final String API = "Gemini batchEmbedContents";

  /**
   * 100 requests a call (the API refuses more: "at most 100 requests can be in one batch"), and
   * gemini-embedding-001's input limit of 2,048 tokens
   * (ai.google.dev/gemini-api/docs/models#gemini-embedding); no cap on a call's tokens is
   * documented beyond that.
   */
  private static final Limits LIMITS = new Limits(100, 100 * 2048L, 2048);

  /** The oldest embedding model, which takes neither a task type nor an output length. */
  private static final String LEGACY = "embedding-001";

  private final ApiCall caller;

  GeminiEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.GEMINI;
  }

  @Override
  public Limits limits(ModelSpec model) {
    return LIMITS;
  }

  /**
   * The call, the input type and vector length repeated in each text's request, as the API asks.
   *
   * @throws UnsupportedOperationException for a vector length with embedding-001, which has no
   *     {@code outputDimensionality}
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    boolean legacy = model.apiName().equals(LEGACY);
    if (legacy && r.dimensions() != null && r.dimensions() != model.dimensions()) {
      throw new UnsupportedOperationException(LEGACY + " cannot shorten its vectors");
    }
    ObjectNode body = Json.object();
    ArrayNode requests = body.putArray("requests");
    for (String text : r.texts()) {
      // Each request names the model again, and it must be the one in the path.
      ObjectNode one = requests.addObject().put("model", "models/" + model.apiName());
      one.putObject("content").putArray("parts").addObject().put("text", text);
      if (r.inputType() != null && !legacy) {
        one.put("taskType", taskType(r.inputType()));
      }
      if (r.dimensions() != null && !legacy) {
        one.put("outputDimensionality", r.dimensions());
      }
    }
    String path = "/models/" + model.apiName() + ":batchEmbedContents";
    return caller.call(model, r.credentials(), r.extraHeaders(), "POST", path, Json.write(body));
  }

  /** Gemini's {@code taskType}: {@code RETRIEVAL_QUERY} or {@code RETRIEVAL_DOCUMENT}. */
  static String taskType(EmbeddingRequest.InputType type) {
    return type == EmbeddingRequest.InputType.QUERY ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT";
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    JsonNode embeddings = root.get("embeddings");
    if (embeddings == null || !embeddings.isArray()) {
      throw Errors.unreadable(API, new IllegalStateException("no embeddings"));
    }
    List<float[]> vectors = new ArrayList<>();
    for (JsonNode e : embeddings) {
      vectors.add(Vectors.of(API, e.get("values")));
    }
    return new Embedded(Vectors.checked(API, vectors, r.texts().size()), OptionalLong.empty());
  }
}

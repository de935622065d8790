package dev.beamllm.provider.voyage;

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
import java.util.Set;

/**
 * Voyage embeddings ({@code POST {api_base}/embeddings}): {@code {"model", "input": [texts],
 * "input_type"?: "query" | "document", "output_dimension"?}}, answered with {@code data[{embedding,
 * index}]} and {@code usage.total_tokens}. {@code truncation} is left to its default (true: a text
 * longer than the context is cut). Reference: docs.voyageai.com/reference/embeddings-api.
 */
final class VoyageEmbeddings implements EmbeddingApi {
  private static final String API = "Voyage embeddings";

  /** "The maximum length of the list is 1,000." */
  static final int MAX_TEXTS = 1000;

  /**
   * The context of the 3.5 and 3-large models, 32,000 tokens (docs.voyageai.com/docs/embeddings).
   */
  private static final long TOKENS_PER_TEXT = 32_000;

  /** The lengths {@code output_dimension} takes with the flexible models (2048, 1024, 512, 256). */
  private static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024, 2048);

  private final ApiCall caller;

  VoyageEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.VOYAGE;
  }

  /**
   * 1,000 texts, and at most 1M tokens in all for the lite models, 120K for the large ones
   * (voyage-3-large, -code-3, -finance-2, -law-2), 320K for the others (voyage-3.5, voyage-2): the
   * {@code input} constraints of the API reference.
   */
  @Override
  public Limits limits(ModelSpec model) {
    String name = model.apiName();
    long perRequest;
    if (name.endsWith("-lite")) {
      perRequest = 1_000_000;
    } else if (name.endsWith("-large")
        || name.startsWith("voyage-code-3")
        || name.startsWith("voyage-finance-2")
        || name.startsWith("voyage-law-2")) {
      perRequest = 120_000;
    } else {
      perRequest = 320_000;
    }
    return new Limits(MAX_TEXTS, perRequest, TOKENS_PER_TEXT);
  }

  /**
   * The call; texts whose type is not given are sent without {@code input_type}, which Voyage
   * embeds as they are.
   *
   * @throws UnsupportedOperationException for a vector length other than 256, 512, 1024 or 2048
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object().put("model", model.apiName());
    ArrayNode input = body.putArray("input");
    r.texts().forEach(input::add);
    if (r.inputType() != null) {
      body.put(
          "input_type", r.inputType() == EmbeddingRequest.InputType.QUERY ? "query" : "document");
    }
    Integer dimensions = r.dimensions();
    if (dimensions != null) {
      if (!DIMENSIONS.contains(dimensions)) {
        throw new UnsupportedOperationException(
            model.apiName()
                + " cannot give "
                + dimensions
                + "-dimension vectors (256, 512, 1024 or 2048)");
      }
      body.put("output_dimension", dimensions);
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

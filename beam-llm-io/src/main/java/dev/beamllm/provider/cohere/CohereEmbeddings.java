package dev.beamllm.provider.cohere;

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
 * Cohere embed v2 ({@code POST {api_base}/embed}, bearer key): {@code {"model", "texts",
 * "input_type", "embedding_types": ["float"], "output_dimension"?}}, answered with {@code
 * embeddings.float[][]} in the texts' order and {@code meta.billed_units.input_tokens}. Reference:
 * docs.cohere.com/reference/embed.
 */
final class CohereEmbeddings implements EmbeddingApi {
  private static final String API = "Cohere embed";

  /** "Maximum number of texts per call is 96" (docs.cohere.com/reference/embed, {@code texts}). */
  static final int MAX_TEXTS = 96;

  /**
   * Tokens of one text: embed-v4.0 reads up to 128k (docs.cohere.com/docs/cohere-embed); the v3
   * models 512, past which the API cuts the text's end ({@code truncate} defaults to {@code END}).
   */
  private static final long V4_TOKENS = 128_000;

  private static final long V3_TOKENS = 512;

  /** The lengths embed-v4.0's {@code output_dimension} takes; the v3 models have none. */
  private static final Set<Integer> V4_DIMENSIONS = Set.of(256, 512, 1024, 1536);

  private final ApiCall caller;

  CohereEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING && model.wireFormat() == WireFormat.COHERE;
  }

  /**
   * 96 texts of the model's length each; Cohere documents no cap on a call's tokens beyond that.
   */
  @Override
  public Limits limits(ModelSpec model) {
    long perText = isV4(model) ? V4_TOKENS : V3_TOKENS;
    return new Limits(MAX_TEXTS, MAX_TEXTS * perText, perText);
  }

  private static boolean isV4(ModelSpec model) {
    return model.apiName().startsWith("embed-v4");
  }

  /**
   * The call. The input type is required from Embed v3 on, so texts whose type is not given are
   * sent as {@code search_document}, what a text stored to be searched is.
   *
   * @throws UnsupportedOperationException for a vector length embed-v4.0 cannot give (256, 512,
   *     1024, 1536), or other than the native one of a v3 model
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object().put("model", model.apiName());
    ArrayNode texts = body.putArray("texts");
    r.texts().forEach(texts::add);
    body.put("input_type", inputType(r.inputType()));
    body.putArray("embedding_types").add("float");
    Integer dimensions = r.dimensions();
    if (dimensions != null) {
      if (isV4(model) && V4_DIMENSIONS.contains(dimensions)) {
        body.put("output_dimension", dimensions);
      } else if (isV4(model) || dimensions != model.dimensions()) {
        throw new UnsupportedOperationException(
            model.apiName()
                + " cannot give "
                + dimensions
                + "-dimension vectors"
                + (isV4(model) ? " (256, 512, 1024 or 1536)" : ""));
      }
    }
    return caller.call(
        model, r.credentials(), r.extraHeaders(), "POST", "/embed", Json.write(body));
  }

  /** Cohere's {@code input_type}: {@code search_query} or {@code search_document}. */
  static String inputType(EmbeddingRequest.InputType type) {
    return type == EmbeddingRequest.InputType.QUERY ? "search_query" : "search_document";
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    return new Embedded(
        Vectors.list(API, root.path("embeddings").get("float"), r.texts().size()),
        Vectors.tokens(root.path("meta").path("billed_units").get("input_tokens")));
  }
}

package dev.beamllm.provider.bedrock;

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
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Embedding models on Amazon Bedrock, through {@code InvokeModel} ({@code POST /model/{id}/invoke},
 * signed or keyed as every Bedrock call, see {@link BedrockEndpoint}), each with its vendor's body:
 *
 * <ul>
 *   <li>Titan Text Embeddings V2 ({@code amazon.titan-embed-text-v2:0}): one text a call, {@code
 *       {"inputText", "dimensions"?}}, answered with {@code embedding} and {@code
 *       inputTextTokenCount}
 *       (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html);
 *   <li>Cohere Embed v3 ({@code cohere.embed-english-v3}, {@code cohere.embed-multilingual-v3}):
 *       {@code {"texts", "input_type"}}, answered with {@code embeddings} as a list of float lists
 *       (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html).
 * </ul>
 */
final class BedrockEmbeddings implements EmbeddingApi {
  private static final String API = "Bedrock embeddings";

  /**
   * Titan V2 takes one {@code inputText} of up to 8,192 tokens (its model card: "Max tokens 8,192";
   * docs.aws.amazon.com/bedrock/latest/userguide/titan-embedding-models.html).
   */
  private static final Limits TITAN = new Limits(1, 8192, 8192);

  /**
   * Cohere Embed on Bedrock: 96 texts a call and 2,048 characters a text, "we recommend reducing
   * the length of each text to be under 512 tokens" (the {@code texts} row of the model-parameters
   * page); 512 is taken as the limit since the page gives no larger one in tokens.
   */
  private static final Limits COHERE = new Limits(96, 96 * 512L, 512);

  /** The lengths Titan V2's {@code dimensions} takes: "1024 (default), 512, 256". */
  private static final Set<Integer> TITAN_DIMENSIONS = Set.of(256, 512, 1024);

  /**
   * The header in which Bedrock reports an {@code InvokeModel} call's input tokens, read when the
   * body does not say (Cohere's answer has no token count). The SDKs show it in their response
   * metadata, but the InvokeModel API reference does not list it: an answer without it has no
   * count.
   */
  static final String INPUT_TOKENS_HEADER = "x-amzn-bedrock-input-token-count";

  private final ApiCall caller;

  BedrockEmbeddings(ApiCall caller) {
    this.caller = caller;
  }

  private static boolean isTitan(ModelSpec model) {
    return model.apiName().contains("amazon.titan-embed-text-v2");
  }

  private static boolean isCohere(ModelSpec model) {
    return model.apiName().contains("cohere.embed-");
  }

  /** A Titan Text Embeddings V2 or Cohere Embed model registered for Bedrock. */
  @Override
  public boolean embeds(ModelSpec model) {
    return model.kind() == ModelKind.EMBEDDING
        && model.wireFormat() == WireFormat.BEDROCK_CONVERSE
        && (isTitan(model) || isCohere(model));
  }

  @Override
  public Limits limits(ModelSpec model) {
    return isTitan(model) ? TITAN : COHERE;
  }

  /**
   * The call.
   *
   * @throws UnsupportedOperationException for a model this API does not embed with, more than one
   *     text for Titan, a length Titan cannot give (256, 512, 1024), or any length but 1024 for
   *     Cohere Embed v3, which cannot shorten its vectors
   */
  @Override
  public HttpCall embed(EmbeddingRequest r) {
    ModelSpec model = r.model();
    ObjectNode body = Json.object();
    Integer dimensions = r.dimensions();
    if (isTitan(model)) {
      if (r.texts().size() != 1) {
        throw new UnsupportedOperationException(
            "Titan embeds one text a call, not " + r.texts().size());
      }
      body.put("inputText", r.texts().get(0));
      if (dimensions != null) {
        if (!TITAN_DIMENSIONS.contains(dimensions)) {
          throw new UnsupportedOperationException(
              "Titan V2 gives 256, 512 or 1024 dimensions, not " + dimensions);
        }
        body.put("dimensions", dimensions);
      }
    } else if (isCohere(model)) {
      if (dimensions != null && dimensions != model.dimensions()) {
        throw new UnsupportedOperationException(
            model.apiName() + " gives " + model.dimensions() + "-dimension vectors only");
      }
      ArrayNode texts = body.putArray("texts");
      r.texts().forEach(texts::add);
      // Required; texts of no given type are taken as documents, as on Cohere's own API.
      body.put(
          "input_type",
          r.inputType() == EmbeddingRequest.InputType.QUERY ? "search_query" : "search_document");
    } else {
      throw new UnsupportedOperationException(
          model.apiName() + " is not an embedding model this library calls on Bedrock");
    }
    return caller.call(
        model,
        r.credentials(),
        r.extraHeaders(),
        "POST",
        BedrockEndpoint.path(model, "invoke"),
        Json.write(body));
  }

  @Override
  public Embedded parse(EmbeddingRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body(API, answer);
    OptionalLong header =
        answer
            .header(INPUT_TOKENS_HEADER)
            .filter(v -> v.matches("\\d+"))
            .map(v -> OptionalLong.of(Long.parseLong(v)))
            .orElse(OptionalLong.empty());
    if (isTitan(r.model())) {
      OptionalLong tokens = Vectors.tokens(root.get("inputTextTokenCount"));
      return new Embedded(
          List.of(Vectors.of(API, root.get("embedding"))), tokens.isPresent() ? tokens : header);
    }
    // Without embedding_types the answer is "embeddings_floats", a list of float lists; with
    // them, "embeddings_by_type", an object of such lists by type.
    JsonNode embeddings = root.get("embeddings");
    if (embeddings != null && embeddings.isObject()) {
      embeddings = embeddings.get("float");
    }
    return new Embedded(Vectors.list(API, embeddings, r.texts().size()), header);
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bedrock {@code InvokeModel} for Amazon Titan Text Embeddings ({@code POST
 * /model/amazon.titan-embed-text-v2:0/invoke}): ONE text per request. V2's body is {@code
 * {"inputText", "dimensions": 256|512|1024 (default 1024), "normalize": true by default,
 * "embeddingTypes": ["float"|"binary", ...]}} and its answer {@code {"embedding": [floats],
 * "embeddingsByType": {"float": [...], "binary": [0|1 per dimension]}, "inputTextTokenCount"}}; G1
 * ({@code amazon.titan-embed-text-v1}) takes only {@code inputText} and answers 1536 floats without
 * {@code embeddingsByType}. The input is a non-empty string of at most 50,000 characters and 8,192
 * tokens. Vectors come from {@link FakeEmbeddings} (a smaller {@code dimensions} is the prefix made
 * unit length again); {@code normalize: false} gives the same direction at a length seeded by the
 * text, never 1. Credentials and errors are Bedrock's. Reference:
 * docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html.
 */
final class BedrockTitanEmbedDialect extends BedrockDialect {
  static final int MAX_CHARS = 50_000;
  static final int MAX_TOKENS = 8_192;
  private static final Set<String> V2_KEYS =
      Set.of("inputText", "dimensions", "normalize", "embeddingTypes");
  private static final Set<Integer> V2_DIMENSIONS = Set.of(256, 512, 1024);
  private static final List<String> TYPES = List.of("float", "binary");

  @Override
  public String name() {
    return "bedrock-titan-embed";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    checkProfileRegion(request, pathModel);
    ObjectNode body =
        Bodies.object(
            request, "Malformed input request, please reformat your input and try again.");
    boolean v1 = isV1(pathModel);
    BedrockSchema.onlyKeys(body, v1 ? Set.of("inputText") : V2_KEYS);
    String text =
        BedrockSchema.string(
            BedrockSchema.required(body, "inputText"), "#/inputText", 1, MAX_CHARS);
    int dimensions = v1 ? 1536 : 1024;
    boolean normalize = true;
    List<String> types = new ArrayList<>(List.of("float"));
    if (body.has("dimensions")) {
      dimensions = BedrockSchema.oneOf(body.get("dimensions"), "#/dimensions", V2_DIMENSIONS);
    }
    if (body.has("normalize")) {
      normalize = BedrockSchema.bool(body.get("normalize"), "#/normalize");
    }
    if (body.has("embeddingTypes")) {
      JsonNode list =
          BedrockSchema.array(body.get("embeddingTypes"), "#/embeddingTypes", 1, TYPES.size());
      types.clear();
      for (int i = 0; i < list.size(); i++) {
        types.add(BedrockSchema.oneOf(list.get(i), "#/embeddingTypes/" + i, TYPES));
      }
    }
    int tokens = TokenCounter.count(text);
    if (tokens > MAX_TOKENS) {
      // Not a schema failure: the model's own refusal, worded apart.
      throw ProviderError.badRequest(
          "Too many input tokens. Max input tokens: "
              + MAX_TOKENS
              + ", request input token count: "
              + tokens,
          null);
    }
    ObjectNode options =
        Json.object().put("v1", v1).put("dimensions", dimensions).put("normalize", normalize);
    options.set("types", Json.MAPPER.valueToTree(types));
    return ParsedRequest.ofInputs(
        pathModel, Conversation.of(Message.user(text)), tokens, Json.write(options));
  }

  /** Titan Text Embeddings G1 ({@code amazon.titan-embed-text-v1}), with its single field. */
  private static boolean isV1(String model) {
    return model.contains("titan-embed-text-v1");
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode options = Json.parse(request.options());
    String text = request.conversation().messages().get(0).text();
    int dimensions = options.get("dimensions").asInt();
    float[] vector = FakeEmbeddings.vector(text, dimensions, dimensions);
    if (!options.get("normalize").asBoolean()) {
      // A raw embedding has some length of its own; seeded by the text so it is repeatable.
      long seed = ByteBuffer.wrap(Digests.sha256("titan-norm:" + text)).getLong();
      float length = 2f + (float) Math.floorMod(seed, 1000) / 100f;
      for (int i = 0; i < vector.length; i++) {
        vector[i] *= length;
      }
    }
    ObjectNode root = Json.object();
    root.set("embedding", FakeEmbeddings.floats(vector));
    if (!options.get("v1").asBoolean()) {
      ObjectNode byType = root.putObject("embeddingsByType");
      for (JsonNode type : options.get("types")) {
        if (type.asText().equals("float")) {
          byType.set("float", FakeEmbeddings.floats(vector));
        } else {
          ArrayNode bits = byType.putArray("binary");
          for (float x : vector) {
            bits.add(x > 0 ? 1 : 0);
          }
        }
      }
    }
    root.put("inputTextTokenCount", answer.totalInputTokens());
    Map<String, String> headers = new LinkedHashMap<>(BedrockErrors.requestId());
    headers.put("x-amzn-bedrock-input-token-count", String.valueOf(answer.totalInputTokens()));
    return FakeHttpResponse.json(200, Json.write(root)).withHeaders(headers);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return BedrockErrors.render(kind, message, param);
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bedrock {@code InvokeModel} for Cohere Embed v3 ({@code cohere.embed-english-v3}, {@code
 * cohere.embed-multilingual-v3}): Cohere's v1 embed body without {@code model}, {@code {"texts":
 * [at most 96 strings of at most 2,048 characters], "input_type":
 * "search_document"|"search_query"|"classification"|"clustering" (required), "truncate":
 * "NONE"|"START"|"END", "embedding_types": ["float"|"int8"|"uint8"|"binary"|"ubinary", ...]}}.
 * Without {@code embedding_types} the answer is {@code {"embeddings": [[1024 floats], ...], "id",
 * "response_type": "embeddings_floats", "texts"}}; with them {@code "embeddings"} is an object of
 * one list per type and {@code response_type} {@code embeddings_by_type}. Each text's vector is the
 * one Cohere's own {@code /v2/embed} gives it ({@link CohereEmbedDialect#vector}); {@code
 * input_type} is checked but does not change it. Image inputs are not served (a 400 says so).
 * Reference: docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html.
 */
final class BedrockCohereEmbedDialect extends BedrockDialect {
  /** The most texts one request may hold. */
  static final int MAX_TEXTS = 96;

  static final int MAX_CHARS = 2_048;
  private static final int DIMENSIONS = 1024;
  private static final Set<String> KEYS =
      Set.of("texts", "images", "input_type", "truncate", "embedding_types");
  private static final List<String> INPUT_TYPES =
      List.of("search_document", "search_query", "classification", "clustering", "image");
  private static final List<String> TRUNCATE = List.of("NONE", "START", "END");
  private static final List<String> TYPES = List.of("float", "int8", "uint8", "binary", "ubinary");

  @Override
  public String name() {
    return "bedrock-cohere-embed";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    checkProfileRegion(request, pathModel);
    ObjectNode body =
        Bodies.object(
            request, "Malformed input request, please reformat your input and try again.");
    BedrockSchema.onlyKeys(body, KEYS);
    BedrockSchema.oneOf(BedrockSchema.required(body, "input_type"), "#/input_type", INPUT_TYPES);
    if (body.has("truncate")) {
      BedrockSchema.oneOf(body.get("truncate"), "#/truncate", TRUNCATE);
    }
    List<String> types = null;
    if (body.has("embedding_types")) {
      JsonNode list =
          BedrockSchema.array(body.get("embedding_types"), "#/embedding_types", 1, TYPES.size());
      types = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        types.add(BedrockSchema.oneOf(list.get(i), "#/embedding_types/" + i, TYPES));
      }
    }
    if (body.has("images")) {
      throw ProviderError.badRequest(
          "The fake provider embeds texts only on Bedrock's Cohere Embed models.", null);
    }
    JsonNode texts =
        BedrockSchema.array(BedrockSchema.required(body, "texts"), "#/texts", 1, MAX_TEXTS);
    List<Message> messages = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = BedrockSchema.string(texts.get(i), "#/texts/" + i, 0, MAX_CHARS);
      tokens += TokenCounter.count(text);
      messages.add(Message.user(text));
    }
    ObjectNode options = Json.object();
    if (types != null) {
      options.set("types", Json.MAPPER.valueToTree(types));
    }
    return ParsedRequest.ofInputs(
        pathModel, Conversation.of(messages), tokens, Json.write(options));
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode types = Json.parse(request.options()).get("types");
    ObjectNode root = Json.object();
    ArrayNode texts = Json.MAPPER.createArrayNode();
    List<float[]> vectors = new ArrayList<>();
    for (Message m : request.conversation().messages()) {
      vectors.add(CohereEmbedDialect.vector(Conversation.of(m).fingerprint(), DIMENSIONS));
      texts.add(m.text());
    }
    if (types == null) {
      ArrayNode embeddings = root.putArray("embeddings");
      vectors.forEach(v -> embeddings.add(FakeEmbeddings.floats(v)));
    } else {
      ObjectNode embeddings = root.putObject("embeddings");
      for (JsonNode type : types) {
        ArrayNode list = embeddings.putArray(type.asText());
        vectors.forEach(v -> list.add(FakeEmbeddings.encode(type.asText(), v)));
      }
    }
    root.put("id", uuid(request.conversation().fingerprint() + request.model()));
    root.put("response_type", types == null ? "embeddings_floats" : "embeddings_by_type");
    root.set("texts", texts);
    Map<String, String> headers = new LinkedHashMap<>(BedrockErrors.requestId());
    headers.put("x-amzn-bedrock-input-token-count", String.valueOf(answer.totalInputTokens()));
    return FakeHttpResponse.json(200, Json.write(root)).withHeaders(headers);
  }

  /** A UUID-shaped id derived from the request, as Cohere's ids look. */
  private static String uuid(String seed) {
    String hex = HexFormat.of().formatHex(Digests.sha256(seed));
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return BedrockErrors.render(kind, message, param);
  }
}

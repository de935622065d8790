package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The embedding APIs of Voyage ({@code POST /voyage/v1/embeddings}: {@code input_type} query or
 * document, {@code output_dimension} 256, 512, 1024 or 2048, at most 1,000 texts and the model's
 * tokens a request; docs.voyageai.com/reference/embeddings-api) and Jina ({@code POST
 * /jina/v1/embeddings}: {@code task} among jina-embeddings-v3's adapters, {@code dimensions} up to
 * 1024, at most 2,048 texts). Both answer OpenAI's shape ({@code data[{object, embedding, index}]})
 * with {@code usage.total_tokens}; vectors are {@link FakeEmbeddings}' (native length 1024, a
 * shorter one the prefix scaled back to unit length). Errors are {@link DetailErrors}.
 */
final class TokenEmbeddingsDialect implements Dialect {
  private static final Set<String> JINA_TASKS =
      Set.of(
          "retrieval.query", "retrieval.passage", "separation", "classification", "text-matching");
  private static final Set<Integer> VOYAGE_DIMENSIONS = Set.of(256, 512, 1024, 2048);

  /** Voyage's and Jina's models here all embed in 1024 dimensions by default. */
  private static final int NATIVE = 1024;

  private final boolean voyage;

  /**
   * @param voyage Voyage's shape, else Jina's
   */
  TokenEmbeddingsDialect(boolean voyage) {
    this.voyage = voyage;
  }

  @Override
  public String name() {
    return voyage ? "voyage-embeddings" : "jina-embeddings";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "Request body is not valid JSON.");
    String model = Bodies.requiredString(body, "model", "model: Field required");
    List<String> texts = inputs(body.get("input"));
    int maxTexts = voyage ? 1000 : 2048;
    if (texts.size() > maxTexts) {
      throw ProviderError.badRequest(
          voyage
              ? "The maximum length of the input list is 1000, but got " + texts.size() + "."
              : "input length is larger than the largest allowed size 2048",
          "input");
    }
    String typeField = voyage ? "input_type" : "task";
    JsonNode type = body.get(typeField);
    if (type != null && !type.isNull()) {
      boolean ok =
          type.isTextual()
              && (voyage
                  ? type.textValue().equals("query") || type.textValue().equals("document")
                  : JINA_TASKS.contains(type.textValue()));
      if (!ok) {
        throw ProviderError.badRequest(
            typeField
                + ": "
                + (voyage
                    ? "Input should be 'query' or 'document'"
                    : "Input should be one of " + JINA_TASKS),
            typeField);
      }
    }
    String dimField = voyage ? "output_dimension" : "dimensions";
    int max = voyage ? 2048 : NATIVE;
    int dimensions = Bodies.intField(body, dimField, 1, max, NATIVE);
    if (voyage && body.hasNonNull(dimField) && !VOYAGE_DIMENSIONS.contains(dimensions)) {
      throw ProviderError.badRequest(
          "output_dimension must be one of 256, 512, 1024, 2048 for " + model, dimField);
    }
    long tokens = 0;
    List<Message> messages = new ArrayList<>();
    for (String text : texts) {
      tokens += TokenCounter.count(text);
      messages.add(Message.user(text));
    }
    long maxTokens = voyage ? voyageRequestTokens(model) : Long.MAX_VALUE;
    if (tokens > maxTokens) {
      throw ProviderError.badRequest(
          "Request to model '"
              + model
              + "' failed. The max allowed tokens per submitted batch is "
              + maxTokens
              + ". Your batch has "
              + tokens
              + " tokens after truncation. Please lower the number of tokens in the batch.",
          "input");
    }
    ObjectNode options =
        Json.object()
            .put("native_dimensions", Math.max(NATIVE, dimensions))
            .put("dimensions", dimensions);
    return ParsedRequest.ofInputs(model, Conversation.of(messages), tokens, Json.write(options));
  }

  /** Voyage's tokens a request: 1M for the lite models, 120K for the large, 320K otherwise. */
  static long voyageRequestTokens(String model) {
    if (model.endsWith("-lite")) {
      return 1_000_000;
    }
    return model.endsWith("-large") ? 120_000 : 320_000;
  }

  /** A non-empty string or a non-empty list of strings. */
  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw ProviderError.badRequest("input: Field required", "input");
    }
    if (input.isTextual()) {
      return List.of(input.textValue());
    }
    if (!input.isArray() || input.isEmpty()) {
      throw ProviderError.badRequest("input: must be a string or a non-empty list", "input");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        throw ProviderError.badRequest("input." + i + ": Input should be a valid string", "input");
      }
      out.add(input.get(i).textValue());
    }
    return out;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode options = Json.parse(request.options());
    int full = options.get("native_dimensions").asInt();
    int dimensions = options.get("dimensions").asInt();
    ObjectNode root = Json.object();
    if (!voyage) {
      root.put("model", request.model());
    }
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    List<Message> messages = request.conversation().messages();
    for (int i = 0; i < messages.size(); i++) {
      ObjectNode item = data.addObject().put("object", "embedding");
      item.set(
          "embedding",
          FakeEmbeddings.floats(FakeEmbeddings.vector(messages.get(i).text(), full, dimensions)));
      item.put("index", i);
    }
    ObjectNode usage = root.putObject("usage").put("total_tokens", answer.totalInputTokens());
    if (!voyage) {
      usage.put("prompt_tokens", answer.totalInputTokens());
    } else {
      root.put("model", request.model());
    }
    return FakeHttpResponse.json(200, Json.write(root));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return DetailErrors.error(kind, message, limits);
  }
}

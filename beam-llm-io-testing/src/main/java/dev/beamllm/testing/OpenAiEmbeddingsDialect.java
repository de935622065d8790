package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI embeddings ({@code POST /v1/embeddings}): text or token-array inputs, {@code float} or
 * {@code base64} vectors, {@code dimensions}, OpenAI's limits and errors. Vectors come from {@link
 * FakeEmbeddings}. Inputs are counted with cl100k_base, the embedding models' tokenizer. Reference:
 * platform.openai.com/docs/api-reference/embeddings/create.
 */
final class OpenAiEmbeddingsDialect implements Dialect {
  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final int MAX_INPUTS = 2048;
  private static final int MAX_INPUT_TOKENS = 8192;
  private static final int MAX_REQUEST_TOKENS = 300_000;
  private static final int MAX_TOKEN_ID = 100_257;
  private static final String INVALID_INPUT =
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

  @Override
  public String name() {
    return "openai-embeddings";
  }

  /**
   * Reads the inputs into one user message each, with {@code maxTokens} 0 so the answerer writes
   * nothing, and the exact cl100k count as the input tokens, which usage reports.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, OpenAiChatDialect.NOT_JSON);
    String model = Bodies.requiredString(body, "model", "you must provide a model parameter");
    List<String> texts = inputs(body.get("input"));
    String format = body.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw ProviderError.badRequest(
          "'" + format + "' is not one of ['float', 'base64'] - 'encoding_format'",
          "encoding_format");
    }
    int full = nativeDimensions(model);
    if (body.hasNonNull("dimensions") && model.equals("text-embedding-ada-002")) {
      throw ProviderError.badRequest(
          "This model does not support specifying dimensions.", "dimensions");
    }
    int dimensions = Bodies.intField(body, "dimensions", 1, full, full);
    long tokens = 0;
    List<Message> messages = new ArrayList<>();
    for (String text : texts) {
      int n = TokenCounter.count(text, TokenCounter.Tokenizer.CL100K);
      if (n > MAX_INPUT_TOKENS) {
        throw ProviderError.badRequest(
            "This model's maximum context length is "
                + MAX_INPUT_TOKENS
                + " tokens, however you requested "
                + n
                + " tokens ("
                + n
                + " in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
            null);
      }
      tokens += n;
      messages.add(Message.user(text));
    }
    if (tokens > MAX_REQUEST_TOKENS) {
      throw ProviderError.badRequest(
          "Requested " + tokens + " tokens, max " + MAX_REQUEST_TOKENS + " tokens per request",
          "input");
    }
    ObjectNode settings =
        Json.object()
            .put("encoding_format", format)
            .put("native_dimensions", full)
            .put("dimensions", dimensions);
    return ParsedRequest.ofInputs(model, Conversation.of(messages), tokens, Json.write(settings));
  }

  /**
   * The input texts: a string, an array of strings, an array of token ids, or an array of token-id
   * arrays (decoded with cl100k_base). Empty inputs, and more than 2048 of them, are refused.
   */
  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw ProviderError.badRequest("'input' is a required property", "input");
    }
    if (input.isTextual()) {
      return List.of(nonEmpty(input));
    }
    if (!input.isArray() || input.isEmpty() || input.size() > MAX_INPUTS) {
      throw ProviderError.badRequest(INVALID_INPUT, null);
    }
    List<String> out = new ArrayList<>();
    if (input.get(0).isIntegralNumber()) {
      out.add(decode(input));
      return out;
    }
    for (JsonNode item : input) {
      out.add(item.isArray() ? decode(item) : nonEmpty(item));
    }
    return out;
  }

  private static String nonEmpty(JsonNode text) {
    if (!text.isTextual() || text.textValue().isEmpty()) {
      throw ProviderError.badRequest(INVALID_INPUT, null);
    }
    return text.textValue();
  }

  private static String decode(JsonNode ids) {
    if (ids.isEmpty()) {
      throw ProviderError.badRequest(INVALID_INPUT, null);
    }
    IntArrayList tokens = new IntArrayList(ids.size());
    for (JsonNode id : ids) {
      if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() > MAX_TOKEN_ID) {
        throw ProviderError.badRequest(INVALID_INPUT, null);
      }
      tokens.add(id.asInt());
    }
    return CL100K.decode(tokens);
  }

  /** text-embedding-3-large has 3072 dimensions; text-embedding-3-small and ada-002 have 1536. */
  private static int nativeDimensions(String model) {
    return model.contains("3-large") ? 3072 : 1536;
  }

  /** One vector per input, in order, as floats or base64, and the input tokens as usage. */
  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode settings = Json.parse(request.options());
    boolean base64 = settings.get("encoding_format").asText().equals("base64");
    int full = settings.get("native_dimensions").asInt();
    int dimensions = settings.get("dimensions").asInt();
    ObjectNode root = Json.object().put("object", "list");
    ArrayNode data = root.putArray("data");
    List<Message> messages = request.conversation().messages();
    for (int i = 0; i < messages.size(); i++) {
      float[] vector = FakeEmbeddings.vector(messages.get(i).text(), full, dimensions);
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      if (base64) {
        item.put("embedding", FakeEmbeddings.base64(vector));
      } else {
        ArrayNode values = item.putArray("embedding");
        for (float v : vector) {
          values.add(v);
        }
      }
    }
    root.put("model", request.model());
    root.putObject("usage")
        .put("prompt_tokens", answer.totalInputTokens())
        .put("total_tokens", answer.totalInputTokens());
    String id = Bodies.id("emb-", request.conversation().fingerprint() + request.model());
    return FakeHttpResponse.json(200, Json.write(root))
        .withHeaders(OpenAiChatDialect.headers(limits, id));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return OpenAiChatDialect.openAiError(kind, message, param, limits);
  }
}

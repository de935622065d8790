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
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Mistral embeddings, served at {@code POST /mistral/v1/embeddings} because Mistral's own path
 * ({@code /v1/embeddings}) is OpenAI's here, whose dialect knows neither Mistral's models nor its
 * fields. The answer looks like OpenAI's ({@code {"id", "object": "list", "data": [{"object":
 * "embedding", "embedding", "index"}], "model", "usage"}}), but the request differs: {@code input}
 * is a string or a list of strings (no token arrays), the size is {@code output_dimension} (no
 * {@code dimensions}: Mistral refuses unknown fields), {@code output_dtype} picks float or a
 * quantized type ({@code int8}, {@code uint8}, {@code binary}, {@code ubinary}, as {@link
 * FakeEmbeddings#encode}) and {@code encoding_format} float or base64. mistral-embed has 1024
 * dimensions, codestral-embed 1536 by default and up to 3072; a smaller {@code output_dimension} is
 * the vector's prefix scaled back to unit length. Errors are Mistral's ({@link
 * MistralDialect#error}). Reference: docs.mistral.ai/api/endpoint/embeddings.
 */
final class MistralEmbeddingsDialect implements Dialect {
  /**
   * The tokens one request may hold in all. Mistral documents none; users measured 65,536 (a larger
   * batch is refused with "Too many tokens overall, split into more batches.", code 3210).
   */
  static final int MAX_REQUEST_TOKENS = 65_536;

  private static final Set<String> FIELDS =
      Set.of("model", "input", "output_dimension", "output_dtype", "encoding_format", "metadata");
  private static final List<String> DTYPES = List.of("float", "int8", "uint8", "binary", "ubinary");

  private final MistralDialect errors = new MistralDialect();

  @Override
  public String name() {
    return "mistral-embeddings";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body;
    try {
      body = Bodies.object(request, "JSON decode error");
    } catch (ProviderError e) {
      throw MistralMessages.schema("JSON decode error", "0");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw MistralMessages.schema("Extra inputs are not permitted", field);
      }
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw MistralMessages.schema("Field required", "model");
    }
    if (!model.isTextual()) {
      throw MistralMessages.schema("Input should be a valid string", "model");
    }
    List<String> texts = inputs(body.get("input"));
    String dtype = choice(body, "output_dtype", DTYPES);
    String format = choice(body, "encoding_format", List.of("float", "base64"));
    int full = nativeDimensions(model.textValue());
    int max = model.textValue().startsWith("codestral-embed") ? 3072 : full;
    int dimensions = full;
    JsonNode d = body.get("output_dimension");
    if (d != null && !d.isNull()) {
      if (!d.isIntegralNumber()) {
        throw MistralMessages.schema("Input should be a valid integer", "output_dimension");
      }
      if (d.asLong() < 1) {
        throw MistralMessages.schema(
            "Input should be greater than or equal to 1", "output_dimension");
      }
      if (d.asLong() > max) {
        throw ProviderError.badRequest(
            "output_dimension must be at most " + max + " for model " + model.textValue(), null);
      }
      dimensions = d.asInt();
    }
    if (format.equals("base64") && !dtype.equals("float")) {
      throw ProviderError.badRequest(
          "encoding_format 'base64' requires output_dtype 'float'", null);
    }
    long tokens = 0;
    List<Message> messages = new ArrayList<>();
    for (String text : texts) {
      tokens += TokenCounter.count(text);
      messages.add(Message.user(text));
    }
    if (tokens > MAX_REQUEST_TOKENS) {
      throw ProviderError.badRequest("Too many tokens overall, split into more batches.", null);
    }
    ObjectNode options =
        Json.object()
            .put("native_dimensions", Math.max(full, dimensions))
            .put("dimensions", dimensions)
            .put("output_dtype", dtype)
            .put("encoding_format", format);
    return ParsedRequest.ofInputs(
        model.textValue(), Conversation.of(messages), tokens, Json.write(options));
  }

  /** {@code input}: a non-empty string or a non-empty list of non-empty strings. */
  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw MistralMessages.schema("Field required", "input");
    }
    if (input.isTextual()) {
      return List.of(input.textValue());
    }
    if (!input.isArray()) {
      throw MistralMessages.schema("Input should be a valid list", "input");
    }
    if (input.isEmpty()) {
      throw MistralMessages.schema(
          "List should have at least 1 item after validation, not 0", "input");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < input.size(); i++) {
      if (!input.get(i).isTextual()) {
        throw MistralMessages.schema("Input should be a valid string", "input." + i);
      }
      out.add(input.get(i).textValue());
    }
    return out;
  }

  /** An optional enum field, its first value when absent. */
  private static String choice(ObjectNode body, String field, List<String> values) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return values.get(0);
    }
    if (!v.isTextual() || !values.contains(v.textValue())) {
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < values.size(); i++) {
        expected
            .append(i == 0 ? "" : i == values.size() - 1 ? " or " : ", ")
            .append('\'')
            .append(values.get(i))
            .append('\'');
      }
      throw MistralMessages.schema("Input should be " + expected, field);
    }
    return v.textValue();
  }

  /** mistral-embed has 1024 dimensions, codestral-embed 1536 by default. */
  static int nativeDimensions(String model) {
    return model.startsWith("codestral-embed") ? 1536 : 1024;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode options = Json.parse(request.options());
    int full = options.get("native_dimensions").asInt();
    int dimensions = options.get("dimensions").asInt();
    String dtype = options.get("output_dtype").asText();
    boolean base64 = options.get("encoding_format").asText().equals("base64");
    String id =
        "embd-"
            + HexFormat.of()
                .formatHex(Digests.sha256(request.conversation().fingerprint() + request.model()))
                .substring(0, 32);
    ObjectNode root = Json.object().put("id", id).put("object", "list");
    ArrayNode data = root.putArray("data");
    List<Message> messages = request.conversation().messages();
    for (int i = 0; i < messages.size(); i++) {
      float[] vector = FakeEmbeddings.vector(messages.get(i).text(), full, dimensions);
      ObjectNode item = data.addObject().put("object", "embedding");
      item.set(
          "embedding",
          base64
              ? Json.MAPPER.getNodeFactory().textNode(FakeEmbeddings.base64(vector))
              : FakeEmbeddings.encode(dtype, vector));
      item.put("index", i);
    }
    root.put("model", request.model());
    root.putObject("usage")
        .put("prompt_tokens", answer.totalInputTokens())
        .put("total_tokens", answer.totalInputTokens())
        .put("completion_tokens", 0);
    return FakeHttpResponse.json(200, Json.write(root))
        .withHeaders(MistralDialect.headers(limits, id));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return errors.error(kind, message, param, limits);
  }
}

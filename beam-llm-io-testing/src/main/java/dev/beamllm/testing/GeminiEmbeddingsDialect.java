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
 * Gemini embeddings: {@code POST /v1beta/models/{model}:embedContent} (one {@code
 * EmbedContentRequest}, answered {@code {"embedding": {"values": [...]}}}) and {@code
 * :batchEmbedContents} ({@code {"requests": [...]}}, each with {@code "model": "models/{model}"}
 * naming the path's model, answered {@code {"embeddings": [{"values": [...]}, ...]}} in order). A
 * batch holds at most {@value #MAX_BATCH} requests, as Google enforces (documented only by its
 * 400).
 *
 * <p>Only the {@code text} parts of {@code content} are embedded, joined. {@code taskType} and
 * {@code outputDimensionality} are read at the request's top level or, as Google now prefers, in
 * {@code embedContentConfig}; the task type is validated but does not change the vector (the same
 * text always embeds the same). gemini-embedding models have 3072 dimensions, older ones 768; a
 * smaller {@code outputDimensionality} truncates the vector without normalizing it again, as Google
 * documents (only the full-size embedding is unit length). Key and errors are Gemini's ({@link
 * GeminiDialect#key}, {@link GeminiErrors}). Reference: ai.google.dev/api/embeddings.
 */
final class GeminiEmbeddingsDialect implements Dialect {
  /** The most requests one {@code batchEmbedContents} call may hold. */
  static final int MAX_BATCH = 100;

  private static final Set<String> REQUEST_FIELDS =
      Set.of("model", "content", "taskType", "title", "outputDimensionality", "embedContentConfig");
  private static final Set<String> CONFIG_FIELDS =
      Set.of("taskType", "title", "outputDimensionality", "autoTruncate");
  private static final Set<String> TASK_TYPES =
      Set.of(
          "TASK_TYPE_UNSPECIFIED",
          "RETRIEVAL_QUERY",
          "RETRIEVAL_DOCUMENT",
          "SEMANTIC_SIMILARITY",
          "CLASSIFICATION",
          "CLUSTERING",
          "QUESTION_ANSWERING",
          "FACT_VERIFICATION",
          "CODE_RETRIEVAL_QUERY");

  private final boolean batch;

  /**
   * @param batch true for {@code :batchEmbedContents}
   */
  GeminiEmbeddingsDialect(boolean batch) {
    this.batch = batch;
  }

  @Override
  public String name() {
    return batch ? "gemini-batch-embed" : "gemini-embed";
  }

  @Override
  public String apiKey(FakeHttpRequest request) {
    return GeminiDialect.key(request);
  }

  /**
   * One user message per request's text and no output; the answer's dimensions per request travel
   * in the options.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "Invalid JSON payload received. Unexpected token.");
    int full = nativeDimensions(pathModel);
    List<JsonNode> requests = new ArrayList<>();
    String message;
    if (batch) {
      message = "BatchEmbedContentsRequest";
      GeminiFields.checkKnown(body, Set.of("requests"), "");
      JsonNode list = GeminiFields.get(body, "requests");
      if (list == null || !list.isArray() || list.isEmpty()) {
        throw violation(message, "requests", "at least one request is required");
      }
      if (list.size() > MAX_BATCH) {
        throw violation(
            message, "requests", "at most " + MAX_BATCH + " requests can be in one batch");
      }
      list.forEach(requests::add);
    } else {
      message = "EmbedContentRequest";
      requests.add(body);
    }
    List<Message> messages = new ArrayList<>();
    ArrayNode dimensions = Json.MAPPER.createArrayNode();
    long tokens = 0;
    for (int i = 0; i < requests.size(); i++) {
      String where = batch ? "requests[" + i + "]" : "";
      String prefix = where.isEmpty() ? "" : where + ".";
      JsonNode r = requests.get(i);
      GeminiFields.checkKnown(r, REQUEST_FIELDS, where);
      checkModel(r, pathModel, message, prefix);
      JsonNode config = GeminiFields.get(r, "embedContentConfig");
      if (config != null) {
        GeminiFields.checkKnown(config, CONFIG_FIELDS, prefix + "embed_content_config");
      }
      taskType(r, config, prefix);
      dimensions.add(dimensions(r, config, full, message, prefix));
      String text = text(GeminiFields.get(r, "content"), message, prefix);
      tokens += TokenCounter.count(text);
      messages.add(Message.user(text));
    }
    ObjectNode options = Json.object().put("native_dimensions", full);
    options.set("dimensions", dimensions);
    return ParsedRequest.ofInputs(
        pathModel, Conversation.of(messages), tokens, Json.write(options));
  }

  /**
   * A batch's requests must each name the path's model as {@code models/{model}}; a single
   * request's {@code model}, optional, must be of that form too.
   */
  private void checkModel(JsonNode r, String pathModel, String message, String prefix) {
    JsonNode model = GeminiFields.get(r, "model");
    if (model == null && !batch) {
      return;
    }
    if (model == null || !model.isTextual() || !model.textValue().startsWith("models/")) {
      throw violation(message, prefix + "model", "unexpected model name format");
    }
    if (batch && !model.textValue().equals("models/" + pathModel)) {
      throw violation(
          message,
          prefix + "model",
          "the model of every request must be the batch's model, models/" + pathModel);
    }
  }

  private static void taskType(JsonNode r, JsonNode config, String prefix) {
    JsonNode type = GeminiFields.get(r, "taskType");
    String path = prefix + "task_type";
    if (config != null && GeminiFields.get(config, "taskType") != null) {
      type = GeminiFields.get(config, "taskType");
      path = prefix + "embed_content_config.task_type";
    }
    if (type != null && (!type.isTextual() || !TASK_TYPES.contains(type.textValue()))) {
      throw ProviderError.badRequest(
          "Invalid value at '"
              + path
              + "' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "
              + type,
          path);
    }
  }

  private static int dimensions(
      JsonNode r, JsonNode config, int full, String message, String prefix) {
    JsonNode v = GeminiFields.get(r, "outputDimensionality");
    String path = prefix + "output_dimensionality";
    if (config != null && GeminiFields.get(config, "outputDimensionality") != null) {
      v = GeminiFields.get(config, "outputDimensionality");
      path = prefix + "embed_content_config.output_dimensionality";
    }
    if (v == null) {
      return full;
    }
    if (!v.isIntegralNumber()) {
      throw ProviderError.badRequest("Invalid value at '" + path + "' (TYPE_INT32), " + v, path);
    }
    if (v.asLong() < 1 || v.asLong() > full) {
      throw violation(
          message, path, "output_dimensionality must be between 1 and " + full + ", got " + v);
    }
    return v.asInt();
  }

  /** The content's text parts, joined; a content without text is refused. */
  private static String text(JsonNode content, String message, String prefix) {
    if (content == null) {
      throw violation(message, prefix + "content", "content is required");
    }
    GeminiFields.checkKnown(content, Set.of("parts", "role"), prefix + "content");
    StringBuilder text = new StringBuilder();
    JsonNode parts = GeminiFields.get(content, "parts");
    if (parts != null && parts.isArray()) {
      for (JsonNode part : parts) {
        JsonNode t = part.get("text");
        if (t != null && t.isTextual()) {
          text.append(text.isEmpty() ? "" : " ").append(t.textValue());
        }
      }
    }
    if (text.toString().isBlank()) {
      throw violation(message, prefix + "content", "content must contain non-empty text parts");
    }
    return text.toString();
  }

  /** gemini-embedding-001 (and later) have 3072 dimensions; text-embedding-004 and older 768. */
  static int nativeDimensions(String model) {
    return model.startsWith("gemini-embedding") ? 3072 : 768;
  }

  /** Google's form for a failed field check: {@code * <Message>.<path>: <message>} on a line. */
  private static ProviderError violation(String message, String path, String text) {
    return ProviderError.badRequest("* " + message + "." + path + ": " + text + "\n", path);
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    JsonNode options = Json.parse(request.options());
    int full = options.get("native_dimensions").asInt();
    List<Message> messages = request.conversation().messages();
    ObjectNode root = Json.object();
    ArrayNode embeddings = batch ? root.putArray("embeddings") : null;
    for (int i = 0; i < messages.size(); i++) {
      int dimensions = options.get("dimensions").get(i).asInt();
      ObjectNode embedding = batch ? embeddings.addObject() : root.putObject("embedding");
      embedding.set(
          "values",
          FakeEmbeddings.floats(
              FakeEmbeddings.truncated(messages.get(i).text(), full, dimensions)));
    }
    return FakeHttpResponse.json(200, Json.write(root));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return GeminiErrors.render(
        kind, message, param, limits, batch ? "batchEmbedContents" : "embedContent");
  }
}

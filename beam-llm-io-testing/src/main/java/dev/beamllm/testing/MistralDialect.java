package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mistral chat completions, served at {@code POST /mistral/v1/chat/completions} because Mistral's
 * own path ({@code /v1/chat/completions}) is OpenAI's here. The request and answer look like
 * OpenAI's, but Mistral refuses unknown fields, validates like pydantic (422 with a {@code detail}
 * list), has its own rules for messages (see {@link MistralMessages}), answers with nine-character
 * tool-call ids, and has its own error bodies and rate-limit headers. Reference:
 * docs.mistral.ai/api and docs.mistral.ai/resources/error-glossary.
 */
final class MistralDialect implements Dialect {
  private static final Set<String> FIELDS =
      Set.of(
          "model",
          "messages",
          "temperature",
          "top_p",
          "max_tokens",
          "stream",
          "stop",
          "random_seed",
          "metadata",
          "response_format",
          "tools",
          "tool_choice",
          "presence_penalty",
          "frequency_penalty",
          "n",
          "prediction",
          "parallel_tool_calls",
          "prompt_mode",
          "safe_prompt");
  private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");
  private static final String ALPHANUMERIC =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  @Override
  public String name() {
    return "mistral-chat";
  }

  /**
   * Validates the body as Mistral does: unknown fields first, then the messages, then the
   * parameters.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body;
    try {
      body = Bodies.object(request, "JSON decode error");
    } catch (ProviderError e) {
      // FastAPI's 422 for a body that is not a JSON object points at the body's start.
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
    Conversation conversation = MistralMessages.read(body.get("messages"));
    number(body, "temperature", 0, 1.5);
    number(body, "top_p", 0, 1);
    number(body, "presence_penalty", -2, 2);
    number(body, "frequency_penalty", -2, 2);
    int maxTokens = integer(body, "max_tokens", 0, 4096);
    integer(body, "random_seed", 0, 0);
    if (integer(body, "n", 1, 1) != 1) {
      throw ProviderError.badRequest("The fake provider answers n=1 only", null);
    }
    bool(body, "safe_prompt");
    boolean stream = bool(body, "stream");
    List<ParsedRequest.ToolDef> tools = tools(body.get("tools"));
    ParsedRequest.OutputFormat format = ParsedRequest.OutputFormat.TEXT;
    String schema = null;
    JsonNode rf = body.get("response_format");
    if (rf != null && !rf.isNull()) {
      String type = rf.path("type").asText("text");
      if (!FORMATS.contains(type)) {
        throw MistralMessages.schema(
            "Input should be 'text', 'json_object' or 'json_schema'", "response_format.type");
      }
      if (type.equals("json_object")) {
        format = ParsedRequest.OutputFormat.JSON_OBJECT;
      } else if (type.equals("json_schema")) {
        JsonNode js = rf.get("json_schema");
        if (js == null || !js.isObject()) {
          throw MistralMessages.schema("Field required", "response_format.json_schema");
        }
        if (!js.path("name").isTextual()) {
          throw MistralMessages.schema("Field required", "response_format.json_schema.name");
        }
        if (!js.path("schema").isObject()) {
          throw MistralMessages.schema("Field required", "response_format.json_schema.schema");
        }
        format = ParsedRequest.OutputFormat.JSON_SCHEMA;
        schema = Json.write(js.get("schema"));
      }
    }
    try {
      // Mistral publishes no image token formula; OpenAI's tiles are the nearest documented rule.
      return ParsedRequest.of(
          model.textValue(),
          conversation,
          tools,
          maxTokens,
          format,
          schema,
          -1,
          stream,
          false,
          null,
          TokenCounter.ImageRule.OPENAI);
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(e.getMessage(), null);
    }
  }

  /** An optional number within bounds, checked as pydantic words it. */
  private static void number(ObjectNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isNumber()) {
      throw MistralMessages.schema("Input should be a valid number", field);
    }
    if (v.asDouble() < min) {
      throw MistralMessages.schema("Input should be greater than or equal to " + plain(min), field);
    }
    if (v.asDouble() > max) {
      throw MistralMessages.schema("Input should be less than or equal to " + plain(max), field);
    }
  }

  /** An optional integer of at least {@code min}, or the default. */
  private static int integer(ObjectNode body, String field, int min, int fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      throw MistralMessages.schema("Input should be a valid integer", field);
    }
    if (v.asLong() < min) {
      throw MistralMessages.schema("Input should be greater than or equal to " + min, field);
    }
    return (int) Math.min(Integer.MAX_VALUE, v.asLong());
  }

  private static boolean bool(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw MistralMessages.schema("Input should be a valid boolean", field);
    }
    return v.booleanValue();
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** Tools in OpenAI's nested shape; names as Mistral allows them. */
  private static List<ParsedRequest.ToolDef> tools(JsonNode tools) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw MistralMessages.schema("Input should be a valid list", "tools");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode fn = tools.get(i).get("function");
      if (fn == null || !fn.isObject()) {
        throw MistralMessages.schema("Field required", "tools." + i + ".function");
      }
      JsonNode name = fn.get("name");
      if (name == null || !name.isTextual()) {
        throw MistralMessages.schema("Field required", "tools." + i + ".function.name");
      }
      if (!name.textValue().matches("[a-zA-Z0-9_-]{1,64}")) {
        throw ProviderError.badRequest(
            "Function name was "
                + name.textValue()
                + " but must be a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64.",
            null);
      }
      JsonNode params = fn.get("parameters");
      out.add(
          new ParsedRequest.ToolDef(
              name.textValue(), params == null || params.isNull() ? null : Json.write(params)));
    }
    return out;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id =
        HexFormat.of()
            .formatHex(Digests.sha256(request.conversation().fingerprint() + request.model()))
            .substring(0, 32);
    long created = Bodies.now();
    FakeHttpResponse response =
        request.stream()
            ? FakeHttpResponse.sse(stream(id, created, request.model(), answer))
            : FakeHttpResponse.json(
                200, Json.write(completion(id, created, request.model(), answer)));
    return response.withHeaders(headers(limits, id));
  }

  /** Mistral's chat completion: OpenAI's shape without its extras, usage of three counts. */
  private static ObjectNode completion(String id, long created, String model, Answer answer) {
    ObjectNode root = Json.object();
    root.put("id", id).put("object", "chat.completion").put("model", model);
    root.set("usage", usage(answer));
    root.put("created", created);
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    ObjectNode message =
        choice.putObject("message").put("role", "assistant").put("content", answer.text());
    if (answer.toolCalls().isEmpty()) {
      message.putNull("tool_calls");
    } else {
      message.set("tool_calls", toolCalls(answer));
    }
    message.put("prefix", false);
    choice.put("finish_reason", OpenAiChatDialect.finishReason(answer));
    return root;
  }

  /** The answer's tool calls with Mistral-style ids. */
  private static ArrayNode toolCalls(Answer answer) {
    ArrayNode calls = Json.MAPPER.createArrayNode();
    for (int i = 0; i < answer.toolCalls().size(); i++) {
      Answer.ToolCallOut c = answer.toolCalls().get(i);
      ObjectNode call = calls.addObject().put("id", callId(c.id())).put("type", "function");
      call.putObject("function").put("name", c.name()).put("arguments", c.argumentsJson());
      call.put("index", i);
    }
    return calls;
  }

  /**
   * A stable nine-character alphanumeric id for one of the answerer's call ids, as Mistral issues
   * them.
   */
  static String callId(String id) {
    BigInteger n = new BigInteger(1, Digests.sha256(id));
    BigInteger base = BigInteger.valueOf(ALPHANUMERIC.length());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      BigInteger[] qr = n.divideAndRemainder(base);
      out.append(ALPHANUMERIC.charAt(qr[1].intValue()));
      n = qr[0];
    }
    return out.toString();
  }

  private static ObjectNode usage(Answer answer) {
    long prompt = answer.totalInputTokens();
    return Json.object()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", answer.outputTokens())
        .put("total_tokens", prompt + answer.outputTokens());
  }

  /**
   * Chunks like OpenAI's: the role, the content (or tool calls), then finish reason and usage
   * together, then [DONE].
   */
  private static String stream(String id, long created, String model, Answer answer) {
    StringBuilder sse = new StringBuilder();
    event(
        sse,
        chunk(
            id,
            created,
            model,
            Json.object().put("role", "assistant").put("content", ""),
            null,
            null));
    if (!answer.toolCalls().isEmpty()) {
      ObjectNode delta = Json.object().put("content", "");
      delta.set("tool_calls", toolCalls(answer));
      event(sse, chunk(id, created, model, delta, null, null));
    } else {
      for (String piece : OpenAiChatDialect.pieces(answer.text())) {
        event(sse, chunk(id, created, model, Json.object().put("content", piece), null, null));
      }
    }
    event(
        sse,
        chunk(
            id,
            created,
            model,
            Json.object().put("content", ""),
            OpenAiChatDialect.finishReason(answer),
            usage(answer)));
    sse.append("data: [DONE]\n\n");
    return sse.toString();
  }

  private static ObjectNode chunk(
      String id, long created, String model, ObjectNode delta, String finish, ObjectNode usage) {
    ObjectNode c =
        Json.object()
            .put("id", id)
            .put("object", "chat.completion.chunk")
            .put("created", created)
            .put("model", model);
    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    if (usage != null) {
      c.set("usage", usage);
    }
    return c;
  }

  private static void event(StringBuilder sse, ObjectNode data) {
    sse.append("data: ").append(Json.write(data)).append("\n\n");
  }

  /**
   * Mistral's per-minute limit headers, on every answer, and {@code retry-after} on a 429. Mistral
   * sends no reset time per window that the fake could match, so none is sent.
   */
  static Map<String, String> headers(RateLimitState limits, String requestId) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("mistral-correlation-id", requestId);
    if (limits.requestLimit() > 0) {
      h.put("x-ratelimit-limit-req-minute", String.valueOf(limits.requestLimit()));
      h.put("x-ratelimit-remaining-req-minute", String.valueOf(limits.requestsRemaining()));
    }
    if (limits.tokenLimit() > 0) {
      h.put("x-ratelimit-limit-tokens-minute", String.valueOf(limits.tokenLimit()));
      h.put("x-ratelimit-remaining-tokens-minute", String.valueOf(limits.tokensRemaining()));
    }
    if (limits.limitedBy() != null) {
      h.put("retry-after", String.valueOf(limits.retryAfterSeconds()));
    }
    return h;
  }

  /**
   * Mistral's error bodies. A schema error (a {@code param} naming the field) is a 422 with
   * pydantic's {@code detail} list; other invalid requests are a 400 whose {@code type} and {@code
   * code} are Mistral's for the rule broken; a bad key is the gateway's {@code {message,
   * request_id}}; an unknown model is Mistral's 400 {@code invalid_model}.
   */
  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    String requestId =
        HexFormat.of()
            .formatHex(Digests.sha256(kind + message + System.nanoTime()))
            .substring(0, 32);
    FakeHttpResponse response =
        switch (kind) {
          case BAD_REQUEST ->
              param != null
                  ? validation(message, param)
                  : mistralError(400, message, ruleType(message), ruleCode(message));
          case CONTEXT_LENGTH -> mistralError(400, message, "invalid_request_error", null);
          case UNAUTHORIZED ->
              FakeHttpResponse.json(
                  401,
                  Json.write(
                      Json.object()
                          .put(
                              "message",
                              message.startsWith("missing")
                                  ? "No API key found in request"
                                  : "Unauthorized")
                          .put("request_id", requestId)));
          case NOT_FOUND ->
              mistralError(
                  400,
                  "Invalid model: " + message.replaceAll("^model '(.*)' not found$", "$1"),
                  "invalid_model",
                  "1500");
          case RATE_LIMIT -> mistralError(429, "Rate limit exceeded", "rate_limited", "1300");
          case UNAVAILABLE, OVERLOADED -> mistralError(503, message, "service_unavailable", null);
          default -> mistralError(kind.status, message, "internal_server_error", null);
        };
    return response.withHeaders(headers(limits, requestId));
  }

  private static FakeHttpResponse mistralError(
      int status, String message, String type, String code) {
    ObjectNode e = Json.object().put("object", "error").put("message", message).put("type", type);
    e.putNull("param");
    if (code == null) {
      e.putNull("code");
    } else {
      e.put("code", code);
    }
    return FakeHttpResponse.json(status, Json.write(e));
  }

  /**
   * A 422 whose message holds pydantic's detail for the field at {@code path} (dotted, indexes as
   * numbers).
   */
  private static FakeHttpResponse validation(String msg, String path) {
    ObjectNode e = Json.object().put("object", "error");
    ObjectNode detail =
        e.putObject("message").putArray("detail").addObject().put("type", pydanticType(msg));
    ArrayNode loc = detail.putArray("loc").add("body");
    for (String step : path.split("\\.")) {
      if (step.matches("\\d+")) {
        loc.add(Integer.parseInt(step));
      } else {
        loc.add(step);
      }
    }
    detail.put("msg", msg);
    e.put("type", "invalid_request_error");
    e.putNull("param");
    e.putNull("code");
    return FakeHttpResponse.json(422, Json.write(e));
  }

  /** Pydantic's error type for its message. */
  private static String pydanticType(String msg) {
    if (msg.equals("Field required")) {
      return "missing";
    }
    if (msg.equals("JSON decode error")) {
      return "json_invalid";
    }
    if (msg.equals("Extra inputs are not permitted")) {
      return "extra_forbidden";
    }
    if (msg.startsWith("Input should be greater than or equal")) {
      return "greater_than_equal";
    }
    if (msg.startsWith("Input should be less than or equal")) {
      return "less_than_equal";
    }
    if (msg.startsWith("Input tag")) {
      return "union_tag_invalid";
    }
    if (msg.startsWith("List should have at least")) {
      return "too_short";
    }
    if (msg.startsWith("Input should be a valid ")) {
      String what = msg.substring("Input should be a valid ".length());
      return switch (what) {
        case "number" -> "float_type";
        case "integer" -> "int_type";
        case "boolean" -> "bool_type";
        case "string" -> "string_type";
        default -> "list_type";
      };
    }
    return "value_error";
  }

  /**
   * Mistral's typed errors for the two message rules clients most often break and for an embeddings
   * request over its token budget, else the generic type.
   */
  private static String ruleType(String message) {
    if (message.startsWith("Tool call id was")) {
      return "invalid_function_call";
    }
    if (message.startsWith("Too many tokens overall")) {
      return "invalid_request_prompt";
    }
    return message.startsWith("Unexpected role")
        ? "invalid_request_message_order"
        : "invalid_request_error";
  }

  private static String ruleCode(String message) {
    if (message.startsWith("Tool call id was")) {
      return "3280";
    }
    if (message.startsWith("Too many tokens overall")) {
      return "3210";
    }
    return message.startsWith("Unexpected role") ? "3230" : null;
  }
}

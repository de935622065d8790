package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cohere v2 chat ({@code POST /v2/chat}, bearer key): validation, the answer with {@code
 * finish_reason}, {@code tool_plan} and {@code tool_calls}, usage as {@code billed_units} and
 * {@code tokens}, and the v2 stream events ({@code message-start}, {@code content-delta}, {@code
 * tool-call-start}, ..., {@code message-end}). Reference: docs.cohere.com/reference/chat and
 * docs.cohere.com/v2/docs/streaming.
 */
final class CohereChatDialect implements Dialect {
  /**
   * Output tokens when {@code max_tokens} is not set: the fake's stand-in for the model's own cap.
   */
  static final int DEFAULT_MAX_TOKENS = 4096;

  /** Cohere's tokenizer has a vocabulary of about 256k, so stand-in token ids stay below it. */
  private static final int VOCABULARY = 256_000;

  @Override
  public String name() {
    return "cohere-chat";
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "invalid request: the request body is not valid JSON");
    String model = Bodies.requiredString(body, "model", "invalid request: model is required");
    Conversation conversation = CohereMessages.read(body.get("messages"));
    JsonNode temperature = body.get("temperature");
    if (temperature != null
        && !temperature.isNull()
        && (!temperature.isNumber() || temperature.asDouble() < 0)) {
      throw CohereWire.invalid(
          "temperature must be a non-negative number, got " + temperature, "temperature");
    }
    Bodies.checkNumber(body, "p", 0.01, 0.99);
    Bodies.intField(body, "k", 0, 500, 0);
    Bodies.checkNumber(body, "frequency_penalty", 0, 1);
    Bodies.checkNumber(body, "presence_penalty", 0, 1);
    int maxTokens = Bodies.intField(body, "max_tokens", 1, Integer.MAX_VALUE, DEFAULT_MAX_TOKENS);
    List<ParsedRequest.ToolDef> tools = tools(body.get("tools"));
    ParsedRequest.OutputFormat format = ParsedRequest.OutputFormat.TEXT;
    String schema = null;
    JsonNode rf = body.get("response_format");
    if (rf != null && !rf.isNull()) {
      String type = rf.path("type").asText("");
      if (type.equals("json_object")) {
        JsonNode s = rf.get("json_schema");
        if (s != null && !s.isNull() && !s.isObject()) {
          throw CohereWire.invalid(
              "response_format.json_schema must be an object", "response_format.json_schema");
        }
        format =
            s == null || s.isNull()
                ? ParsedRequest.OutputFormat.JSON_OBJECT
                : ParsedRequest.OutputFormat.JSON_SCHEMA;
        schema = format == ParsedRequest.OutputFormat.JSON_SCHEMA ? Json.write(s) : null;
      } else if (!type.equals("text")) {
        throw CohereWire.invalid(
            "response_format.type must be one of text or json_object, got '" + type + "'",
            "response_format.type");
      }
    }
    boolean logprobs = Bodies.boolField(body, "logprobs");
    // Cohere reports the chosen token's log-probability only, so no alternatives are asked for.
    return ParsedRequest.of(
        model,
        conversation,
        tools,
        maxTokens,
        format,
        schema,
        logprobs ? 0 : -1,
        Bodies.boolField(body, "stream"),
        false,
        null,
        TokenCounter.ImageRule.OPENAI);
  }

  /** The {@code function} tools, names checked. */
  private static List<ParsedRequest.ToolDef> tools(JsonNode tools) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw CohereWire.invalid("tools must be a list", "tools");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String at = "tools[" + i + "]";
      if (!"function".equals(t.path("type").asText())) {
        throw CohereWire.invalid(at + ".type must be 'function'", at + ".type");
      }
      String name = t.path("function").path("name").asText("");
      if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
        throw CohereWire.invalid(
            at + ".function.name must match ^[a-zA-Z0-9_-]{1,64}$, got '" + name + "'",
            at + ".function.name");
      }
      JsonNode params = t.path("function").get("parameters");
      out.add(
          new ParsedRequest.ToolDef(
              name, params == null || params.isNull() ? null : Json.write(params)));
    }
    return out;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id = CohereWire.id(request.conversation().fingerprint() + request.model());
    return request.stream()
        ? FakeHttpResponse.sse(stream(id, answer))
        : FakeHttpResponse.json(200, Json.write(response(id, request, answer)));
  }

  /** The non-streamed answer: text content, or a tool plan with tool calls. */
  private static ObjectNode response(String id, ParsedRequest request, Answer answer) {
    ObjectNode root = Json.object();
    root.put("id", id);
    root.put("finish_reason", finishReason(answer));
    ObjectNode message = root.putObject("message");
    message.put("role", "assistant");
    if (answer.toolCalls().isEmpty()) {
      message.putArray("content").addObject().put("type", "text").put("text", answer.text());
    } else {
      message.put("tool_plan", toolPlan(answer));
      message.set("tool_calls", toolCalls(answer));
    }
    root.set("usage", usage(answer));
    if (request.logprobs()) {
      root.set("logprobs", logprobs(answer));
    }
    return root;
  }

  private static String finishReason(Answer answer) {
    return switch (answer.finish()) {
      case STOP -> "COMPLETE";
      case LENGTH -> "MAX_TOKENS";
      case TOOL_CALLS -> "TOOL_CALL";
    };
  }

  /**
   * The plan Cohere's models state before calling tools, deterministic like the rest of the answer.
   */
  private static String toolPlan(Answer answer) {
    return "I will use "
        + answer.toolCalls().stream()
            .map(Answer.ToolCallOut::name)
            .collect(Collectors.joining(" and "))
        + ".";
  }

  private static ArrayNode toolCalls(Answer answer) {
    ArrayNode calls = Json.MAPPER.createArrayNode();
    for (Answer.ToolCallOut c : answer.toolCalls()) {
      ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
      call.putObject("function").put("name", c.name()).put("arguments", c.argumentsJson());
    }
    return calls;
  }

  /**
   * Tokens Cohere counts as processed beyond the billed ones: like the real API, whose {@code
   * tokens.input_tokens} include the system preamble it adds of its own, which it does not bill.
   */
  static final int HIDDEN_PREAMBLE_TOKENS = 40;

  /** Billed tokens, and processed ones with the hidden preamble on top of the input. */
  private static ObjectNode usage(Answer answer) {
    ObjectNode usage = Json.object();
    usage
        .putObject("billed_units")
        .put("input_tokens", answer.totalInputTokens())
        .put("output_tokens", answer.outputTokens());
    usage
        .putObject("tokens")
        .put("input_tokens", answer.totalInputTokens() + HIDDEN_PREAMBLE_TOKENS)
        .put("output_tokens", answer.outputTokens());
    return usage;
  }

  /**
   * One item per token, with the OpenAI dialect's values. Token ids are stable stand-ins from a
   * hash of the token: Cohere's tokenizer is not public.
   */
  private static ArrayNode logprobs(Answer answer) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode token : OpenAiChatDialect.logprobs(answer, 0)) {
      String text = token.get("token").asText();
      ObjectNode item = out.addObject();
      item.putArray("token_ids")
          .add(
              Math.floorMod(ByteBuffer.wrap(Digests.sha256("token:" + text)).getInt(), VOCABULARY));
      item.put("text", text);
      item.putArray("logprobs").add(token.get("logprob").asDouble());
    }
    return out;
  }

  /** The v2 stream: each event as {@code event: <type>} and {@code data: <json>}. */
  private static String stream(String id, Answer answer) {
    StringBuilder sse = new StringBuilder();
    ObjectNode start = Json.object().put("id", id).put("type", "message-start");
    ObjectNode startMessage = start.putObject("delta").putObject("message");
    startMessage.put("role", "assistant").putArray("content");
    startMessage.put("tool_plan", "");
    startMessage.putArray("tool_calls");
    startMessage.putArray("citations");
    event(sse, start);
    if (answer.toolCalls().isEmpty()) {
      ObjectNode contentStart = Json.object().put("type", "content-start").put("index", 0);
      contentStart
          .putObject("delta")
          .putObject("message")
          .putObject("content")
          .put("type", "text")
          .put("text", "");
      event(sse, contentStart);
      for (String piece : OpenAiChatDialect.pieces(answer.text())) {
        ObjectNode delta = Json.object().put("type", "content-delta").put("index", 0);
        delta.putObject("delta").putObject("message").putObject("content").put("text", piece);
        event(sse, delta);
      }
      event(sse, Json.object().put("type", "content-end").put("index", 0));
    } else {
      ObjectNode plan = Json.object().put("type", "tool-plan-delta");
      plan.putObject("delta").putObject("message").put("tool_plan", toolPlan(answer));
      event(sse, plan);
      List<Answer.ToolCallOut> calls = answer.toolCalls();
      for (int i = 0; i < calls.size(); i++) {
        Answer.ToolCallOut c = calls.get(i);
        ObjectNode callStart = Json.object().put("type", "tool-call-start").put("index", i);
        ObjectNode call = callStart.putObject("delta").putObject("message").putObject("tool_calls");
        call.put("id", c.id())
            .put("type", "function")
            .putObject("function")
            .put("name", c.name())
            .put("arguments", "");
        event(sse, callStart);
        ObjectNode callDelta = Json.object().put("type", "tool-call-delta").put("index", i);
        callDelta
            .putObject("delta")
            .putObject("message")
            .putObject("tool_calls")
            .putObject("function")
            .put("arguments", c.argumentsJson());
        event(sse, callDelta);
        event(sse, Json.object().put("type", "tool-call-end").put("index", i));
      }
    }
    ObjectNode end = Json.object().put("type", "message-end");
    ObjectNode endDelta = end.putObject("delta");
    endDelta.put("finish_reason", finishReason(answer));
    endDelta.set("usage", usage(answer));
    event(sse, end);
    return sse.toString();
  }

  private static void event(StringBuilder sse, ObjectNode data) {
    sse.append("event: ")
        .append(data.get("type").asText())
        .append('\n')
        .append("data: ")
        .append(Json.write(data))
        .append("\n\n");
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return CohereWire.error(kind, message, limits);
  }
}

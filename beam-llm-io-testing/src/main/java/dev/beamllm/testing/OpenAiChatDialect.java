package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat completions ({@code POST /v1/chat/completions}), and Azure OpenAI's deployment path
 * ({@code POST /openai/deployments/{deployment}/chat/completions?api-version=...}, key in {@code
 * api-key}). Reference: platform.openai.com/docs/api-reference/chat.
 */
final class OpenAiChatDialect implements Dialect {
  /** OpenAI's 400 message for a body that is not JSON. */
  static final String NOT_JSON =
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. "
          + "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

  private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");

  /**
   * The date of the first Azure API version that serves reasoning models ({@code
   * 2024-12-01-preview}); older versions refuse them.
   */
  private static final String AZURE_FIRST_REASONING_VERSION = "2024-12-01";

  /** Azure's own error code, whose body is {@code {"error": {"code", "message"}}} only. */
  private static final String AZURE_BAD_REQUEST = "BadRequest";

  private final boolean azure;

  OpenAiChatDialect(boolean azure) {
    this.azure = azure;
  }

  @Override
  public String name() {
    return azure ? "azure-openai-chat" : "openai-chat";
  }

  @Override
  public String apiKey(FakeHttpRequest request) {
    if (azure && request.header("api-key") != null) {
      return request.header("api-key");
    }
    return request.bearer();
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    if (azure) {
      checkApiVersion(request.queryParam("api-version"), pathModel);
    }
    ObjectNode body = Bodies.object(request, NOT_JSON);
    String model =
        azure
            ? pathModel
            : Bodies.requiredString(body, "model", "you must provide a model parameter");
    return parseChat(body, model);
  }

  /**
   * Azure's {@code api-version}: required, and for a reasoning model (o-series, gpt-5) no older
   * than the first version that serves them, as Azure answers with its own 400 otherwise.
   */
  private static void checkApiVersion(String version, String deployment) {
    if (version == null) {
      throw ProviderError.badRequest(
          "Missing required query parameter: api-version", "api-version");
    }
    boolean dated = version.matches("\\d{4}-\\d{2}-\\d{2}.*");
    if (dated
        && version.substring(0, 10).compareTo(AZURE_FIRST_REASONING_VERSION) < 0
        && OpenAiModels.reasons(deployment)) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Model "
              + deployment
              + " is enabled only for api versions "
              + AZURE_FIRST_REASONING_VERSION
              + "-preview and later",
          null,
          AZURE_BAD_REQUEST);
    }
  }

  /** Validates an OpenAI-shaped chat body; shared with the OpenAI-compatible dialects. */
  static ParsedRequest parseChat(ObjectNode body, String model) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      throw ProviderError.badRequest("'messages' is a required property", "messages");
    }
    if (messages.isEmpty()) {
      throw ProviderError.badRequest("[] is too short - 'messages'", "messages");
    }
    OpenAiInputAudio.check(messages);
    Conversation conversation;
    try {
      conversation = WireFormats.fromOpenAi(Json.write(messages));
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Invalid 'messages': " + e.getMessage(), "messages");
    }
    Bodies.checkNumber(body, "temperature", 0, 2);
    Bodies.checkNumber(body, "top_p", 0, 1);
    OpenAiModels.checkEffort(model, body.get("reasoning_effort"), "reasoning_effort");
    Bodies.checkNumber(body, "frequency_penalty", -2, 2);
    Bodies.checkNumber(body, "presence_penalty", -2, 2);
    if (Bodies.intField(body, "n", 1, 128, 1) != 1) {
      throw ProviderError.badRequest("The fake provider answers n=1 only", "n");
    }
    int maxTokens =
        body.has("max_completion_tokens")
            ? Bodies.intField(body, "max_completion_tokens", 1, Integer.MAX_VALUE, 4096)
            : Bodies.intField(body, "max_tokens", 1, Integer.MAX_VALUE, 4096);
    boolean logprobs = Bodies.boolField(body, "logprobs");
    int top = Bodies.intField(body, "top_logprobs", 0, 20, 0);
    if (body.has("top_logprobs") && !logprobs) {
      throw ProviderError.badRequest(
          "Invalid value for 'top_logprobs': logprobs must be set to true when top_logprobs is used.",
          "top_logprobs");
    }
    List<ParsedRequest.ToolDef> tools = tools(body.get("tools"));
    ParsedRequest.OutputFormat format = ParsedRequest.OutputFormat.TEXT;
    String schema = null;
    JsonNode rf = body.get("response_format");
    if (rf != null && !rf.isNull()) {
      String type = rf.path("type").asText("");
      if (!FORMATS.contains(type)) {
        throw ProviderError.badRequest(
            "Invalid value: '"
                + type
                + "'. Supported values are: 'text', 'json_object', and 'json_schema'.",
            "response_format.type");
      }
      if (type.equals("json_object")) {
        if (!Json.write(messages).toLowerCase(Locale.ROOT).contains("json")) {
          throw ProviderError.badRequest(
              "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
              "messages");
        }
        format = ParsedRequest.OutputFormat.JSON_OBJECT;
      } else if (type.equals("json_schema")) {
        JsonNode js = rf.get("json_schema");
        if (js == null || !js.isObject() || !js.path("name").isTextual()) {
          throw ProviderError.badRequest(
              "Missing required parameter: 'response_format.json_schema.name'.",
              "response_format.json_schema.name");
        }
        JsonNode s = js.get("schema");
        if (s == null || !s.isObject()) {
          throw ProviderError.badRequest(
              "Missing required parameter: 'response_format.json_schema.schema'.",
              "response_format.json_schema.schema");
        }
        format = ParsedRequest.OutputFormat.JSON_SCHEMA;
        schema = Json.write(s);
      }
    }
    boolean stream = Bodies.boolField(body, "stream");
    return ParsedRequest.of(
            model,
            conversation,
            tools,
            maxTokens,
            format,
            schema,
            logprobs ? top : -1,
            stream,
            false,
            null,
            TokenCounter.ImageRule.OPENAI)
        .withOptions(Json.write(Json.object().put("service_tier", servedTier(body))));
  }

  /**
   * The tier OpenAI says served a request, in the answer's {@code service_tier}: the one asked for
   * when it is {@code flex}, {@code priority} or {@code scale}; {@code default} for {@code auto},
   * {@code default} or none (a project without Scale Tier or Priority is served at standard).
   */
  static String servedTier(JsonNode body) {
    String asked = body.path("service_tier").asText("");
    return switch (asked) {
      case "flex", "priority", "scale" -> asked;
      default -> "default";
    };
  }

  /** The tier {@link #parseChat} recorded, or {@code default}. */
  private static String servedTier(ParsedRequest request) {
    return request.options() == null
        ? "default"
        : Json.parse(request.options()).path("service_tier").asText("default");
  }

  private static List<ParsedRequest.ToolDef> tools(JsonNode tools) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw ProviderError.badRequest("Invalid type for 'tools': expected an array", "tools");
    }
    int i = 0;
    for (JsonNode t : tools) {
      if (!"function".equals(t.path("type").asText())) {
        throw ProviderError.badRequest(
            "Invalid value for 'tools[" + i + "].type': expected 'function'",
            "tools[" + i + "].type");
      }
      String name = t.path("function").path("name").asText("");
      if (!name.matches("[a-zA-Z0-9_-]{1,64}")) {
        throw ProviderError.badRequest(
            "Invalid 'tools["
                + i
                + "].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            "tools[" + i + "].function.name");
      }
      JsonNode params = t.path("function").get("parameters");
      out.add(new ParsedRequest.ToolDef(name, params == null ? null : Json.write(params)));
      i++;
    }
    return out;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id = Bodies.id("chatcmpl-", request.conversation().fingerprint() + request.model());
    long created = Bodies.now();
    FakeHttpResponse response =
        request.stream()
            ? FakeHttpResponse.sse(stream(id, created, request, answer))
            : FakeHttpResponse.json(200, Json.write(completion(id, created, request, answer)));
    return response.withHeaders(headers(limits, id));
  }

  static ObjectNode completion(String id, long created, ParsedRequest request, Answer answer) {
    ObjectNode root = Json.object();
    root.put("id", id)
        .put("object", "chat.completion")
        .put("created", created)
        .put("model", request.model());
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (answer.toolCalls().isEmpty()) {
      message.put("content", answer.text());
    } else {
      message.putNull("content");
      message.set("tool_calls", toolCalls(answer, false));
    }
    message.putNull("refusal");
    message.putArray("annotations");
    if (request.logprobs()) {
      ObjectNode lp = choice.putObject("logprobs");
      lp.set("content", logprobs(answer, request.topLogprobs()));
      lp.putNull("refusal");
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason(answer));
    root.set("usage", usage(request, answer));
    root.put("service_tier", servedTier(request));
    root.put("system_fingerprint", "fp_fake0001");
    return root;
  }

  static String finishReason(Answer answer) {
    return switch (answer.finish()) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
    };
  }

  private static ArrayNode toolCalls(Answer answer, boolean withIndex) {
    ArrayNode calls = Json.MAPPER.createArrayNode();
    int i = 0;
    for (Answer.ToolCallOut c : answer.toolCalls()) {
      ObjectNode call = calls.addObject();
      if (withIndex) {
        call.put("index", i);
      }
      call.put("id", c.id()).put("type", "function");
      call.putObject("function").put("name", c.name()).put("arguments", c.argumentsJson());
      i++;
    }
    return calls;
  }

  /**
   * OpenAI's usage block; {@code prompt_tokens_details.audio_tokens} counts the request's audio
   * parts at 10 tokens a second, as the client estimates them.
   */
  static ObjectNode usage(ParsedRequest request, Answer answer) {
    ObjectNode usage = usage(answer);
    ((ObjectNode) usage.get("prompt_tokens_details"))
        .put(
            "audio_tokens",
            TokenCounter.audioEstimate(request.conversation(), TokenCounter.ImageRule.OPENAI));
    return usage;
  }

  static ObjectNode usage(Answer answer) {
    ObjectNode usage = Json.object();
    long prompt = answer.totalInputTokens();
    usage
        .put("prompt_tokens", prompt)
        .put("completion_tokens", answer.outputTokens())
        .put("total_tokens", prompt + answer.outputTokens());
    usage
        .putObject("prompt_tokens_details")
        .put("cached_tokens", answer.cacheReadTokens())
        .put("audio_tokens", 0);
    usage
        .putObject("completion_tokens_details")
        .put("reasoning_tokens", 0)
        .put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0)
        .put("rejected_prediction_tokens", 0);
    return usage;
  }

  /**
   * Per-token log-probabilities in chat completions' shape ({@code logprobs.content}), which the
   * other dialects reshape: deterministic values, alternatives that differ from the token. A yes/no
   * answer by the {@code PROB=p} rule ({@link Answer#yesProbability()}) has at its first token Yes
   * with ln(p) and No with ln(1 - p), the more likely first, then (when more alternatives are asked
   * for) other tokens with ln(1e-9).
   */
  static ArrayNode logprobs(Answer answer, int top) {
    List<String> tokens = answer.tokens();
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (i == 0 && !Double.isNaN(answer.yesProbability())) {
        out.add(yesNoLogprobs(token, answer.yesProbability(), top));
        continue;
      }
      double lp = -0.01 * (1 + i % 7);
      ObjectNode entry = out.addObject().put("token", token).put("logprob", lp);
      entry.set("bytes", bytes(token));
      ArrayNode alts = entry.putArray("top_logprobs");
      for (int k = 0; k < top; k++) {
        String alt = k == 0 ? token : token + "_" + k;
        alts.addObject()
            .put("token", alt)
            .put("logprob", k == 0 ? lp : lp - 2.0 * k)
            .set("bytes", bytes(alt));
      }
    }
    return out;
  }

  /** Filler alternatives after Yes and No, each with probability 1e-9. */
  private static final String[] OTHER_TOKENS = {"Maybe", "I", "The", "It", "Not"};

  /** The first token of a yes/no answer: the chosen word, Yes and No, then filler tokens. */
  private static ObjectNode yesNoLogprobs(String token, double p, int top) {
    double yes = Math.log(p);
    double no = Math.log(1 - p);
    ObjectNode entry = Json.object().put("token", token).put("logprob", p >= 0.5 ? yes : no);
    entry.set("bytes", bytes(token));
    ArrayNode alts = entry.putArray("top_logprobs");
    String[] first = p >= 0.5 ? new String[] {"Yes", "No"} : new String[] {"No", "Yes"};
    for (int k = 0; k < top; k++) {
      String alt =
          k < 2 ? first[k] : OTHER_TOKENS[(k - 2) % OTHER_TOKENS.length] + (k < 7 ? "" : "_" + k);
      double lp = k < 2 ? (alt.equals("Yes") ? yes : no) : Math.log(1e-9);
      alts.addObject().put("token", alt).put("logprob", lp).set("bytes", bytes(alt));
    }
    return entry;
  }

  private static ArrayNode bytes(String s) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.add(b & 0xFF);
    }
    return out;
  }

  /**
   * Server-sent events: a role chunk, content (or tool-call) deltas, the finish chunk, usage if
   * asked, [DONE].
   */
  private static String stream(String id, long created, ParsedRequest request, Answer answer) {
    StringBuilder sse = new StringBuilder();
    ObjectNode first = chunk(id, created, request);
    ObjectNode delta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
    delta.put("role", "assistant").put("content", "");
    event(sse, first);
    if (!answer.toolCalls().isEmpty()) {
      ObjectNode c = chunk(id, created, request);
      ((ObjectNode) c.get("choices").get(0))
          .putObject("delta")
          .set("tool_calls", toolCalls(answer, true));
      event(sse, c);
    } else {
      for (String piece : pieces(answer.text())) {
        ObjectNode c = chunk(id, created, request);
        ((ObjectNode) c.get("choices").get(0)).putObject("delta").put("content", piece);
        event(sse, c);
      }
    }
    ObjectNode last = chunk(id, created, request);
    ((ObjectNode) last.get("choices").get(0)).putObject("delta");
    ((ObjectNode) last.get("choices").get(0)).put("finish_reason", finishReason(answer));
    event(sse, last);
    ObjectNode usage = Json.object();
    usage
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", request.model())
        .put("service_tier", servedTier(request));
    usage.putArray("choices");
    usage.set("usage", usage(request, answer));
    event(sse, usage);
    sse.append("data: [DONE]\n\n");
    return sse.toString();
  }

  private static ObjectNode chunk(String id, long created, ParsedRequest request) {
    ObjectNode c = Json.object();
    // Every chunk names the tier, as OpenAI's do.
    c.put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", request.model())
        .put("service_tier", servedTier(request))
        .put("system_fingerprint", "fp_fake0001");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return c;
  }

  private static void event(StringBuilder sse, ObjectNode data) {
    sse.append("data: ").append(Json.write(data)).append("\n\n");
  }

  /** The text in pieces of up to 16 characters, as a stream would deliver it. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 16) {
      out.add(text.substring(i, Math.min(text.length(), i + 16)));
    }
    return out;
  }

  /** OpenAI's rate-limit headers, on every answer. */
  static Map<String, String> headers(RateLimitState limits, String requestId) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("x-request-id", "req_" + requestId.substring(requestId.indexOf('-') + 1));
    h.put("openai-processing-ms", "1");
    if (limits.requestLimit() > 0) {
      h.put("x-ratelimit-limit-requests", String.valueOf(limits.requestLimit()));
      h.put("x-ratelimit-remaining-requests", String.valueOf(limits.requestsRemaining()));
      h.put("x-ratelimit-reset-requests", RateLimitState.goDuration(limits.requestsResetNanos()));
    }
    if (limits.tokenLimit() > 0) {
      h.put("x-ratelimit-limit-tokens", String.valueOf(limits.tokenLimit()));
      h.put("x-ratelimit-remaining-tokens", String.valueOf(limits.tokensRemaining()));
      h.put("x-ratelimit-reset-tokens", RateLimitState.goDuration(limits.tokensResetNanos()));
    }
    if (limits.limitedBy() != null) {
      h.put("retry-after", String.valueOf(limits.retryAfterSeconds()));
      h.put("retry-after-ms", String.valueOf(Math.max(1, limits.retryAfterNanos() / 1_000_000)));
    }
    return h;
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return openAiError(kind, message, param, limits);
  }

  /**
   * A refusal with its own code: OpenAI's body carrying it, or for Azure's {@code BadRequest}
   * Azure's own body, {@code {"error": {"code": "BadRequest", "message": ...}}}.
   */
  @Override
  public FakeHttpResponse error(ProviderError e) {
    if (AZURE_BAD_REQUEST.equals(e.code)) {
      ObjectNode body = Json.object();
      body.putObject("error").put("code", e.code).put("message", e.getMessage());
      return FakeHttpResponse.json(e.kind.status, Json.write(body));
    }
    return openAiError(e.kind, e.getMessage(), e.param, e.code, RateLimitState.UNLIMITED);
  }

  /**
   * OpenAI's error body {@code {"error": {message, type, param, code}}} with its status and
   * headers.
   */
  static FakeHttpResponse openAiError(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return openAiError(kind, message, param, null, limits);
  }

  /**
   * OpenAI's error body with its status and headers; {@code ownCode}, when not null, is the code
   * instead of the one the kind implies.
   */
  static FakeHttpResponse openAiError(
      ErrorKind kind, String message, String param, String ownCode, RateLimitState limits) {
    String type;
    String code = null;
    String text = message;
    int status = kind.status;
    switch (kind) {
      case CONTEXT_LENGTH -> {
        type = "invalid_request_error";
        code = "context_length_exceeded";
        param = "messages";
      }
      case UNAUTHORIZED -> {
        type = "invalid_request_error";
        code = "invalid_api_key";
        text =
            message.startsWith("missing")
                ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                : "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
      }
      case NOT_FOUND -> {
        type = "invalid_request_error";
        code = "model_not_found";
        String model = message.replaceAll("^model '(.*)' not found$", "$1");
        text = "The model `" + model + "` does not exist or you do not have access to it.";
      }
      case RATE_LIMIT -> {
        type = limits.limitedBy() == null ? "requests" : limits.limitedBy();
        code = "rate_limit_exceeded";
      }
      case QUOTA_EXHAUSTED -> {
        // platform.openai.com/docs/guides/error-codes: a 429 with this type and code.
        type = "insufficient_quota";
        code = "insufficient_quota";
        text =
            "You exceeded your current quota, please check your plan and billing details. For more"
                + " information on this error, read the docs:"
                + " https://platform.openai.com/docs/guides/error-codes/api-errors.";
      }
      case SERVER_ERROR, BAD_GATEWAY -> type = "server_error";
      case UNAVAILABLE, OVERLOADED -> {
        type = "server_error";
        status = 503;
        text = "The engine is currently overloaded, please try again later.";
      }
      default -> type = "invalid_request_error";
    }
    if (ownCode != null) {
      code = ownCode;
    }
    ObjectNode error = Json.object();
    ObjectNode e = error.putObject("error");
    e.put("message", text).put("type", type);
    if (param == null) {
      e.putNull("param");
    } else {
      e.put("param", param);
    }
    if (code == null) {
      e.putNull("code");
    } else {
      e.put("code", code);
    }
    return FakeHttpResponse.json(status, Json.write(error))
        .withHeaders(headers(limits, "chatcmpl-error"));
  }
}

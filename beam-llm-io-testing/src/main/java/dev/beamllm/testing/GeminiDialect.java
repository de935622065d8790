package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gemini {@code POST /v1beta/models/{model}:generateContent}, and {@code :streamGenerateContent}
 * (server-sent events with {@code ?alt=sse}, else one JSON array of the chunks). The key is the
 * {@code x-goog-api-key} header or the {@code key} query parameter. Bodies are read like Google's
 * proto-JSON parser reads them (see {@link GeminiFields}). Reference:
 * ai.google.dev/api/generate-content.
 */
final class GeminiDialect implements Dialect {
  /**
   * Output tokens when {@code maxOutputTokens} is not set: the fake's stand-in for the model's own
   * cap.
   */
  static final int DEFAULT_MAX_OUTPUT = 8192;

  private static final Set<String> REQUEST_FIELDS =
      Set.of(
          "model",
          "contents",
          "systemInstruction",
          "generationConfig",
          "tools",
          "toolConfig",
          "safetySettings",
          "cachedContent");
  private static final Set<String> CONFIG_FIELDS =
      Set.of(
          "stopSequences",
          "responseMimeType",
          "responseSchema",
          "responseJsonSchema",
          "responseModalities",
          "candidateCount",
          "maxOutputTokens",
          "temperature",
          "topP",
          "topK",
          "seed",
          "presencePenalty",
          "frequencyPenalty",
          "responseLogprobs",
          "logprobs",
          "enableEnhancedCivicAnswers",
          "speechConfig",
          "thinkingConfig",
          "mediaResolution");
  private static final Set<String> THINKING_FIELDS =
      Set.of("thinkingBudget", "thinkingLevel", "includeThoughts");
  private static final Set<String> TOOL_FIELDS =
      Set.of(
          "functionDeclarations",
          "computerUse",
          "googleSearch",
          "googleSearchRetrieval",
          "codeExecution",
          "urlContext");
  private static final Set<String> DECLARATION_FIELDS =
      Set.of(
          "name",
          "description",
          "parameters",
          "parametersJsonSchema",
          "response",
          "responseJsonSchema",
          "behavior");

  private final boolean streaming;

  /**
   * @param streaming true for {@code :streamGenerateContent}
   */
  GeminiDialect(boolean streaming) {
    this.streaming = streaming;
  }

  @Override
  public String name() {
    return streaming ? "gemini-stream" : "gemini";
  }

  @Override
  public String apiKey(FakeHttpRequest request) {
    return key(request);
  }

  /** Gemini's key: the {@code x-goog-api-key} header, else the {@code key} query parameter. */
  static String key(FakeHttpRequest request) {
    String header = request.header("x-goog-api-key");
    return header != null ? header : request.queryParam("key");
  }

  /**
   * Validates the body. On the streaming route {@link ParsedRequest#stream()} means {@code
   * alt=sse}; without it Google answers the chunks as one JSON array.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "Invalid JSON payload received. Unexpected token.");
    GeminiFields.checkKnown(body, REQUEST_FIELDS, "");
    Conversation conversation =
        GeminiContents.read(
            GeminiFields.get(body, "systemInstruction"), GeminiFields.get(body, "contents"));
    GeminiThreeRules.checkSignatures(GeminiFields.get(body, "contents"), pathModel);
    Config config = config(GeminiFields.get(body, "generationConfig"), pathModel);
    List<ParsedRequest.ToolDef> tools = tools(GeminiFields.get(body, "tools"));
    boolean stream = streaming && "sse".equals(request.queryParam("alt"));
    BuiltinToolCalls.Offer builtin = builtinOffer(GeminiFields.get(body, "tools"));
    ParsedRequest parsed =
        ParsedRequest.of(
            pathModel,
            conversation,
            tools,
            config.maxTokens,
            config.format,
            config.schema,
            config.topLogprobs,
            stream,
            config.thinking,
            null,
            TokenCounter.ImageRule.GEMINI);
    return builtin.any()
        ? parsed.withOptions(Json.write(Json.object().set("builtin", builtin.toJson())))
        : parsed;
  }

  /**
   * The built-in tools offered: {@code googleSearch} (a web search by the rule of {@link
   * BuiltinToolCalls}) and {@code codeExecution} (its code interpreter); each must be an object.
   */
  private static BuiltinToolCalls.Offer builtinOffer(JsonNode tools) {
    boolean search = false;
    boolean code = false;
    if (tools == null) {
      return BuiltinToolCalls.Offer.NONE;
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode g = GeminiFields.get(tools.get(i), "googleSearch");
      JsonNode c = GeminiFields.get(tools.get(i), "codeExecution");
      for (JsonNode v : new JsonNode[] {g, c}) {
        if (v != null && !v.isObject()) {
          throw ProviderError.badRequest(
              "Invalid value at 'tools["
                  + i
                  + "]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), "
                  + v,
              "tools");
        }
      }
      search |= g != null;
      code |= c != null;
    }
    return new BuiltinToolCalls.Offer(search, List.of(), 0, code, null, false, false);
  }

  /**
   * What {@code generationConfig} asks for.
   *
   * @param maxTokens the output limit
   * @param format text, any JSON, or JSON for a schema
   * @param schema the response schema for {@code JSON_SCHEMA}, types in lower case
   * @param topLogprobs -1 without {@code responseLogprobs}, else the alternatives per token
   * @param thinking whether thoughts are to be returned
   */
  private record Config(
      int maxTokens,
      ParsedRequest.OutputFormat format,
      String schema,
      int topLogprobs,
      boolean thinking) {}

  /** Checks {@code generationConfig} and reads what the answer depends on. */
  private static Config config(JsonNode g, String model) {
    if (g == null) {
      return new Config(DEFAULT_MAX_OUTPUT, ParsedRequest.OutputFormat.TEXT, null, -1, false);
    }
    String at = "generation_config";
    GeminiFields.checkKnown(g, CONFIG_FIELDS, at);
    GeminiFields.number(g, "temperature", at, 0, 2);
    GeminiFields.number(g, "topP", at, 0, 1);
    GeminiFields.integer(g, "topK", at, 1, Integer.MAX_VALUE);
    Integer candidates = GeminiFields.integer(g, "candidateCount", at, 1, 8);
    if (candidates != null && candidates != 1) {
      throw GeminiFields.violation(
          at + ".candidate_count",
          "the fake provider answers candidate_count 1 only, got " + candidates);
    }
    Integer max = GeminiFields.integer(g, "maxOutputTokens", at, 1, Integer.MAX_VALUE);
    boolean logprobs = GeminiFields.bool(g, "responseLogprobs", at);
    Integer top = GeminiFields.integer(g, "logprobs", at, 0, 20);
    if (top != null && !logprobs) {
      throw GeminiFields.violation(
          at + ".logprobs", "logprobs is only valid if response_logprobs is true");
    }
    ParsedRequest.OutputFormat format = ParsedRequest.OutputFormat.TEXT;
    String schema = null;
    JsonNode mime = GeminiFields.get(g, "responseMimeType");
    boolean json = mime != null && mime.asText().equals("application/json");
    if (mime != null && !json && !mime.asText().equals("text/plain")) {
      throw GeminiFields.violation(
          at + ".response_mime_type",
          "allowed mimetypes are `text/plain` and `application/json` (the ones the fake provider answers), got "
              + mime);
    }
    JsonNode responseSchema = GeminiFields.get(g, "responseSchema");
    JsonNode jsonSchema = GeminiFields.get(g, "responseJsonSchema");
    if (responseSchema != null && jsonSchema != null) {
      throw GeminiFields.violation(
          at, "response_schema and response_json_schema cannot both be set");
    }
    JsonNode s = responseSchema != null ? responseSchema : jsonSchema;
    if (s != null && !json) {
      throw GeminiFields.violation(
          at + ".response_mime_type",
          "response_mime_type must be application/json when a response schema is set");
    }
    if (s != null) {
      if (!s.isObject()) {
        throw GeminiFields.violation(at + ".response_schema", "the schema must be an object");
      }
      format = ParsedRequest.OutputFormat.JSON_SCHEMA;
      schema = Json.write(GeminiFields.lowerCaseTypes(s));
    } else if (json) {
      format = ParsedRequest.OutputFormat.JSON_OBJECT;
    }
    return new Config(
        max == null ? DEFAULT_MAX_OUTPUT : max,
        format,
        schema,
        logprobs ? (top == null ? 0 : top) : -1,
        thinking(GeminiFields.get(g, "thinkingConfig"), model));
  }

  /**
   * Thoughts are returned when {@code includeThoughts} is set and the budget is not 0 (thinking
   * off); a thinking level is checked against the model (see {@link GeminiThreeRules}).
   */
  private static boolean thinking(JsonNode t, String model) {
    if (t == null) {
      return false;
    }
    String at = "generation_config.thinking_config";
    GeminiFields.checkKnown(t, THINKING_FIELDS, at);
    Integer budget = GeminiFields.integer(t, "thinkingBudget", at, -1, Integer.MAX_VALUE);
    GeminiThreeRules.checkLevel(GeminiFields.get(t, "thinkingLevel"), budget != null, model, at);
    return GeminiFields.bool(t, "includeThoughts", at) && (budget == null || budget != 0);
  }

  /**
   * The function declarations and the computer tool; other tools (search, code execution) are
   * accepted and never used.
   */
  private static List<ParsedRequest.ToolDef> tools(JsonNode tools) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null) {
      return out;
    }
    if (!tools.isArray()) {
      throw ProviderError.badRequest(
          "Invalid value at 'tools' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), "
              + tools,
          "tools");
    }
    for (int i = 0; i < tools.size(); i++) {
      String at = "tools[" + i + "]";
      GeminiFields.checkKnown(tools.get(i), TOOL_FIELDS, at);
      JsonNode computer = GeminiFields.get(tools.get(i), "computerUse");
      if (computer != null) {
        out.add(computerTool(computer, at + ".computer_use"));
      }
      JsonNode decls = GeminiFields.get(tools.get(i), "functionDeclarations");
      if (decls == null) {
        continue;
      }
      for (int j = 0; j < decls.size(); j++) {
        out.add(declaration(decls.get(j), at + ".function_declarations[" + j + "]"));
      }
    }
    return out;
  }

  private static final Set<String> ENVIRONMENTS =
      Set.of(
          "ENVIRONMENT_UNSPECIFIED",
          "ENVIRONMENT_BROWSER",
          "ENVIRONMENT_DESKTOP",
          "ENVIRONMENT_MOBILE");

  /**
   * The computer tool, {@code {"environment": "ENVIRONMENT_BROWSER", "excludedPredefinedFunctions":
   * [...]}} (the API's {@code ComputerUse}); its coordinates are on a 0-999 grid, so it has no
   * screen size.
   */
  private static ParsedRequest.ToolDef computerTool(JsonNode c, String at) {
    GeminiFields.checkKnown(c, Set.of("environment", "excludedPredefinedFunctions"), at);
    JsonNode environment = GeminiFields.get(c, "environment");
    if (environment == null || !ENVIRONMENTS.contains(environment.asText())) {
      throw ProviderError.badRequest(
          "Invalid value at '"
              + at
              + ".environment' (type.googleapis.com/google.ai.generativelanguage.v1beta.ComputerUse.Environment), "
              + environment,
          at + ".environment");
    }
    return new ParsedRequest.ToolDef("computer", null, new FakeComputer.Offer("gemini", 0, 0));
  }

  /**
   * One function declaration, its name checked like Gemini checks it and its schema made readable.
   */
  private static ParsedRequest.ToolDef declaration(JsonNode d, String at) {
    GeminiFields.checkKnown(d, DECLARATION_FIELDS, at);
    JsonNode name = GeminiFields.get(d, "name");
    if (name == null || !name.asText().matches("[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}")) {
      throw GeminiFields.violation(
          at + ".name",
          "Invalid function name. Must start with a letter or an underscore. "
              + "Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 64.");
    }
    JsonNode params = GeminiFields.get(d, "parameters");
    if (params == null) {
      params = GeminiFields.get(d, "parametersJsonSchema");
    }
    return new ParsedRequest.ToolDef(
        name.asText(), params == null ? null : Json.write(GeminiFields.lowerCaseTypes(params)));
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String responseId = Bodies.id("", request.conversation().fingerprint() + request.model());
    if (!streaming) {
      return FakeHttpResponse.json(
          200, Json.write(GeminiResponses.response(request, answer, responseId)));
    }
    List<ObjectNode> chunks = GeminiResponses.chunks(request, answer, responseId);
    if (request.stream()) {
      StringBuilder sse = new StringBuilder();
      chunks.forEach(c -> sse.append("data: ").append(Json.write(c)).append("\n\n"));
      return FakeHttpResponse.sse(sse.toString());
    }
    return FakeHttpResponse.json(200, Json.write(Json.MAPPER.createArrayNode().addAll(chunks)));
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return GeminiErrors.render(
        kind, message, param, limits, streaming ? "streamGenerateContent" : "generateContent");
  }
}

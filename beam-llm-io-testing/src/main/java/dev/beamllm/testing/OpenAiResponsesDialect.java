package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}): validation like OpenAI's, the Response
 * object, its streamed events, and OpenAI's errors and rate-limit headers. Stateless but for
 * background mode, so {@code previous_response_id}, {@code conversation} and stored prompts are
 * refused. Background responses ({@code background: true}) are kept in memory and served by the
 * side endpoints {@link #retrieve} and {@link #cancel}. Reference:
 * platform.openai.com/docs/api-reference/responses.
 */
final class OpenAiResponsesDialect implements Dialect {
  private static final Set<String> SUMMARIES = Set.of("auto", "concise", "detailed");
  private static final String LOGPROBS_INCLUDE = "message.output_text.logprobs";
  private static final String REASONING_INCLUDE = "reasoning.encrypted_content";
  private static final int DEFAULT_MAX_OUTPUT = 4096;
  private static final String CONTEXT_WINDOW =
      "Your input exceeds the context window of this model. Please adjust your input and try again.";

  private final BackgroundResponses background = new BackgroundResponses();

  @Override
  public String name() {
    return "openai-responses";
  }

  /**
   * Validates the body and reads it into the neutral form. The parameters the Response repeats are
   * gathered on the way (see {@link #echo}); they and whether the reasoning's encrypted content was
   * asked for travel as the request's options, {@code {"echo": {...}, "encrypted_reasoning":
   * bool}}.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, OpenAiChatDialect.NOT_JSON);
    String model = Bodies.requiredString(body, "model", "Missing required parameter: 'model'.");
    refuseState(body);
    Conversation conversation = ResponsesInput.read(body.get("instructions"), body.get("input"));
    Bodies.checkNumber(body, "temperature", 0, 2);
    Bodies.checkNumber(body, "top_p", 0, 1);
    int maxTokens = maxOutputTokens(body.get("max_output_tokens"));
    ObjectNode echo = echo(body);
    List<RemoteMcpCalls.Server> remoteMcp = new ArrayList<>();
    List<ParsedRequest.ToolDef> tools = tools(body.get("tools"), echo.putArray("tools"), remoteMcp);
    checkTruncation(tools, body.get("truncation"));
    TextFormat text = TextFormat.read(body.get("text"), conversation);
    echo.putObject("text").put("verbosity", "medium").set("format", text.echo());
    boolean thinking = reasoning(model, body.get("reasoning"), echo.putObject("reasoning"));
    int topLogprobs = Bodies.intField(body, "top_logprobs", 0, 20, 0);
    echo.put("top_logprobs", topLogprobs);
    boolean logprobs = includes(body.get("include"), LOGPROBS_INCLUDE);
    ObjectNode options =
        Json.object().put("encrypted_reasoning", includes(body.get("include"), REASONING_INCLUDE));
    options.set("echo", echo);
    options.set("remote_mcp", RemoteMcpCalls.toJson(remoteMcp));
    BuiltinToolCalls.Offer builtin = builtinOffer(body);
    if (builtin.any()) {
      options.set("builtin", builtin.toJson());
    }
    boolean stream = Bodies.boolField(body, "stream");
    try {
      return ParsedRequest.of(
              model,
              conversation,
              tools,
              maxTokens,
              text.format(),
              text.schemaJson(),
              logprobs ? topLogprobs : -1,
              stream,
              thinking,
              null,
              TokenCounter.ImageRule.OPENAI)
          .withOptions(Json.write(options));
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Invalid 'input': " + e.getMessage(), "input");
    }
  }

  /** Refuses what needs state on the server, which the fake does not keep. */
  private static void refuseState(ObjectNode body) {
    if (body.hasNonNull("previous_response_id")) {
      throw ProviderError.badRequest(
          "Previous response with id '"
              + body.get("previous_response_id").asText()
              + "' not found. (The fake provider keeps background responses only, to be polled: send the whole conversation in "
              + "'input'.)",
          "previous_response_id");
    }
    for (String field : new String[] {"conversation", "prompt"}) {
      if (body.hasNonNull(field)) {
        throw ProviderError.badRequest(
            "The fake provider keeps no stored "
                + field
                + "s: send the whole conversation in 'input'.",
            field);
      }
    }
    if (Bodies.boolField(body, "background") && Bodies.boolField(body, "stream")) {
      throw ProviderError.badRequest(
          "The fake provider does not stream background responses: poll them instead.", "stream");
    }
  }

  /** {@code max_output_tokens}: at least 16, as OpenAI requires; the default when absent. */
  private static int maxOutputTokens(JsonNode v) {
    if (v == null || v.isNull()) {
      return DEFAULT_MAX_OUTPUT;
    }
    if (!v.isIntegralNumber()) {
      throw ResponsesInput.typeError("max_output_tokens", "an integer", v);
    }
    if (v.asLong() < 16) {
      throw ProviderError.badRequest(
          "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got "
              + v.asLong()
              + " instead.",
          "max_output_tokens");
    }
    return (int) Math.min(Integer.MAX_VALUE, v.asLong());
  }

  /** The request parameters the Response repeats, with OpenAI's defaults for those not sent. */
  private static ObjectNode echo(ObjectNode body) {
    ObjectNode e = Json.object();
    JsonNode instructions = body.get("instructions");
    e.put("background", Bodies.boolField(body, "background"));
    e.set("instructions", instructions == null ? Json.MAPPER.nullNode() : instructions);
    e.set("max_output_tokens", orNull(body, "max_output_tokens"));
    e.putNull("max_tool_calls");
    e.set("metadata", body.hasNonNull("metadata") ? body.get("metadata") : Json.object());
    e.put(
        "parallel_tool_calls",
        !body.hasNonNull("parallel_tool_calls") || body.get("parallel_tool_calls").asBoolean());
    e.putNull("previous_response_id");
    e.putNull("prompt_cache_key");
    e.putNull("safety_identifier");
    e.put("service_tier", OpenAiChatDialect.servedTier(body));
    e.put("store", !body.hasNonNull("store") || body.get("store").asBoolean());
    e.put("temperature", body.hasNonNull("temperature") ? body.get("temperature").asDouble() : 1.0);
    e.set(
        "tool_choice",
        body.hasNonNull("tool_choice")
            ? body.get("tool_choice")
            : Json.MAPPER.getNodeFactory().textNode("auto"));
    e.put("top_p", body.hasNonNull("top_p") ? body.get("top_p").asDouble() : 1.0);
    e.put(
        "truncation", body.hasNonNull("truncation") ? body.get("truncation").asText() : "disabled");
    e.set("user", orNull(body, "user"));
    return e;
  }

  private static JsonNode orNull(ObjectNode body, String field) {
    return body.hasNonNull(field) ? body.get(field) : Json.MAPPER.nullNode();
  }

  /**
   * Function tools in the Responses shape, flat: {@code {"type":"function","name":..,
   * "parameters":..}}. The chat shape, nested under {@code function}, lacks the name here, as
   * OpenAI answers. The computer tools are read ({@link #computerTool}); web search and the code
   * interpreter are checked and echoed, and used by the rule of {@link BuiltinToolCalls}; other
   * built-in tools (file search, ...) cannot be faked and are refused.
   */
  private static List<ParsedRequest.ToolDef> tools(
      JsonNode tools, ArrayNode echo, List<RemoteMcpCalls.Server> remoteMcp) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw ResponsesInput.typeError("tools", "an array", tools);
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String at = "tools[" + i + "]";
      String type = t.path("type").asText("");
      if (type.equals("computer_use_preview") || type.equals("computer")) {
        out.add(computerTool(t, at, type));
        echo.add(t);
        continue;
      }
      if (type.equals("mcp")) {
        remoteMcp.add(mcpTool(t, at));
        // Echoed as OpenAI does, without the headers (they may hold secrets).
        ObjectNode e = ((ObjectNode) t).deepCopy();
        e.remove("headers");
        echo.add(e);
        continue;
      }
      if (WEB_SEARCH_TYPES.contains(type)) {
        checkWebSearchTool(t, at, type);
        echo.add(t);
        continue;
      }
      if (type.equals("code_interpreter")) {
        checkCodeInterpreterTool(t, at);
        echo.add(t);
        continue;
      }
      if (!type.equals("function")) {
        throw ProviderError.badRequest(
            "Invalid value: '"
                + type
                + "'. The fake provider serves function, computer, mcp, web_search and"
                + " code_interpreter tools only.",
            at + ".type");
      }
      JsonNode name = t.get("name");
      if (name == null || name.isNull()) {
        throw ProviderError.badRequest(
            "Missing required parameter: '" + at + ".name'.", at + ".name");
      }
      if (!name.isTextual() || !name.textValue().matches("[a-zA-Z0-9_-]{1,64}")) {
        throw ProviderError.badRequest(
            "Invalid '"
                + at
                + ".name': string does not match pattern. Expected a string that "
                + "matches the pattern '^[a-zA-Z0-9_-]+$'.",
            at + ".name");
      }
      JsonNode params = t.get("parameters");
      if (params != null && !params.isNull() && !params.isObject()) {
        throw ResponsesInput.typeError(at + ".parameters", "an object", params);
      }
      ObjectNode e = echo.addObject().put("type", "function").put("name", name.textValue());
      e.set(
          "description",
          t.hasNonNull("description") ? t.get("description") : Json.MAPPER.nullNode());
      e.set("parameters", params == null ? Json.MAPPER.nullNode() : params);
      e.put("strict", t.path("strict").asBoolean(true));
      out.add(
          new ParsedRequest.ToolDef(
              name.textValue(), params == null || params.isNull() ? null : Json.write(params)));
    }
    return out;
  }

  /** The web search tool's types; {@code filters} only on those without "preview". */
  private static final Set<String> WEB_SEARCH_TYPES =
      Set.of(
          "web_search",
          "web_search_2025_08_26",
          "web_search_preview",
          "web_search_preview_2025_03_11");

  private static final Set<String> CONTEXT_SIZES = Set.of("low", "medium", "high");
  private static final Set<String> MEMORY_LIMITS = Set.of("1g", "4g", "16g", "64g");
  private static final String SOURCES_INCLUDE = "web_search_call.action.sources";
  private static final String OUTPUTS_INCLUDE = "code_interpreter_call.outputs";

  /**
   * A web search tool: {@code search_context_size} low, medium or high; an approximate {@code
   * user_location}; {@code filters.allowed_domains} (not on the preview types); nothing else.
   */
  private static void checkWebSearchTool(JsonNode t, String at, String type) {
    boolean preview = type.startsWith("web_search_preview");
    Set<String> fields =
        preview
            ? Set.of("type", "search_context_size", "user_location")
            : Set.of("type", "search_context_size", "user_location", "filters");
    unknownFields(t, fields, at);
    JsonNode size = t.get("search_context_size");
    if (size != null && !size.isNull() && !CONTEXT_SIZES.contains(size.asText())) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + size.asText()
              + "'. Supported values are: 'low', 'medium', and 'high'.",
          at + ".search_context_size");
    }
    JsonNode location = t.get("user_location");
    if (location != null && !location.isNull()) {
      String where = at + ".user_location";
      if (!location.isObject()) {
        throw ResponsesInput.typeError(where, "an object", location);
      }
      unknownFields(location, Set.of("type", "city", "country", "region", "timezone"), where);
      if (!"approximate".equals(location.path("type").asText("approximate"))) {
        throw ProviderError.badRequest(
            "Invalid value: '"
                + location.path("type").asText()
                + "'. Supported values are: 'approximate'.",
            where + ".type");
      }
      for (String f : new String[] {"city", "country", "region", "timezone"}) {
        JsonNode v = location.get(f);
        if (v != null && !v.isNull() && !v.isTextual()) {
          throw ResponsesInput.typeError(where + "." + f, "a string", v);
        }
      }
    }
    JsonNode filters = t.get("filters");
    if (filters != null && !filters.isNull()) {
      String where = at + ".filters";
      if (!filters.isObject()) {
        throw ResponsesInput.typeError(where, "an object", filters);
      }
      unknownFields(filters, Set.of("allowed_domains"), where);
      JsonNode domains = filters.get("allowed_domains");
      if (domains != null && !domains.isNull()) {
        if (!domains.isArray()) {
          throw ResponsesInput.typeError(where + ".allowed_domains", "an array", domains);
        }
        for (int i = 0; i < domains.size(); i++) {
          if (!domains.get(i).isTextual()) {
            throw ResponsesInput.typeError(
                where + ".allowed_domains[" + i + "]", "a string", domains.get(i));
          }
        }
      }
    }
  }

  /**
   * A code interpreter: its {@code container}, required, a container id or {@code {"type": "auto",
   * "memory_limit", "file_ids"}}.
   */
  private static void checkCodeInterpreterTool(JsonNode t, String at) {
    unknownFields(t, Set.of("type", "container"), at);
    JsonNode c = t.get("container");
    String where = at + ".container";
    if (c == null || c.isNull()) {
      throw ProviderError.badRequest("Missing required parameter: '" + where + "'.", where);
    }
    if (c.isTextual()) {
      if (c.textValue().isEmpty()) {
        throw ProviderError.badRequest(
            "Invalid '"
                + where
                + "': empty string. Expected a string with minimum length 1, but"
                + " got an empty string instead.",
            where);
      }
      return;
    }
    if (!c.isObject()) {
      throw ResponsesInput.typeError(where, "a string or an object", c);
    }
    unknownFields(c, Set.of("type", "memory_limit", "file_ids"), where);
    if (!"auto".equals(c.path("type").asText(""))) {
      throw ProviderError.badRequest(
          "Invalid value: '" + c.path("type").asText("") + "'. Supported values are: 'auto'.",
          where + ".type");
    }
    JsonNode memory = c.get("memory_limit");
    if (memory != null && !memory.isNull() && !MEMORY_LIMITS.contains(memory.asText())) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + memory.asText()
              + "'. Supported values are: '1g', '4g', '16g', and '64g'.",
          where + ".memory_limit");
    }
    JsonNode files = c.get("file_ids");
    if (files != null && !files.isNull()) {
      if (!files.isArray()) {
        throw ResponsesInput.typeError(where + ".file_ids", "an array", files);
      }
      for (int i = 0; i < files.size(); i++) {
        if (!files.get(i).isTextual()) {
          throw ResponsesInput.typeError(where + ".file_ids[" + i + "]", "a string", files.get(i));
        }
      }
    }
  }

  /** OpenAI's refusal of a field it does not know. */
  private static void unknownFields(JsonNode node, Set<String> known, String at) {
    for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw ProviderError.badRequest("Unknown parameter: '" + at + "." + f + "'.", at + "." + f);
      }
    }
  }

  /**
   * The built-in tools a (checked) request offers, and what its {@code include} asks their items to
   * carry.
   */
  private static BuiltinToolCalls.Offer builtinOffer(ObjectNode body) {
    if ("none".equals(body.path("tool_choice").asText(""))) {
      return BuiltinToolCalls.Offer.NONE;
    }
    boolean search = false;
    boolean code = false;
    String container = null;
    List<String> domains = new ArrayList<>();
    for (JsonNode t : body.path("tools")) {
      String type = t.path("type").asText("");
      if (WEB_SEARCH_TYPES.contains(type) && !search) {
        search = true;
        t.path("filters").path("allowed_domains").forEach(d -> domains.add(d.asText()));
      } else if (type.equals("code_interpreter") && !code) {
        code = true;
        container = t.path("container").isTextual() ? t.get("container").asText() : null;
      }
    }
    JsonNode include = body.get("include");
    return new BuiltinToolCalls.Offer(
        search,
        domains,
        0,
        code,
        container,
        includes(include, SOURCES_INCLUDE),
        includes(include, OUTPUTS_INCLUDE));
  }

  /**
   * A remote MCP server ({@code {"type": "mcp", "server_label", "server_url", "headers",
   * "require_approval", "allowed_tools"}}); the fake reaches no server and calls it by the rule of
   * {@link RemoteMcpCalls}. Approvals cannot be given to the fake: {@code require_approval} must be
   * {@code never}.
   */
  private static RemoteMcpCalls.Server mcpTool(JsonNode t, String at) {
    JsonNode label = t.get("server_label");
    if (label == null || !label.isTextual() || label.textValue().isEmpty()) {
      throw ProviderError.badRequest(
          "Missing required parameter: '" + at + ".server_label'.", at + ".server_label");
    }
    JsonNode url = t.get("server_url");
    if (!t.hasNonNull("connector_id")
        && (url == null || !url.isTextual() || !url.textValue().matches("https?://.+"))) {
      throw ProviderError.badRequest(
          "Missing required parameter: '" + at + ".server_url'.", at + ".server_url");
    }
    JsonNode headers = t.get("headers");
    if (headers != null && !headers.isNull() && !headers.isObject()) {
      throw ResponsesInput.typeError(at + ".headers", "an object", headers);
    }
    if (!"never".equals(t.path("require_approval").asText(""))) {
      throw ProviderError.badRequest(
          "The fake provider cannot hold MCP calls for approval: set '"
              + at
              + ".require_approval' to 'never'.",
          at + ".require_approval");
    }
    List<String> allowed = new ArrayList<>();
    JsonNode a = t.get("allowed_tools");
    if (a != null && !a.isNull()) {
      if (!a.isArray()) {
        throw ResponsesInput.typeError(at + ".allowed_tools", "an array", a);
      }
      a.forEach(x -> allowed.add(x.asText()));
    }
    return new RemoteMcpCalls.Server(label.textValue(), allowed);
  }

  private static final java.util.Set<String> ENVIRONMENTS =
      java.util.Set.of("windows", "mac", "linux", "ubuntu", "browser");

  /**
   * A computer tool: {@code computer_use_preview} with its {@code display_width}, {@code
   * display_height} and {@code environment} (all required), or the generally available {@code
   * computer}, which takes none.
   */
  private static ParsedRequest.ToolDef computerTool(JsonNode t, String at, String type) {
    if (type.equals("computer")) {
      return new ParsedRequest.ToolDef("computer", null, new FakeComputer.Offer(type, 0, 0));
    }
    int[] size = new int[2];
    String[] fields = {"display_width", "display_height"};
    for (int i = 0; i < 2; i++) {
      JsonNode v = t.get(fields[i]);
      if (v == null || v.isNull()) {
        throw ProviderError.badRequest(
            "Missing required parameter: '" + at + "." + fields[i] + "'.", at + "." + fields[i]);
      }
      if (!v.isIntegralNumber() || v.asInt() < 1) {
        throw ResponsesInput.typeError(at + "." + fields[i], "a positive integer", v);
      }
      size[i] = v.asInt();
    }
    String environment = t.path("environment").asText("");
    if (!ENVIRONMENTS.contains(environment)) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + environment
              + "'. Supported values are: 'windows', 'mac', 'linux', 'ubuntu', and 'browser'.",
          at + ".environment");
    }
    return new ParsedRequest.ToolDef(
        "computer", null, new FakeComputer.Offer(type, size[0], size[1]));
  }

  /** {@code computer_use_preview} needs {@code truncation: auto} (OpenAI's computer use guide). */
  private static void checkTruncation(List<ParsedRequest.ToolDef> tools, JsonNode truncation) {
    boolean preview =
        tools.stream().anyMatch(t -> t.computer() != null && t.computer().openAiPreview());
    if (preview && (truncation == null || !"auto".equals(truncation.asText()))) {
      throw ProviderError.badRequest(
          "Invalid value for 'truncation': the computer_use_preview tool requires 'auto'.",
          "truncation");
    }
  }

  /**
   * Reads {@code reasoning}, refusing an effort the model does not take; true when a summary is
   * asked for, which the answer then carries.
   */
  private static boolean reasoning(String model, JsonNode reasoning, ObjectNode echo) {
    echo.putNull("effort");
    echo.putNull("summary");
    if (reasoning == null || reasoning.isNull()) {
      return false;
    }
    if (!reasoning.isObject()) {
      throw ResponsesInput.typeError("reasoning", "an object", reasoning);
    }
    JsonNode effort = reasoning.get("effort");
    if (effort != null && !effort.isNull()) {
      OpenAiModels.checkEffort(model, effort, "reasoning.effort");
      echo.put("effort", effort.asText());
    }
    JsonNode summary = reasoning.get("summary");
    if (summary == null || summary.isNull()) {
      return false;
    }
    if (!SUMMARIES.contains(summary.asText())) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + summary.asText()
              + "'. Supported values are: 'auto', 'concise', and 'detailed'.",
          "reasoning.summary");
    }
    echo.put("summary", summary.asText());
    return true;
  }

  private static boolean includes(JsonNode include, String value) {
    if (include == null || include.isNull()) {
      return false;
    }
    if (!include.isArray()) {
      throw ResponsesInput.typeError("include", "an array", include);
    }
    for (JsonNode v : include) {
      if (value.equals(v.asText())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id = Bodies.id("resp_", request.conversation().fingerprint() + request.model());
    ResponsesOutput output = output(id, request, answer);
    FakeHttpResponse response =
        request.stream()
            ? FakeHttpResponse.sse(output.stream())
            : FakeHttpResponse.json(200, Json.write(output.response()));
    return response.withHeaders(headers(limits, id));
  }

  /**
   * A request with {@code background: true} is answered {@code queued} at once and kept until it is
   * ready.
   */
  @Override
  public FakeHttpResponse startInBackground(
      ParsedRequest request, Answer answer, RateLimitState limits, long readyAtNanos) {
    ObjectNode options = options(request);
    if (!options.path("echo").path("background").asBoolean()) {
      return null;
    }
    String id = background.newId(request.conversation().fingerprint() + request.model());
    ResponsesOutput output = output(id, request, answer);
    background.add(id, output, readyAtNanos);
    return FakeHttpResponse.json(200, Json.write(output.unfinished("queued")))
        .withHeaders(headers(limits, id));
  }

  /** The side endpoint {@code GET /v1/responses/{id}}: a background response as it is now. */
  FakeHttpResponse retrieve(FakeHttpRequest request, String id) {
    return background.retrieve(id).withHeaders(headers(RateLimitState.UNLIMITED, id));
  }

  /**
   * The side endpoint {@code POST /v1/responses/{id}/cancel}: cancels a background response still
   * running.
   */
  FakeHttpResponse cancel(FakeHttpRequest request, String id) {
    return background.cancel(id).withHeaders(headers(RateLimitState.UNLIMITED, id));
  }

  private static ResponsesOutput output(String id, ParsedRequest request, Answer answer) {
    ObjectNode options = options(request);
    return new ResponsesOutput(
        id,
        Bodies.now(),
        request,
        answer,
        (ObjectNode) options.get("echo"),
        options.path("encrypted_reasoning").asBoolean());
  }

  private static ObjectNode options(ParsedRequest request) {
    return (ObjectNode) Json.parse(request.options());
  }

  /** OpenAI's headers; its header helper derives x-request-id from the part after a dash. */
  private static Map<String, String> headers(RateLimitState limits, String id) {
    return OpenAiChatDialect.headers(limits, id.replace('_', '-'));
  }

  /**
   * OpenAI's errors; a too-long request gets the Responses API's own wording and names {@code
   * input}.
   */
  /** A refusal with its own code ({@code unsupported_value}), in OpenAI's body. */
  @Override
  public FakeHttpResponse error(ProviderError e) {
    if (e.code == null) {
      return error(e.kind, e.getMessage(), e.param, RateLimitState.UNLIMITED);
    }
    return OpenAiChatDialect.openAiError(
        e.kind, e.getMessage(), e.param, e.code, RateLimitState.UNLIMITED);
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    FakeHttpResponse response = OpenAiChatDialect.openAiError(kind, message, param, limits);
    if (kind != ErrorKind.CONTEXT_LENGTH) {
      return response;
    }
    ObjectNode body = (ObjectNode) Json.parse(response.body());
    ((ObjectNode) body.get("error")).put("message", CONTEXT_WINDOW).put("param", "input");
    return new FakeHttpResponse(
        response.status(), response.headers(), Json.write(body), response.contentType());
  }

  /**
   * {@code text.format}: text, a JSON object, or JSON matching a schema given flat in the format
   * ({@code {"type":"json_schema","name":..,"schema":..}}), unlike chat's nested {@code
   * json_schema}.
   *
   * @param format the output format
   * @param schemaJson the schema for {@code json_schema}, else null
   * @param echo the format as the Response repeats it
   */
  private record TextFormat(ParsedRequest.OutputFormat format, String schemaJson, ObjectNode echo) {
    static TextFormat read(JsonNode text, Conversation conversation) {
      JsonNode f = text == null ? null : text.get("format");
      if (f == null || f.isNull()) {
        return new TextFormat(
            ParsedRequest.OutputFormat.TEXT, null, Json.object().put("type", "text"));
      }
      String type = f.path("type").asText("");
      switch (type) {
        case "text":
          return new TextFormat(
              ParsedRequest.OutputFormat.TEXT, null, Json.object().put("type", "text"));
        case "json_object":
          if (!mentionsJson(conversation)) {
            throw ProviderError.badRequest(
                "Response input messages must contain the word 'json' in some form to use "
                    + "'text.format' of type 'json_object'.",
                "input");
          }
          return new TextFormat(
              ParsedRequest.OutputFormat.JSON_OBJECT,
              null,
              Json.object().put("type", "json_object"));
        case "json_schema":
          {
            if (!f.path("name").isTextual()) {
              throw ProviderError.badRequest(
                  "Missing required parameter: 'text.format.name'.", "text.format.name");
            }
            JsonNode schema = f.get("schema");
            if (schema == null || !schema.isObject()) {
              throw ProviderError.badRequest(
                  "Missing required parameter: 'text.format.schema'.", "text.format.schema");
            }
            ObjectNode echo =
                Json.object().put("type", "json_schema").put("name", f.get("name").asText());
            echo.set(
                "description",
                f.hasNonNull("description") ? f.get("description") : Json.MAPPER.nullNode());
            echo.set("schema", schema);
            echo.put("strict", f.path("strict").asBoolean(false));
            return new TextFormat(ParsedRequest.OutputFormat.JSON_SCHEMA, Json.write(schema), echo);
          }
        default:
          throw ProviderError.badRequest(
              "Invalid value: '"
                  + type
                  + "'. Supported values are: 'text', 'json_object', and "
                  + "'json_schema'.",
              "text.format.type");
      }
    }

    /** Whether any message's text says "json", which OpenAI requires for the JSON-object format. */
    private static boolean mentionsJson(Conversation conversation) {
      return conversation.messages().stream()
          .anyMatch(m -> m.text().toLowerCase(Locale.ROOT).contains("json"));
    }
  }
}

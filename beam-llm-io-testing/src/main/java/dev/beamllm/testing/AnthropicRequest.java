package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an Anthropic Messages request body and reads it into a {@link ParsedRequest}. Shared by
 * the Anthropic API and Bedrock's {@code invoke} for Claude, whose body is the same apart from
 * {@code anthropic_version} and the model. Messages follow Anthropic's validation errors ({@code
 * "max_tokens: Field required"}, {@code "messages.0.role: Input should be 'user' or 'assistant'"}).
 * Reference: docs.anthropic.com/en/api/messages.
 */
final class AnthropicRequest {
  /** The efforts of adaptive thinking ({@code output_config.effort}). */
  private static final Set<String> EFFORTS = Set.of("low", "medium", "high", "max");

  /** Claude models that think adaptively (4.6 and later). */
  private static final Pattern ADAPTIVE =
      Pattern.compile(
          "claude-(?:opus|sonnet|haiku)-4-[6-9]|claude-(?:opus|sonnet|haiku|fable|mythos)-[5-9]");

  /**
   * Claude models that refuse a thinking budget: Opus 4.7 and later, and every model of the 5
   * family (docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html).
   */
  private static final Pattern ADAPTIVE_ONLY =
      Pattern.compile("claude-opus-4-[7-9]|claude-(?:opus|sonnet|haiku|fable|mythos)-[5-9]");

  private static final Set<String> BLOCK_TYPES =
      Set.of(
          "text",
          "image",
          "document",
          "tool_use",
          "tool_result",
          "thinking",
          "redacted_thinking",
          "mcp_tool_use",
          "mcp_tool_result",
          "server_tool_use",
          "web_search_tool_result");
  private static final String BLOCK_TAGS =
      "'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking',"
          + " 'mcp_tool_use', 'mcp_tool_result', 'server_tool_use', 'web_search_tool_result'";
  private static final Set<String> IMAGE_TYPES =
      Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final int MIN_THINKING_BUDGET = 1024;

  private AnthropicRequest() {}

  /**
   * Validates the body and converts it; the model comes from the caller (the body for Anthropic,
   * the path for Bedrock).
   *
   * @throws ProviderError a 400 with Anthropic's message for an invalid request
   */
  static ParsedRequest parse(ObjectNode body, String model) {
    return parse(body, model, true);
  }

  /**
   * The same, for an API that takes image sources by URL or not: Claude on Bedrock takes {@code
   * base64} image sources only (AWS's Anthropic Claude Messages reference) and answers a {@code
   * url} source with "URL sources are not supported" under the source's path.
   */
  static ParsedRequest parse(ObjectNode body, String model, boolean imageUrls) {
    int maxTokens = maxTokens(body.get("max_tokens"));
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw bad("messages: Field required", "messages");
    }
    if (!messages.isArray()) {
      throw bad("messages: Input should be a valid list", "messages");
    }
    if (messages.isEmpty()) {
      throw bad("messages: at least one message is required", "messages");
    }
    for (int i = 0; i < messages.size(); i++) {
      checkMessage(messages.get(i), "messages." + i, imageUrls);
    }
    checkSystem(body.get("system"));
    checkNumber(body, "temperature", 0, 1);
    checkNumber(body, "top_p", 0, 1);
    checkTopK(body.get("top_k"));
    checkStopSequences(body.get("stop_sequences"));
    List<ParsedRequest.ToolDef> tools = tools(body.get("tools"));
    boolean offerTools = toolChoice(body.get("tool_choice"));
    boolean thinking = thinking(body.get("thinking"), maxTokens, model, body.get("output_config"));
    if (thinking) {
      checkToolTurnThinking(messages);
    }
    JsonNode temperature = body.get("temperature");
    if (thinking && temperature != null && !temperature.isNull() && temperature.asDouble() != 1.0) {
      throw bad(
          "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at "
              + "https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking",
          "temperature");
    }
    boolean stream = stream(body.get("stream"));
    CachePlan cachePlan = AnthropicCachePlan.of(body);
    Conversation conversation;
    try {
      ObjectNode prompt = Json.object();
      if (body.hasNonNull("system")) {
        prompt.set("system", body.get("system"));
      }
      prompt.set("messages", messages);
      conversation = WireFormats.fromAnthropic(Json.write(prompt));
    } catch (InvalidPromptException e) {
      throw bad("messages: " + e.getMessage(), "messages");
    }
    String schema = outputSchema(body.get("output_config"));
    ParsedRequest parsed =
        ParsedRequest.of(
            model,
            conversation,
            offerTools ? tools : List.of(),
            maxTokens,
            schema == null
                ? ParsedRequest.OutputFormat.TEXT
                : ParsedRequest.OutputFormat.JSON_SCHEMA,
            schema,
            -1,
            stream,
            thinking,
            cachePlan,
            TokenCounter.ImageRule.ANTHROPIC);
    return offerTools ? parsed.withForcedTool(forcedTool(body.get("tool_choice"))) : parsed;
  }

  /**
   * The JSON schema of structured output ({@code output_config.format: {"type": "json_schema",
   * "schema": {...}}}), or null when the answer is free text; a format of another type, or without
   * a schema object, is refused as Anthropic refuses it.
   */
  private static String outputSchema(JsonNode config) {
    JsonNode format = config == null ? null : config.get("format");
    if (format == null || format.isNull()) {
      return null;
    }
    if (!format.path("type").asText().equals("json_schema")) {
      throw bad("output_config.format.type: Input should be 'json_schema'", "output_config");
    }
    JsonNode schema = format.get("schema");
    if (schema == null || !schema.isObject()) {
      throw bad("output_config.format.schema: Input should be a valid dictionary", "output_config");
    }
    return Json.write(schema);
  }

  private static int maxTokens(JsonNode v) {
    if (v == null || v.isNull()) {
      throw bad("max_tokens: Field required", "max_tokens");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw bad("max_tokens: Input should be a valid integer", "max_tokens");
    }
    if (v.intValue() < 1) {
      throw bad("max_tokens: Input should be greater than or equal to 1", "max_tokens");
    }
    return v.intValue();
  }

  private static void checkMessage(JsonNode m, String path, boolean imageUrls) {
    if (!m.isObject()) {
      throw bad(path + ": Input should be a valid dictionary", "messages");
    }
    String role = m.path("role").asText("");
    if (!role.equals("user") && !role.equals("assistant")) {
      throw bad(path + ".role: Input should be 'user' or 'assistant'", "messages");
    }
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      throw bad(path + ".content: Field required", "messages");
    }
    if (content.isTextual()) {
      if (content.textValue().isEmpty()) {
        throw bad("messages: text content blocks must be non-empty", "messages");
      }
      return;
    }
    if (!content.isArray()) {
      throw bad(path + ".content: Input should be a valid list", "messages");
    }
    if (content.isEmpty()) {
      throw bad(
          path
              + ": all messages must have non-empty content except for the optional final assistant message",
          "messages");
    }
    for (int j = 0; j < content.size(); j++) {
      checkBlock(content.get(j), path + ".content." + j, imageUrls);
    }
    AnthropicServerTools.checkPairs(content, path);
  }

  private static void checkBlock(JsonNode b, String path, boolean imageUrls) {
    String type = b.path("type").asText("");
    if (!BLOCK_TYPES.contains(type)) {
      throw bad(
          path
              + ".type: Input tag '"
              + type
              + "' found using 'type' does not match any of the expected tags: "
              + BLOCK_TAGS,
          "messages");
    }
    switch (type) {
      case "text" -> {
        requireString(b, "text", path);
        if (b.get("text").textValue().isEmpty()) {
          throw bad("messages: text content blocks must be non-empty", "messages");
        }
        JsonNode citations = b.get("citations");
        if (citations != null && !citations.isNull() && !citations.isArray()) {
          throw bad(path + ".citations: Input should be a valid list", "messages");
        }
      }
      case "image" -> checkImageSource(b.get("source"), path + ".source", imageUrls);
      case "document" -> checkDocumentSource(b.get("source"), path + ".source");
      case "tool_use" -> {
        requireString(b, "id", path);
        requireString(b, "name", path);
        if (!b.path("input").isObject()) {
          throw bad(path + ".input: Input should be a valid dictionary", "messages");
        }
      }
      case "tool_result" -> checkToolResult(b, path, imageUrls);
      case "mcp_tool_use" -> {
        requireString(b, "id", path);
        requireString(b, "name", path);
        requireString(b, "server_name", path);
        if (!b.path("input").isObject()) {
          throw bad(path + ".input: Input should be a valid dictionary", "messages");
        }
      }
      case "mcp_tool_result" -> requireString(b, "tool_use_id", path);
      case "server_tool_use" -> {
        requireString(b, "id", path);
        requireString(b, "name", path);
        if (!b.path("input").isObject()) {
          throw bad(path + ".input: Input should be a valid dictionary", "messages");
        }
      }
      case "web_search_tool_result" -> AnthropicServerTools.checkResult(b, path);
      case "thinking" -> {
        requireString(b, "thinking", path);
        requireString(b, "signature", path);
      }
      default -> requireString(b, "data", path);
    }
  }

  private static void checkImageSource(JsonNode source, String path, boolean imageUrls) {
    String type = requireObject(source, path).path("type").asText("");
    switch (type) {
      case "base64" -> {
        String mediaType = source.path("media_type").asText("");
        if (!IMAGE_TYPES.contains(mediaType)) {
          throw bad(
              path
                  + ".media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
              "messages");
        }
        requireString(source, "data", path);
      }
      case "url" -> {
        if (!imageUrls) {
          // The path names the base64 variant, as the real message does (seen on Claude through
          // Vertex, same wording on Bedrock).
          throw bad(
              path.replace(".source", ".image.source")
                  + ".base64.data: URL sources are not supported",
              "messages");
        }
        requireString(source, "url", path);
      }
      default ->
          throw bad(
              path
                  + ": Input tag '"
                  + type
                  + "' found using 'type' does not match any of the expected tags: 'base64', 'url'",
              "messages");
    }
  }

  private static void checkDocumentSource(JsonNode source, String path) {
    String type = requireObject(source, path).path("type").asText("");
    switch (type) {
      case "base64" -> {
        if (!"application/pdf".equals(source.path("media_type").asText())) {
          throw bad(path + ".base64.media_type: Input should be 'application/pdf'", "messages");
        }
        requireString(source, "data", path);
      }
      case "text" -> {
        if (!"text/plain".equals(source.path("media_type").asText())) {
          throw bad(path + ".text.media_type: Input should be 'text/plain'", "messages");
        }
        requireString(source, "data", path);
      }
      case "url" -> requireString(source, "url", path);
      case "file" -> requireString(source, "file_id", path);
      default ->
          throw bad(
              path
                  + ": Input tag '"
                  + type
                  + "' found using 'type' does not match any of the expected tags: 'base64', 'text', 'url', 'file'",
              "messages");
    }
  }

  private static void checkToolResult(JsonNode b, String path, boolean imageUrls) {
    requireString(b, "tool_use_id", path);
    JsonNode content = b.get("content");
    if (content == null || content.isNull() || content.isTextual()) {
      return;
    }
    if (!content.isArray()) {
      throw bad(path + ".content: Input should be a valid string or list", "messages");
    }
    for (int k = 0; k < content.size(); k++) {
      JsonNode c = content.get(k);
      String type = c.path("type").asText("");
      String at = path + ".content." + k;
      if (type.equals("text")) {
        requireString(c, "text", at);
      } else if (type.equals("image")) {
        checkImageSource(c.get("source"), at + ".source", imageUrls);
      } else {
        throw bad(
            at
                + ".type: Input tag '"
                + type
                + "' found using 'type' does not match any of the expected tags: 'text', 'image'",
            "messages");
      }
    }
  }

  private static void checkSystem(JsonNode system) {
    if (system == null || system.isNull() || system.isTextual()) {
      return;
    }
    if (!system.isArray()) {
      throw bad("system: Input should be a valid string or list", "system");
    }
    for (int i = 0; i < system.size(); i++) {
      JsonNode b = system.get(i);
      if (!"text".equals(b.path("type").asText())) {
        throw bad("system." + i + ".type: Input should be 'text'", "system");
      }
      requireString(b, "text", "system." + i);
    }
  }

  private static void checkNumber(JsonNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isNumber()) {
      throw bad(field + ": Input should be a valid number", field);
    }
    if (v.asDouble() < min) {
      throw bad(field + ": Input should be greater than or equal to " + (long) min, field);
    }
    if (v.asDouble() > max) {
      throw bad(field + ": Input should be less than or equal to " + (long) max, field);
    }
  }

  private static void checkTopK(JsonNode v) {
    if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.asLong() < 0)) {
      throw bad("top_k: Input should be greater than or equal to 0", "top_k");
    }
  }

  private static void checkStopSequences(JsonNode v) {
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isArray()) {
      throw bad("stop_sequences: Input should be a valid list", "stop_sequences");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw bad("stop_sequences." + i + ": Input should be a valid string", "stop_sequences");
      }
    }
  }

  /**
   * The custom tools, the computer tool, and Anthropic's bash and text editor tools (as functions
   * with Anthropic's schemas, {@link AnthropicServerTools}) offered to the model. The web search
   * server tool is checked here and used by the rule of {@link BuiltinToolCalls}; other server
   * tools (those with another {@code type}) run on Anthropic's side and are passed through
   * unchecked; the fake model never calls them.
   */
  private static List<ParsedRequest.ToolDef> tools(JsonNode tools) {
    List<ParsedRequest.ToolDef> out = new ArrayList<>();
    if (tools == null || tools.isNull()) {
      return out;
    }
    if (!tools.isArray()) {
      throw bad("tools: Input should be a valid list", "tools");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String path = "tools." + i;
      if (!t.isObject()) {
        throw bad(path + ": Input should be a valid dictionary", "tools");
      }
      String type = t.path("type").asText("custom");
      if (COMPUTER_BETAS.containsKey(type)) {
        out.add(computerTool(t, path, type));
        if (!names.add("computer")) {
          throw bad("tools: Tool names must be unique.", "tools");
        }
        continue;
      }
      if (AnthropicServerTools.WEB_SEARCH_TYPES.contains(type)) {
        AnthropicServerTools.checkWebSearchTool(t, path, type);
        if (!names.add("web_search")) {
          throw bad("tools: Tool names must be unique.", "tools");
        }
        continue;
      }
      if (AnthropicServerTools.CLIENT_TOOLS.containsKey(type)) {
        ParsedRequest.ToolDef def = AnthropicServerTools.clientTool(t, path, type);
        if (!names.add(def.name())) {
          throw bad("tools: Tool names must be unique.", "tools");
        }
        out.add(def);
        continue;
      }
      if (t.hasNonNull("type") && !"custom".equals(type)) {
        continue;
      }
      String name = t.path("name").asText("");
      if (!TOOL_NAME.matcher(name).matches()) {
        throw bad(
            path + ".custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'", "tools");
      }
      if (t.has("description") && !t.get("description").isTextual()) {
        throw bad(path + ".custom.description: Input should be a valid string", "tools");
      }
      JsonNode schema = t.get("input_schema");
      if (schema == null || schema.isNull()) {
        throw bad(path + ".custom.input_schema: Field required", "tools");
      }
      if (!schema.isObject()) {
        throw bad(path + ".custom.input_schema: Input should be a valid dictionary", "tools");
      }
      if (!names.add(name)) {
        throw bad("tools: Tool names must be unique.", "tools");
      }
      out.add(new ParsedRequest.ToolDef(name, Json.write(schema)));
    }
    return out;
  }

  /** Anthropic's computer tool types, each with the beta it needs. */
  static final Map<String, String> COMPUTER_BETAS =
      Map.of(
          "computer_20241022", "computer-use-2024-10-22",
          "computer_20250124", "computer-use-2025-01-24",
          "computer_20251124", "computer-use-2025-11-24");

  /**
   * A computer tool: named {@code computer}, with a positive {@code display_width_px} and {@code
   * display_height_px} (Anthropic's {@code BetaToolComputerUse*} params); {@code enable_zoom} only
   * on {@code computer_20251124}.
   */
  private static ParsedRequest.ToolDef computerTool(JsonNode t, String path, String type) {
    String at = path + "." + type;
    if (!"computer".equals(t.path("name").asText())) {
      throw bad(at + ".name: Input should be 'computer'", "tools");
    }
    int[] size = new int[2];
    String[] fields = {"display_width_px", "display_height_px"};
    for (int i = 0; i < 2; i++) {
      JsonNode v = t.get(fields[i]);
      if (v == null || v.isNull()) {
        throw bad(at + "." + fields[i] + ": Field required", "tools");
      }
      if (!v.isIntegralNumber() || v.asInt() < 1) {
        throw bad(at + "." + fields[i] + ": Input should be greater than or equal to 1", "tools");
      }
      size[i] = v.asInt();
    }
    if (t.has("enable_zoom") && !type.equals("computer_20251124")) {
      throw bad(at + ".enable_zoom: Extra inputs are not permitted", "tools");
    }
    return new ParsedRequest.ToolDef(
        "computer", null, new FakeComputer.Offer(type, size[0], size[1]));
  }

  /**
   * The tool {@code tool_choice} forces: the named one for {@code tool}, {@link
   * ParsedRequest#ANY_TOOL} for {@code any}, null when the model may answer in text.
   */
  private static String forcedTool(JsonNode choice) {
    String type = choice == null ? "" : choice.path("type").asText("");
    return switch (type) {
      case "tool" -> choice.path("name").asText();
      case "any" -> ParsedRequest.ANY_TOOL;
      default -> null;
    };
  }

  /** Validates {@code tool_choice}; false when it is {@code none}, so no tool is offered. */
  private static boolean toolChoice(JsonNode choice) {
    if (choice == null || choice.isNull()) {
      return true;
    }
    String type = choice.path("type").asText("");
    if (!TOOL_CHOICES.contains(type)) {
      throw bad(
          "tool_choice: Input tag '"
              + type
              + "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
          "tool_choice");
    }
    if (type.equals("tool") && !choice.path("name").isTextual()) {
      throw bad("tool_choice.tool.name: Field required", "tool_choice");
    }
    return !type.equals("none");
  }

  /**
   * Whether thinking is on, after checking it: a budget against {@code max_tokens} for {@code
   * enabled}; for {@code adaptive}, a model that thinks adaptively (Claude 4.6 and later) and an
   * {@code output_config.effort} Anthropic names. Opus 4.7 and later, the 5 family, Fable and
   * Mythos take only adaptive thinking.
   */
  private static boolean thinking(
      JsonNode thinking, int maxTokens, String model, JsonNode outputConfig) {
    JsonNode effort = outputConfig == null ? null : outputConfig.get("effort");
    if (effort != null && !EFFORTS.contains(effort.asText())) {
      throw bad(
          "output_config.effort: Input should be 'low', 'medium', 'high' or 'max'",
          "output_config");
    }
    if (thinking == null || thinking.isNull()) {
      return false;
    }
    String type = thinking.path("type").asText("");
    if (type.equals("disabled")) {
      return false;
    }
    boolean adaptiveModel = model != null && ADAPTIVE.matcher(model).find();
    if (type.equals("adaptive")) {
      if (!adaptiveModel) {
        throw bad("adaptive thinking is not supported on this model", "thinking");
      }
      return true;
    }
    if (!type.equals("enabled")) {
      throw bad(
          "thinking: Input tag '"
              + type
              + "' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'",
          "thinking");
    }
    if (model != null && ADAPTIVE_ONLY.matcher(model).find()) {
      throw bad(
          "thinking.type.enabled is not supported for this model. Use thinking.type.adaptive and"
              + " output_config.effort to control thinking behavior.",
          "thinking");
    }
    JsonNode budget = thinking.get("budget_tokens");
    if (budget == null || budget.isNull()) {
      throw bad("thinking.enabled.budget_tokens: Field required", "thinking");
    }
    if (!budget.isIntegralNumber() || budget.asLong() < MIN_THINKING_BUDGET) {
      throw bad(
          "thinking.enabled.budget_tokens: Input should be greater than or equal to "
              + MIN_THINKING_BUDGET,
          "thinking");
    }
    if (budget.asLong() >= maxTokens) {
      throw bad(
          "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
              + "https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
          "thinking");
    }
    return true;
  }

  /**
   * With thinking on, the tool-use turn the conversation ends in must open with a {@code thinking}
   * or {@code redacted_thinking} block ({@link ThinkingTurnRule}).
   */
  private static void checkToolTurnThinking(JsonNode messages) {
    int i =
        ThinkingTurnRule.messageNeedingThinking(
            messages, b -> "tool_result".equals(b.path("type").asText()));
    if (i < 0) {
      return;
    }
    JsonNode content = messages.get(i).get("content");
    String found = content.isTextual() ? "text" : content.get(0).path("type").asText();
    if (!found.equals("thinking") && !found.equals("redacted_thinking")) {
      throw bad(ThinkingTurnRule.message(i, found), "messages");
    }
  }

  private static boolean stream(JsonNode v) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw bad("stream: Input should be a valid boolean", "stream");
    }
    return v.booleanValue();
  }

  private static JsonNode requireObject(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw bad(path + ": Field required", "messages");
    }
    if (!node.isObject()) {
      throw bad(path + ": Input should be a valid dictionary", "messages");
    }
    return node;
  }

  private static void requireString(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw bad(path + "." + field + ": Field required", root(path));
    }
    if (!v.isTextual()) {
      throw bad(path + "." + field + ": Input should be a valid string", root(path));
    }
  }

  /** The top-level field a dotted path starts in, as the error's {@code param}. */
  private static String root(String path) {
    int dot = path.indexOf('.');
    return dot < 0 ? path : path.substring(0, dot);
  }

  static ProviderError bad(String message, String param) {
    return ProviderError.badRequest(message, param);
  }
}

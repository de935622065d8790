package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's tools with a {@code type} of their own, as the fake reads them: the web search server
 * tool ({@code web_search_20250305} and later; Anthropic runs it, the fake by the rule of {@link
 * BuiltinToolCalls}) with its {@code server_tool_use} and {@code web_search_tool_result} blocks
 * sent back in assistant turns, and the client tools Anthropic defines the schema of ({@code
 * bash_20250124}, the {@code text_editor_*} tools), which the model calls like custom tools.
 * References: docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool, .../bash-tool,
 * .../text-editor-tool.
 */
final class AnthropicServerTools {
  /** The web search tool's versions. */
  static final Set<String> WEB_SEARCH_TYPES =
      Set.of("web_search_20250305", "web_search_20260209", "web_search_20260318");

  private static final Set<String> WEB_SEARCH_FIELDS =
      Set.of(
          "type",
          "name",
          "max_uses",
          "allowed_domains",
          "blocked_domains",
          "user_location",
          "cache_control");
  private static final Set<String> LOCATION_FIELDS =
      Set.of("type", "city", "region", "country", "timezone");

  /** Anthropic-defined client tools: each type with the name it must have. */
  static final Map<String, String> CLIENT_TOOLS =
      Map.of(
          "bash_20250124", "bash",
          "text_editor_20250728", "str_replace_based_edit_tool",
          "text_editor_20250429", "str_replace_based_edit_tool",
          "text_editor_20250124", "str_replace_editor");

  private static final String BASH_SCHEMA =
      "{\"type\":\"object\",\"properties\":{"
          + "\"command\":{\"type\":\"string\",\"description\":\"The bash command to run.\"},"
          + "\"restart\":{\"type\":\"boolean\",\"description\":\"Restart the bash session.\"}}}";

  private AnthropicServerTools() {}

  /**
   * A web search tool: named {@code web_search}; {@code max_uses} at least 1; {@code
   * allowed_domains} or {@code blocked_domains}, not both; an approximate {@code user_location}; no
   * other field.
   */
  static void checkWebSearchTool(JsonNode t, String path, String type) {
    String at = path + "." + type;
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!WEB_SEARCH_FIELDS.contains(f)) {
        throw AnthropicRequest.bad(at + "." + f + ": Extra inputs are not permitted", "tools");
      }
    }
    if (!"web_search".equals(t.path("name").asText())) {
      throw AnthropicRequest.bad(at + ".name: Input should be 'web_search'", "tools");
    }
    JsonNode max = t.get("max_uses");
    if (max != null && !max.isNull()) {
      if (!max.isIntegralNumber() || !max.canConvertToInt()) {
        throw AnthropicRequest.bad(at + ".max_uses: Input should be a valid integer", "tools");
      }
      if (max.intValue() < 1) {
        throw AnthropicRequest.bad(
            at + ".max_uses: Input should be greater than or equal to 1", "tools");
      }
    }
    boolean allowed = checkDomains(t, "allowed_domains", at);
    boolean blocked = checkDomains(t, "blocked_domains", at);
    if (allowed && blocked) {
      throw AnthropicRequest.bad("Cannot use both allowed_domains and blocked_domains", "tools");
    }
    JsonNode location = t.get("user_location");
    if (location != null && !location.isNull()) {
      String where = at + ".user_location";
      if (!location.isObject()) {
        throw AnthropicRequest.bad(where + ": Input should be a valid dictionary", "tools");
      }
      if (!"approximate".equals(location.path("type").asText())) {
        throw AnthropicRequest.bad(where + ".type: Input should be 'approximate'", "tools");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = location.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!LOCATION_FIELDS.contains(e.getKey())) {
          throw AnthropicRequest.bad(
              where + "." + e.getKey() + ": Extra inputs are not permitted", "tools");
        }
        if (!e.getValue().isNull() && !e.getValue().isTextual()) {
          throw AnthropicRequest.bad(
              where + "." + e.getKey() + ": Input should be a valid string", "tools");
        }
      }
    }
  }

  /** Whether the tool lists domains in the field, after checking it is a list of strings. */
  private static boolean checkDomains(JsonNode t, String field, String at) {
    JsonNode v = t.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isArray()) {
      throw AnthropicRequest.bad(at + "." + field + ": Input should be a valid list", "tools");
    }
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw AnthropicRequest.bad(
            at + "." + field + "." + i + ": Input should be a valid string", "tools");
      }
    }
    return true;
  }

  /** The web search a (valid) request body offers, for the fake model's rule. */
  static BuiltinToolCalls.Offer offer(JsonNode body) {
    if (body.path("tool_choice").path("type").asText("").equals("none")) {
      return BuiltinToolCalls.Offer.NONE;
    }
    for (JsonNode t : body.path("tools")) {
      if (WEB_SEARCH_TYPES.contains(t.path("type").asText(""))) {
        List<String> domains = new ArrayList<>();
        t.path("allowed_domains").forEach(d -> domains.add(d.asText()));
        return new BuiltinToolCalls.Offer(
            true, domains, t.path("max_uses").asInt(0), false, null, false, false);
      }
    }
    return BuiltinToolCalls.Offer.NONE;
  }

  /**
   * A client tool Anthropic defines: named as its type requires, {@code max_characters} (at least
   * 1) on {@code text_editor_20250728} only; offered as a function with Anthropic's schema.
   */
  static ParsedRequest.ToolDef clientTool(JsonNode t, String path, String type) {
    String at = path + "." + type;
    String name = CLIENT_TOOLS.get(type);
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      boolean known =
          f.equals("type")
              || f.equals("name")
              || f.equals("cache_control")
              || (f.equals("max_characters") && type.equals("text_editor_20250728"));
      if (!known) {
        throw AnthropicRequest.bad(at + "." + f + ": Extra inputs are not permitted", "tools");
      }
    }
    if (!name.equals(t.path("name").asText())) {
      throw AnthropicRequest.bad(at + ".name: Input should be '" + name + "'", "tools");
    }
    JsonNode max = t.get("max_characters");
    if (max != null && !max.isNull() && (!max.isIntegralNumber() || max.asLong() < 1)) {
      throw AnthropicRequest.bad(
          at + ".max_characters: Input should be greater than or equal to 1", "tools");
    }
    return new ParsedRequest.ToolDef(
        name, type.startsWith("bash") ? BASH_SCHEMA : editorSchema(type));
  }

  /** The text editor's input: a command (view, create, str_replace, insert), a path, ... */
  private static String editorSchema(String type) {
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode p = schema.putObject("properties");
    ArrayNode commands = p.putObject("command").put("type", "string").putArray("enum");
    commands.add("view").add("create").add("str_replace").add("insert");
    if (type.equals("text_editor_20250124")) {
      commands.add("undo_edit");
    }
    p.putObject("path").put("type", "string");
    for (String s : new String[] {"file_text", "old_str", "new_str"}) {
      p.putObject(s).put("type", "string");
    }
    p.putObject("insert_line").put("type", "integer");
    p.putObject("view_range").put("type", "array").putObject("items").put("type", "integer");
    schema.putArray("required").add("command").add("path");
    return Json.write(schema);
  }

  /**
   * A {@code web_search_tool_result} block sent back: a {@code tool_use_id}, and content that is a
   * list of {@code web_search_result} items (each with the {@code encrypted_content} the fake gave
   * its url) or one {@code web_search_tool_result_error}.
   */
  static void checkResult(JsonNode b, String path) {
    JsonNode id = b.get("tool_use_id");
    if (id == null || !id.isTextual()) {
      throw AnthropicRequest.bad(path + ".tool_use_id: Field required", "messages");
    }
    JsonNode content = b.get("content");
    if (content != null && content.isObject()) {
      if (!"web_search_tool_result_error".equals(content.path("type").asText())
          || !content.path("error_code").isTextual()) {
        throw AnthropicRequest.bad(
            path + ".content.web_search_tool_result_error.error_code: Field required", "messages");
      }
      return;
    }
    if (content == null || !content.isArray()) {
      throw AnthropicRequest.bad(path + ".content: Input should be a valid list", "messages");
    }
    for (int k = 0; k < content.size(); k++) {
      JsonNode r = content.get(k);
      String at = path + ".content." + k;
      if (!"web_search_result".equals(r.path("type").asText())) {
        throw AnthropicRequest.bad(at + ".type: Input should be 'web_search_result'", "messages");
      }
      for (String f : new String[] {"url", "title", "encrypted_content"}) {
        if (!r.path(f).isTextual()) {
          throw AnthropicRequest.bad(at + "." + f + ": Field required", "messages");
        }
      }
      if (!r.get("encrypted_content")
          .asText()
          .equals(BuiltinToolCalls.encryptedContent(r.get("url").asText()))) {
        throw AnthropicRequest.bad(
            at + ".encrypted_content: Invalid encrypted content: it does not belong to this url",
            "messages");
      }
    }
  }

  /**
   * In one message, each {@code web_search_tool_result} answers an earlier {@code server_tool_use}
   * with its id, and each {@code server_tool_use} has its result.
   */
  static void checkPairs(JsonNode content, String path) {
    Map<String, Boolean> uses = new LinkedHashMap<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode b = content.get(j);
      switch (b.path("type").asText()) {
        case "server_tool_use" -> {
          if (!"web_search".equals(b.path("name").asText())) {
            throw AnthropicRequest.bad(
                path + ".content." + j + ".name: Input should be 'web_search'", "messages");
          }
          if (uses.put(b.get("id").asText(), false) != null) {
            throw AnthropicRequest.bad(
                path + ".content." + j + ": server_tool_use ids must be unique", "messages");
          }
        }
        case "web_search_tool_result" -> {
          String id = b.get("tool_use_id").asText();
          if (!Boolean.FALSE.equals(uses.get(id))) {
            throw AnthropicRequest.bad(
                path
                    + ".content."
                    + j
                    + ": web_search_tool_result block with tool_use_id '"
                    + id
                    + "' does not follow a server_tool_use block with that id",
                "messages");
          }
          uses.put(id, true);
        }
        default -> {}
      }
    }
    uses.forEach(
        (id, answered) -> {
          if (!answered) {
            throw AnthropicRequest.bad(
                path
                    + ": server_tool_use block with id '"
                    + id
                    + "' must be followed by a web_search_tool_result block with that id",
                "messages");
          }
        });
  }
}

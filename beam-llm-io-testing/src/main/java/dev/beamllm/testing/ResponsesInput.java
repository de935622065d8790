package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI Responses request's {@code instructions} and {@code input} into a {@link
 * Conversation}, refusing bad items with OpenAI's messages and the path of the field at fault.
 *
 * <p>Items become messages as the model sees them: {@code instructions} and system or developer
 * messages are system messages; consecutive {@code function_call} and {@code reasoning} items join
 * the assistant turn they follow; consecutive {@code function_call_output} items make one tool
 * turn. {@code computer_call} items are calls of the {@code computer} tool (its action and safety
 * checks as arguments) and {@code computer_call_output} items their screenshots, which must
 * acknowledge the call's pending safety checks. A reasoning item with an id must be followed by an
 * item with its id, as OpenAI requires. Reference:
 * platform.openai.com/docs/api-reference/responses/create.
 */
final class ResponsesInput {
  private final List<Role> roles = new ArrayList<>();
  private final List<List<Part>> parts = new ArrayList<>();
  private final Set<String> callIds = new HashSet<>();
  private final java.util.Map<String, JsonNode> computerChecks = new java.util.HashMap<>();

  private ResponsesInput() {}

  /** The conversation of a request's instructions (may be null) and input. */
  static Conversation read(JsonNode instructions, JsonNode input) {
    ResponsesInput in = new ResponsesInput();
    if (instructions != null && !instructions.isNull()) {
      if (!instructions.isTextual()) {
        throw typeError("instructions", "a string", instructions);
      }
      in.start(Role.SYSTEM).add(new Text(instructions.textValue()));
    }
    if (input == null || input.isNull()) {
      throw ProviderError.badRequest("Missing required parameter: 'input'.", "input");
    }
    if (input.isTextual()) {
      in.start(Role.USER).add(new Text(input.textValue()));
    } else if (input.isArray()) {
      if (input.isEmpty()) {
        throw ProviderError.badRequest(
            "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "input");
      }
      for (int i = 0; i < input.size(); i++) {
        in.item(input.get(i), "input[" + i + "]");
      }
      checkReasoningFollowed(input);
    } else {
      throw typeError("input", "a string or an array", input);
    }
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < in.roles.size(); i++) {
      messages.add(Message.of(in.roles.get(i), in.parts.get(i)));
    }
    try {
      return Conversation.of(messages).validate();
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Invalid 'input': " + e.getMessage(), "input");
    }
  }

  /**
   * A reasoning item with an id must come right before its following item (the message or function
   * call the model made after it), sent with that item's id: without the id, the item is a new one
   * and the reasoning is left without its own, which OpenAI refuses.
   */
  private static void checkReasoningFollowed(JsonNode input) {
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      if (!"reasoning".equals(item.path("type").asText()) || !item.hasNonNull("id")) {
        continue;
      }
      JsonNode next = i + 1 < input.size() ? input.get(i + 1) : null;
      if (next == null || next.path("id").asText("").isEmpty()) {
        throw ProviderError.badRequest(
            "Item '"
                + item.get("id").asText()
                + "' of type 'reasoning' was provided without its required following item.",
            "input");
      }
    }
  }

  /** Adds one input item (a message, a function call or its output, or reasoning) at its path. */
  private void item(JsonNode item, String at) {
    if (!item.isObject()) {
      throw typeError(at, "an object", item);
    }
    // An item without a type is the "easy" message form {role, content}.
    String type = item.has("type") ? item.path("type").asText() : "message";
    switch (type) {
      case "message" -> message(item, at);
      case "function_call" -> {
        String callId = text(item, "call_id", at);
        ToolCall call;
        try {
          call = new ToolCall(callId, text(item, "name", at), text(item, "arguments", at));
        } catch (InvalidPromptException e) {
          throw ProviderError.badRequest(
              "Invalid '" + at + ".arguments': " + e.getMessage(), at + ".arguments");
        }
        callIds.add(callId);
        into(Role.ASSISTANT).add(call);
      }
      case "computer_call" -> {
        String callId = text(item, "call_id", at);
        text(item, "id", at);
        if (!item.path("action").isObject() && !item.path("actions").isArray()) {
          throw ProviderError.badRequest(
              "Missing required parameter: '" + at + ".action'.", at + ".action");
        }
        if (!item.path("pending_safety_checks").isArray()) {
          throw ProviderError.badRequest(
              "Missing required parameter: '" + at + ".pending_safety_checks'.",
              at + ".pending_safety_checks");
        }
        com.fasterxml.jackson.databind.node.ObjectNode args =
            ((com.fasterxml.jackson.databind.node.ObjectNode) item).deepCopy();
        args.remove(List.of("type", "id", "call_id", "status"));
        callIds.add(callId);
        computerChecks.put(callId, item.get("pending_safety_checks"));
        into(Role.ASSISTANT)
            .add(new ToolCall(callId, "computer", Json.write(args), item.get("id").asText()));
      }
      case "computer_call_output" -> {
        String callId = text(item, "call_id", at);
        JsonNode pending = computerChecks.get(callId);
        if (pending == null) {
          throw ProviderError.badRequest(
              "No tool call found for computer call output with call_id " + callId + ".", "input");
        }
        Set<String> acknowledged = new HashSet<>();
        item.path("acknowledged_safety_checks")
            .forEach(c -> acknowledged.add(c.path("id").asText()));
        for (JsonNode check : pending) {
          if (!acknowledged.contains(check.path("id").asText())) {
            throw ProviderError.badRequest(
                "The safety check '"
                    + check.path("id").asText()
                    + "' of computer call "
                    + callId
                    + " was not acknowledged.",
                at + ".acknowledged_safety_checks");
          }
        }
        JsonNode output = item.get("output");
        if (output == null || !"computer_screenshot".equals(output.path("type").asText())) {
          throw ProviderError.badRequest(
              "Invalid value for '" + at + ".output.type': expected 'computer_screenshot'.",
              at + ".output.type");
        }
        into(Role.TOOL).add(new ToolResult(callId, List.of(image(output, at + ".output")), false));
      }
      case "function_call_output" -> {
        String callId = text(item, "call_id", at);
        if (!callIds.contains(callId)) {
          throw ProviderError.badRequest(
              "No tool call found for function call output with call_id " + callId + ".", "input");
        }
        into(Role.TOOL)
            .add(new ToolResult(callId, output(item.get("output"), at + ".output"), false));
      }
      case "reasoning" -> {
        if (!item.path("summary").isArray()) {
          throw ProviderError.badRequest(
              "Missing required parameter: '" + at + ".summary'.", at + ".summary");
        }
        // Reasoning is replayed verbatim, as the API needs its id and encrypted content back.
        into(Role.ASSISTANT).add(Thinking.raw(Json.write(item), Thinking.OPENAI));
      }
      case "mcp_call", "mcp_list_tools" -> {
        // Remote MCP items the provider made, sent back verbatim.
        text(item, "id", at);
        text(item, "server_label", at);
        if (type.equals("mcp_call")) {
          text(item, "name", at);
          text(item, "arguments", at);
        }
        into(Role.ASSISTANT)
            .add(
                new ServerToolUse(
                    type.equals("mcp_call") ? ServerToolUse.MCP : type,
                    item.get("server_label").asText(),
                    item.path("name").asText("list_tools"),
                    item.path("arguments").asText("{}"),
                    item.path("output").isTextual() ? item.get("output").asText() : null,
                    item.hasNonNull("error"),
                    Json.write(item),
                    Thinking.OPENAI));
      }
      case "web_search_call" -> into(Role.ASSISTANT).add(webSearchCall(item, at));
      case "code_interpreter_call" -> into(Role.ASSISTANT).add(codeInterpreterCall(item, at));
      default ->
          throw ProviderError.badRequest(
              "Invalid value: '"
                  + type
                  + "'. Supported values are: 'message', 'function_call', "
                  + "'function_call_output', 'computer_call', 'computer_call_output',"
                  + " 'mcp_call', 'mcp_list_tools', 'web_search_call', 'code_interpreter_call'"
                  + " and 'reasoning'.",
              at + ".type");
    }
  }

  private static final Set<String> SEARCH_ACTIONS =
      Set.of("search", "open_page", "find", "find_in_page");

  /**
   * A {@code web_search_call} item sent back: an id, a status and an action ({@code search} with
   * its query, {@code open_page}, {@code find}); a search with its sources as output.
   */
  private static ServerToolUse webSearchCall(JsonNode item, String at) {
    text(item, "id", at);
    text(item, "status", at);
    JsonNode action = item.get("action");
    if (action == null || action.isNull()) {
      throw ProviderError.badRequest(
          "Missing required parameter: '" + at + ".action'.", at + ".action");
    }
    if (!action.isObject()) {
      throw typeError(at + ".action", "an object", action);
    }
    String kind = text(action, "type", at + ".action");
    if (!SEARCH_ACTIONS.contains(kind)) {
      throw ProviderError.badRequest(
          "Invalid value: '"
              + kind
              + "'. Supported values are: 'search', 'open_page', 'find', and 'find_in_page'.",
          at + ".action.type");
    }
    com.fasterxml.jackson.databind.node.ObjectNode args = Json.object();
    if (kind.equals("search")) {
      args.put("query", text(action, "query", at + ".action"));
    } else {
      action.fields().forEachRemaining(e -> args.set(e.getKey(), e.getValue()));
    }
    String output = null;
    JsonNode sources = action.get("sources");
    if (sources != null && !sources.isNull()) {
      if (!sources.isArray()) {
        throw typeError(at + ".action.sources", "an array", sources);
      }
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < sources.size(); i++) {
        urls.add(text(sources.get(i), "url", at + ".action.sources[" + i + "]"));
      }
      output = String.join("\n", urls);
    }
    return new ServerToolUse(
        BuiltinToolCalls.WEB_SEARCH,
        null,
        "web_search",
        Json.write(args),
        output,
        "failed".equals(item.get("status").asText()),
        Json.write(item),
        Thinking.OPENAI);
  }

  /**
   * A {@code code_interpreter_call} item sent back: an id, its code, its container and its outputs
   * (null, or logs and images), the logs as output.
   */
  private static ServerToolUse codeInterpreterCall(JsonNode item, String at) {
    text(item, "id", at);
    text(item, "container_id", at);
    JsonNode code = item.get("code");
    if (code != null && !code.isNull() && !code.isTextual()) {
      throw typeError(at + ".code", "a string", code);
    }
    JsonNode outputs = item.get("outputs");
    String output = null;
    if (outputs != null && !outputs.isNull()) {
      if (!outputs.isArray()) {
        throw typeError(at + ".outputs", "an array", outputs);
      }
      List<String> logs = new ArrayList<>();
      for (int i = 0; i < outputs.size(); i++) {
        JsonNode o = outputs.get(i);
        String where = at + ".outputs[" + i + "]";
        switch (o.path("type").asText("")) {
          case "logs" -> logs.add(text(o, "logs", where));
          case "image" -> text(o, "url", where);
          default ->
              throw ProviderError.badRequest(
                  "Invalid value: '"
                      + o.path("type").asText("")
                      + "'. Supported values are: 'logs' and 'image'.",
                  where + ".type");
        }
      }
      output = String.join("\n", logs);
    }
    return new ServerToolUse(
        BuiltinToolCalls.CODE_INTERPRETER,
        null,
        "code_interpreter",
        Json.write(Json.object().put("code", code == null || code.isNull() ? "" : code.asText())),
        output,
        "failed".equals(item.path("status").asText()),
        Json.write(item),
        Thinking.OPENAI);
  }

  /** Adds a message item; its content is a string or a list of parts the role may carry. */
  private void message(JsonNode item, String at) {
    String roleName = item.path("role").asText("");
    Role role =
        switch (roleName) {
          case "user" -> Role.USER;
          case "assistant" -> Role.ASSISTANT;
          case "system", "developer" -> Role.SYSTEM;
          default ->
              throw ProviderError.badRequest(
                  "Invalid value: '"
                      + roleName
                      + "'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
                  at + ".role");
        };
    // An assistant message joins a turn begun by reasoning or tool calls, as one model turn.
    List<Part> turn = role == Role.ASSISTANT ? into(role) : start(role);
    JsonNode content = item.get("content");
    if (content != null && content.isTextual()) {
      turn.add(new Text(content.textValue()));
      return;
    }
    if (content == null || !content.isArray()) {
      throw typeError(at + ".content", "a string or an array", content);
    }
    for (int j = 0; j < content.size(); j++) {
      turn.add(contentPart(content.get(j), role, at + ".content[" + j + "]"));
    }
  }

  /**
   * A content part: {@code output_text} or {@code refusal} for the assistant, {@code input_text}
   * for every other role, and images and files for the user only.
   */
  private static Part contentPart(JsonNode p, Role role, String at) {
    String type = p.path("type").asText("");
    if (role == Role.ASSISTANT) {
      if (!type.equals("output_text") && !type.equals("refusal")) {
        throw ProviderError.badRequest(
            "Invalid value: '" + type + "'. Supported values are: 'output_text' and 'refusal'.",
            at + ".type");
      }
      JsonNode annotations = p.get("annotations");
      if (annotations != null && !annotations.isNull()) {
        if (!annotations.isArray()) {
          throw typeError(at + ".annotations", "an array", annotations);
        }
        for (int k = 0; k < annotations.size(); k++) {
          text(annotations.get(k), "type", at + ".annotations[" + k + "]");
        }
      }
      return new Text(text(p, type.equals("refusal") ? "refusal" : "text", at));
    }
    switch (type) {
      case "input_text":
        return new Text(text(p, "text", at));
      case "input_image":
        if (role != Role.USER) {
          break;
        }
        return image(p, at);
      case "input_file":
        if (role != Role.USER) {
          break;
        }
        return file(p, at);
      default:
        break;
    }
    String supported =
        role == Role.USER ? "'input_text', 'input_image', and 'input_file'" : "'input_text'";
    throw ProviderError.badRequest(
        "Invalid value: '" + type + "'. Supported values are: " + supported + ".", at + ".type");
  }

  /** An {@code input_image} by URL or data URL; uploaded file ids cannot be read here. */
  private static Image image(JsonNode p, String at) {
    if (p.hasNonNull("file_id") && !p.hasNonNull("image_url")) {
      throw ProviderError.badRequest(
          "The fake provider holds no uploaded files: send '"
              + at
              + ".image_url' instead of a file_id.",
          at + ".file_id");
    }
    String url = text(p, "image_url", at);
    String detail = p.path("detail").asText("auto");
    try {
      return Image.fromUrl(url).withDetail(Image.Detail.parse(detail));
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(
          "Invalid '" + at + ".image_url': " + e.getMessage(), at + ".image_url");
    }
  }

  /** An {@code input_file} by file id, URL, or inline {@code file_data}. */
  private static File file(JsonNode p, String at) {
    try {
      if (p.hasNonNull("file_id")) {
        return File.fromFileId(p.get("file_id").asText());
      }
      if (p.hasNonNull("file_url")) {
        return File.fromUrl(p.get("file_url").asText());
      }
      String data = text(p, "file_data", at);
      String name = p.path("filename").asText("document");
      // file_data is a data URL in OpenAI's examples; plain base64 is accepted as chat completions
      // does.
      byte[] bytes =
          data.regionMatches(true, 0, "data:", 0, 5)
              ? File.fromUrl(data).bytes().orElseThrow()
              : Base64.getMimeDecoder().decode(data);
      return File.fromBytes(bytes, name);
    } catch (IllegalArgumentException e) {
      // Bad base64 and unreadable documents (InvalidPromptException) alike.
      throw ProviderError.badRequest("Invalid '" + at + "': " + e.getMessage(), at);
    }
  }

  /** A tool's output: a string, or a list of input_text and input_image parts. */
  private static List<Part> output(JsonNode output, String at) {
    if (output != null && output.isTextual()) {
      return List.of(new Text(output.textValue()));
    }
    if (output == null || !output.isArray()) {
      throw typeError(at, "a string or an array", output);
    }
    List<Part> out = new ArrayList<>();
    for (int k = 0; k < output.size(); k++) {
      JsonNode p = output.get(k);
      String where = at + "[" + k + "]";
      switch (p.path("type").asText("")) {
        case "input_text" -> out.add(new Text(text(p, "text", where)));
        case "input_image" -> out.add(image(p, where));
        default ->
            throw ProviderError.badRequest(
                "Invalid value: '"
                    + p.path("type").asText("")
                    + "'. Supported values are: 'input_text' and 'input_image'.",
                where + ".type");
      }
    }
    return out;
  }

  /** Parts of a new turn. */
  private List<Part> start(Role role) {
    roles.add(role);
    parts.add(new ArrayList<>());
    return parts.get(parts.size() - 1);
  }

  /** Parts of the last turn when it has this role, else of a new one. */
  private List<Part> into(Role role) {
    return !roles.isEmpty() && roles.get(roles.size() - 1) == role
        ? parts.get(parts.size() - 1)
        : start(role);
  }

  private static String text(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw ProviderError.badRequest(
          "Missing required parameter: '" + at + "." + field + "'.", at + "." + field);
    }
    if (!v.isTextual()) {
      throw typeError(at + "." + field, "a string", v);
    }
    return v.textValue();
  }

  /** OpenAI's message for a value of the wrong JSON type. */
  static ProviderError typeError(String param, String expected, JsonNode got) {
    String kind =
        got == null || got.isNull()
            ? "null"
            : got.isObject()
                ? "an object"
                : got.isArray()
                    ? "an array"
                    : got.isTextual()
                        ? "a string"
                        : got.isBoolean()
                            ? "a boolean"
                            : got.isIntegralNumber() ? "an integer" : "a number";
    return ProviderError.badRequest(
        "Invalid type for '"
            + param
            + "': expected "
            + expected
            + ", but got "
            + kind
            + " instead.",
        param);
  }
}

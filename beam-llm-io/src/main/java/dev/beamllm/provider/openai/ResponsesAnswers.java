package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.WebSearch;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI Responses {@code Response} object, whether it came whole, at the end of a stream
 * or from polling a background job. Reference:
 * platform.openai.com/docs/api-reference/responses/object.
 *
 * <p>A {@code computer_call} becomes a call of the {@code computer} tool whose arguments are the
 * item's {@code action} (or batched {@code actions}) and {@code pending_safety_checks}.
 *
 * <p>Messages and function calls keep their item ids ({@code msg_...}, {@code fc_...}) on their
 * parts: a reasoning item can only be replayed followed by its following item with that item's id
 * (see {@link OpenAiResponsesFormat}).
 *
 * <p>Built-in tool items ({@code web_search_call}, {@code code_interpreter_call}) and remote MCP
 * items ({@code mcp_call}, {@code mcp_list_tools}) become {@link ServerToolUse} parts holding the
 * item, sent back verbatim on the next turn; an {@code mcp_approval_request} becomes a failed one
 * (the library asks for none).
 *
 * <p>Finish reasons use chat completions' words ({@code stop}, {@code tool_calls}, {@code length},
 * {@code content_filter}, also for a refusal), as the Responses API has no such field, so an OpenAI
 * model's answers read the same whichever of its two APIs served them.
 */
final class ResponsesAnswers {
  static final String API = "OpenAI Responses";

  /** The {@link ServerToolUse#kind()} of an {@code mcp_list_tools} item. */
  static final String MCP_LIST_TOOLS = "mcp_list_tools";

  private ResponsesAnswers() {}

  /**
   * The answer of a finished Response ({@code completed} or {@code incomplete}).
   *
   * @throws ProviderException for a {@code failed} or {@code cancelled} Response (with the
   *     classified error), or one not finished
   */
  static ParsedAnswer read(JsonNode response) {
    String status = response.path("status").asText("");
    switch (status) {
      case "completed", "incomplete" -> {
        // readable below
      }
      case "failed" -> throw new ProviderException(failure(response.path("error")));
      case "cancelled" ->
          throw new ProviderException(ApiError.of(ErrorKind.SERVER, "the response was cancelled"));
      default ->
          throw Errors.unreadable(
              API,
              new IllegalStateException("the response is not finished (status '" + status + "')"));
    }
    List<Part> parts = new ArrayList<>();
    List<TokenLogprob> logprobs = new ArrayList<>();
    boolean calls = false;
    boolean refused = false;
    for (JsonNode item : response.path("output")) {
      switch (item.path("type").asText("")) {
        case "message" -> {
          String itemId = item.path("id").asText(null);
          for (JsonNode content : item.path("content")) {
            String type = content.path("type").asText("");
            if (type.equals("output_text")) {
              parts.add(new Text(content.path("text").asText(""), itemId));
              logprobs.addAll(ChatCompletions.logprobs(content.get("logprobs")));
            } else if (type.equals("refusal")) {
              // No item id: the text goes back as plain assistant text, not as this refusal item.
              parts.add(new Text(content.path("refusal").asText("")));
              refused = true;
            }
          }
        }
        case "function_call" -> {
          parts.add(
              new ToolCall(
                  item.path("call_id").asText(),
                  item.path("name").asText(),
                  item.path("arguments").asText("{}"),
                  item.path("id").asText(null)));
          calls = true;
        }
        case "computer_call" -> {
          // The computer tool's call: its action (or batch of actions) and safety checks, the
          // arguments ComputerActions reads; the ids go where a function call keeps them.
          ObjectNode args = ((ObjectNode) item).deepCopy();
          args.remove(List.of("type", "id", "call_id", "status"));
          parts.add(
              new ToolCall(
                  item.path("call_id").asText(),
                  ComputerUse.TOOL_NAME,
                  Json.write(args),
                  item.path("id").asText(null)));
          calls = true;
        }
        // Kept whole: the item's id and encrypted content must go back verbatim on the next turn.
        case "reasoning" ->
            parts.add(new Thinking(summary(item), null, Json.write(item), Thinking.OPENAI));
        case "web_search_call" -> parts.add(webSearchCall(item));
        case "code_interpreter_call" -> parts.add(codeInterpreterCall(item));
        case "mcp_call" -> parts.add(mcpCall(item));
        case "mcp_list_tools" -> parts.add(mcpListTools(item));
        case "mcp_approval_request" -> parts.add(mcpApprovalRequest(item));
        default -> {
          // Other built-in tools' items (file search, image generation, ...) are not kept.
        }
      }
    }
    return new ParsedAnswer(
        Message.of(Role.ASSISTANT, parts),
        refused ? ChatCompletions.REFUSED : finishReason(response, status, calls),
        usage(response.path("usage")),
        logprobs,
        response.path("service_tier").asText(null));
  }

  /**
   * A web search OpenAI ran ({@code web_search_call}): the action without its sources as arguments
   * ({@code {"type": "search", "query", "queries"}}, or an {@code open_page} or {@code find}), the
   * sources' URLs as output, one per line; the item kept for the next turn.
   */
  private static ServerToolUse webSearchCall(JsonNode item) {
    ObjectNode action =
        item.path("action").isObject()
            ? ((ObjectNode) item.get("action")).deepCopy()
            : Json.object();
    List<String> urls = new ArrayList<>();
    action.path("sources").forEach(s -> urls.add(s.path("url").asText()));
    action.remove("sources");
    return new ServerToolUse(
        WebSearch.KIND,
        null,
        WebSearch.KIND,
        Json.write(action),
        String.join("\n", urls),
        item.path("status").asText().equals("failed"),
        Json.write(item),
        Thinking.OPENAI);
  }

  /**
   * A code interpreter run ({@code code_interpreter_call}): {@code {"code": ...}} as arguments, the
   * logs (and any image's URL) as output; the item kept for the next turn.
   */
  private static ServerToolUse codeInterpreterCall(JsonNode item) {
    List<String> outputs = new ArrayList<>();
    for (JsonNode o : item.path("outputs")) {
      outputs.add(o.has("logs") ? o.path("logs").asText() : "[image] " + o.path("url").asText());
    }
    String status = item.path("status").asText();
    return new ServerToolUse(
        CodeInterpreter.KIND,
        null,
        CodeInterpreter.KIND,
        Json.write(Json.object().put("code", item.path("code").asText(""))),
        String.join("\n", outputs),
        status.equals("failed") || status.equals("incomplete"),
        Json.write(item),
        Thinking.OPENAI);
  }

  /** A remote MCP call OpenAI made: its output, or its error; the item kept for the next turn. */
  private static ServerToolUse mcpCall(JsonNode item) {
    JsonNode error = item.get("error");
    boolean failed = error != null && !error.isNull();
    String output =
        failed
            ? (error.isTextual() ? error.textValue() : Json.write(error))
            : item.path("output").isNull() ? null : item.path("output").asText(null);
    return new ServerToolUse(
        ServerToolUse.MCP,
        item.path("server_label").asText(null),
        item.path("name").asText(""),
        item.path("arguments").asText("{}"),
        output,
        failed,
        Json.write(item),
        Thinking.OPENAI);
  }

  /**
   * The tools OpenAI listed on a remote MCP server ({@code mcp_list_tools}): kept (and sent back)
   * so the next turn need not list them again; its output is the tools' names.
   */
  private static ServerToolUse mcpListTools(JsonNode item) {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : item.path("tools")) {
      names.add(tool.path("name").asText());
    }
    JsonNode error = item.get("error");
    boolean failed = error != null && !error.isNull();
    return new ServerToolUse(
        MCP_LIST_TOOLS,
        item.path("server_label").asText(null),
        "list_tools",
        "{}",
        failed
            ? (error.isTextual() ? error.textValue() : Json.write(error))
            : String.join(", ", names),
        failed,
        Json.write(item),
        Thinking.OPENAI);
  }

  /**
   * An approval request: the library sends {@code require_approval: never}, so one means the server
   * or the account asks for approvals the library does not give. Kept as a failed call without its
   * raw item (an approval request sent back without an answer would be refused).
   */
  private static ServerToolUse mcpApprovalRequest(JsonNode item) {
    return new ServerToolUse(
        ServerToolUse.MCP,
        item.path("server_label").asText(null),
        item.path("name").asText(""),
        item.path("arguments").asText("{}"),
        "OpenAI asked for approval to call this remote MCP tool; beam-llm-io sends"
            + " require_approval \"never\" and does not approve calls",
        true,
        null,
        Thinking.OPENAI);
  }

  private static String summary(JsonNode reasoning) {
    List<String> texts = new ArrayList<>();
    for (JsonNode s : reasoning.path("summary")) {
      texts.add(s.path("text").asText(""));
    }
    return String.join("\n\n", texts);
  }

  private static String finishReason(JsonNode response, String status, boolean calls) {
    if (status.equals("incomplete")) {
      String reason = response.path("incomplete_details").path("reason").asText("incomplete");
      return reason.equals("max_output_tokens") ? "length" : reason;
    }
    return calls ? "tool_calls" : "stop";
  }

  /** Input tokens include the cached ones, as in chat completions. */
  static Usage usage(JsonNode u) {
    return new Usage(
        u.path("input_tokens").asLong(0),
        u.path("output_tokens").asLong(0),
        u.path("input_tokens_details").path("cached_tokens").asLong(0),
        0);
  }

  /**
   * The error of a failed Response or of a stream's {@code error} event ({@code {code, message}}):
   * a rate limit or server error may pass on another attempt; anything else is the request's fault.
   */
  static ApiError failure(JsonNode error) {
    String code = error.path("code").asText("");
    String message =
        error.path("message").asText("the response failed")
            + (code.isEmpty() ? "" : " (" + code + ")");
    ErrorKind kind;
    if (code.equals("rate_limit_exceeded")) {
      kind = ErrorKind.RATE_LIMIT;
    } else if (code.equals("server_error") || code.endsWith("_timeout")) {
      kind = ErrorKind.SERVER;
    } else if (code.endsWith("_policy") || code.contains("content_policy")) {
      kind = ErrorKind.CONTENT_FILTER;
    } else {
      kind = ErrorKind.BAD_REQUEST;
    }
    return ApiError.of(kind, message);
  }
}

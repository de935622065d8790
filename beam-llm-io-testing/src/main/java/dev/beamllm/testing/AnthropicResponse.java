package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Answer} as Anthropic's {@code message} object, or as its server-sent event stream.
 * Content is a thinking block (when asked for), remote MCP and web search blocks ({@link
 * BuiltinToolCalls}, with a text block citing the first page found), then text, then {@code
 * tool_use} blocks. Usage reports input tokens without cache reads and writes, which have their own
 * fields. Reference: docs.anthropic.com/en/api/messages and
 * docs.anthropic.com/en/docs/build-with-claude/streaming.
 */
final class AnthropicResponse {
  private AnthropicResponse() {}

  /**
   * A stable message id for the request, after the given prefix ({@code msg_}, or Bedrock's {@code
   * msg_bdrk_}).
   */
  static String messageId(String prefix, ParsedRequest request) {
    return Bodies.id(prefix, request.conversation().fingerprint() + request.model());
  }

  /** The complete {@code message} object. */
  static ObjectNode message(String id, ParsedRequest request, Answer answer) {
    ObjectNode root = envelope(id, request);
    ArrayNode content = root.putArray("content");
    if (answer.thinking() != null) {
      content
          .addObject()
          .put("type", "thinking")
          .put("thinking", answer.thinking())
          .put("signature", answer.thinkingSignature());
    }
    remoteMcpCalls(content, id, request);
    Searches searches = searches(id, request);
    content.addAll(searches.blocks());
    if (!searches.paused()) {
      if (searches.cited() != null) {
        content.add(citingBlock(searches.cited()));
      }
      if (hasText(answer)) {
        content.addObject().put("type", "text").put("text", answer.text());
      }
      for (Answer.ToolCallOut call : answer.toolCalls()) {
        content.add(toolUse(call, Json.parse(call.argumentsJson())));
      }
    }
    root.put("stop_reason", searches.paused() ? "pause_turn" : stopReason(answer));
    root.putNull("stop_sequence");
    root.set(
        "usage",
        searches
            .usage(usage(request, answer, answer.outputTokens()))
            .put("service_tier", "standard"));
    return root;
  }

  /**
   * The web searches the fake model makes in this answer ({@link BuiltinToolCalls}), as their
   * blocks.
   *
   * @param blocks each search's {@code server_tool_use} and {@code web_search_tool_result} blocks
   * @param requests the searches made (not those past {@code max_uses})
   * @param cited the page the answer cites, or null
   * @param paused whether the turn pauses after these blocks ({@code pause_turn})
   */
  record Searches(
      List<ObjectNode> blocks, int requests, BuiltinToolCalls.Result cited, boolean paused) {
    /** The usage, with {@code server_tool_use} when there were searches. */
    ObjectNode usage(ObjectNode usage) {
      if (!blocks.isEmpty()) {
        usage.putObject("server_tool_use").put("web_search_requests", requests);
      }
      return usage;
    }
  }

  /**
   * The searches of the last user message; or, when the conversation ends with an assistant turn
   * holding searches (a paused turn sent back to go on), those of the last user message not yet in
   * that turn. A user message holding {@link BuiltinToolCalls#PAUSE_MARKER} with two searches or
   * more pauses after the first (not on going on). A search past the tool's {@code max_uses} is
   * answered with the error {@code max_uses_exceeded}.
   */
  static Searches searches(String id, ParsedRequest request) {
    BuiltinToolCalls.Offer offer = BuiltinToolCalls.Offer.of(request);
    List<Message> messages = request.conversation().messages();
    Searches none = new Searches(List.of(), 0, null, false);
    if (!offer.webSearch() || messages.isEmpty()) {
      return none;
    }
    Message last = messages.get(messages.size() - 1);
    Message user = null;
    List<String> done = new ArrayList<>();
    if (last.role() == Role.USER) {
      user = last;
    } else if (last.role() == Role.ASSISTANT) {
      for (Part p : last.parts()) {
        if (p instanceof ServerToolUse s && BuiltinToolCalls.WEB_SEARCH.equals(s.kind())) {
          done.add(Json.parse(s.arguments()).path("query").asText());
        }
      }
      for (int i = messages.size() - 2; i >= 0 && !done.isEmpty() && user == null; i--) {
        if (messages.get(i).role() == Role.USER) {
          user = messages.get(i);
        }
      }
    }
    if (user == null) {
      return none;
    }
    List<BuiltinToolCalls.Call> calls = new ArrayList<>();
    for (BuiltinToolCalls.Call c : BuiltinToolCalls.calls(user, offer)) {
      if (c.search()) {
        calls.add(c);
      }
    }
    int before = 0;
    for (String q : done) {
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).input().equals(q)) {
          calls.remove(i);
          before++;
          break;
        }
      }
    }
    boolean paused = done.isEmpty() && calls.size() >= 2 && BuiltinToolCalls.asksToPause(user);
    if (paused) {
      calls = calls.subList(0, 1);
    }
    List<ObjectNode> blocks = new ArrayList<>();
    int requests = 0;
    BuiltinToolCalls.Result cited = null;
    for (int i = 0; i < calls.size(); i++) {
      String query = calls.get(i).input();
      int number = before + i + 1;
      String useId = Bodies.id("srvtoolu_", id + "/web_search/" + number);
      ObjectNode use =
          Json.object().put("type", "server_tool_use").put("id", useId).put("name", "web_search");
      use.putObject("input").put("query", query);
      blocks.add(use);
      ObjectNode result =
          Json.object().put("type", "web_search_tool_result").put("tool_use_id", useId);
      blocks.add(result);
      if (offer.maxUses() > 0 && number > offer.maxUses()) {
        result
            .putObject("content")
            .put("type", "web_search_tool_result_error")
            .put("error_code", "max_uses_exceeded");
        continue;
      }
      requests++;
      ArrayNode pages = result.putArray("content");
      for (BuiltinToolCalls.Result r : BuiltinToolCalls.results(query, offer)) {
        pages
            .addObject()
            .put("type", "web_search_result")
            .put("url", r.url())
            .put("title", r.title())
            .put("encrypted_content", BuiltinToolCalls.encryptedContent(r.url()))
            .putNull("page_age");
        if (cited == null) {
          cited = r;
        }
      }
    }
    return new Searches(blocks, requests, cited, paused);
  }

  /** A text block citing a page: {@code Found: <title>.}, with its citation. */
  private static ObjectNode citingBlock(BuiltinToolCalls.Result page) {
    ObjectNode block =
        Json.object().put("type", "text").put("text", BuiltinToolCalls.citingSentence(page));
    block.putArray("citations").add(citation(page));
    return block;
  }

  private static ObjectNode citation(BuiltinToolCalls.Result page) {
    return Json.object()
        .put("type", "web_search_result_location")
        .put("url", page.url())
        .put("title", page.title())
        .put("encrypted_index", BuiltinToolCalls.encryptedIndex(page.url()))
        .put("cited_text", BuiltinToolCalls.citedText(page));
  }

  /**
   * The {@code mcp_tool_use} and {@code mcp_tool_result} blocks of the calls the fake model makes
   * to the remote MCP servers the request offers ({@link RemoteMcpCalls}).
   */
  private static void remoteMcpCalls(ArrayNode content, String id, ParsedRequest request) {
    if (request.options() == null) {
      return;
    }
    List<RemoteMcpCalls.Server> servers =
        RemoteMcpCalls.fromJson(Json.parse(request.options()).get("remote_mcp"));
    List<RemoteMcpCalls.Call> calls = RemoteMcpCalls.calls(request.conversation(), servers);
    for (int i = 0; i < calls.size(); i++) {
      RemoteMcpCalls.Call c = calls.get(i);
      String useId = Bodies.id("mcptoolu_", id + "/" + i);
      ObjectNode use =
          content
              .addObject()
              .put("type", "mcp_tool_use")
              .put("id", useId)
              .put("name", c.tool())
              .put("server_name", c.server());
      use.set("input", Json.parse(c.argumentsJson()));
      ObjectNode result =
          content
              .addObject()
              .put("type", "mcp_tool_result")
              .put("tool_use_id", useId)
              .put("is_error", false);
      result.putArray("content").addObject().put("type", "text").put("text", c.output());
    }
  }

  /**
   * The stream: {@code message_start} (empty content, input usage), a {@code ping}, each content
   * block as {@code content_block_start}, deltas ({@code thinking_delta} then one {@code
   * signature_delta}; {@code text_delta}; {@code input_json_delta}) and {@code content_block_stop},
   * then {@code message_delta} with the stop reason and final usage, and {@code message_stop}.
   */
  static String stream(String id, ParsedRequest request, Answer answer) {
    StringBuilder sse = new StringBuilder();
    ObjectNode start = envelope(id, request);
    start.putArray("content");
    start.putNull("stop_reason");
    start.putNull("stop_sequence");
    start.set("usage", usage(request, answer, 1).put("service_tier", "standard"));
    ObjectNode messageStart = Json.object().put("type", "message_start");
    messageStart.set("message", start);
    event(sse, messageStart);
    event(sse, Json.object().put("type", "ping"));
    int index = 0;
    if (answer.thinking() != null) {
      blockStart(
          sse,
          index,
          Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
      for (String piece : OpenAiChatDialect.pieces(answer.thinking())) {
        delta(sse, index, Json.object().put("type", "thinking_delta").put("thinking", piece));
      }
      delta(
          sse,
          index,
          Json.object()
              .put("type", "signature_delta")
              .put("signature", answer.thinkingSignature()));
      blockStop(sse, index++);
    }
    // Remote MCP calls and web searches: the use's input streams as JSON deltas, its result
    // comes whole.
    ArrayNode mcp = Json.MAPPER.createArrayNode();
    remoteMcpCalls(mcp, id, request);
    Searches searches = searches(id, request);
    mcp.addAll(searches.blocks());
    for (JsonNode block : mcp) {
      ObjectNode opening = ((ObjectNode) block).deepCopy();
      String blockType = block.path("type").asText();
      boolean use = blockType.equals("mcp_tool_use") || blockType.equals("server_tool_use");
      if (use) {
        opening.putObject("input");
      }
      blockStart(sse, index, opening);
      if (use) {
        delta(
            sse,
            index,
            Json.object()
                .put("type", "input_json_delta")
                .put("partial_json", Json.write(block.get("input"))));
      }
      blockStop(sse, index++);
    }
    if (searches.cited() != null && !searches.paused()) {
      // A citing block opens with no citations; each comes as a citations_delta.
      ObjectNode opening = Json.object().put("type", "text").put("text", "");
      opening.putArray("citations");
      blockStart(sse, index, opening);
      ObjectNode citationDelta = Json.object().put("type", "citations_delta");
      citationDelta.set("citation", citation(searches.cited()));
      delta(sse, index, citationDelta);
      delta(
          sse,
          index,
          Json.object()
              .put("type", "text_delta")
              .put("text", BuiltinToolCalls.citingSentence(searches.cited())));
      blockStop(sse, index++);
    }
    if (hasText(answer) && !searches.paused()) {
      blockStart(sse, index, Json.object().put("type", "text").put("text", ""));
      for (String piece : OpenAiChatDialect.pieces(answer.text())) {
        delta(sse, index, Json.object().put("type", "text_delta").put("text", piece));
      }
      blockStop(sse, index++);
    }
    for (Answer.ToolCallOut call :
        searches.paused() ? List.<Answer.ToolCallOut>of() : answer.toolCalls()) {
      blockStart(sse, index, toolUse(call, Json.object()));
      for (String piece : OpenAiChatDialect.pieces(call.argumentsJson())) {
        delta(sse, index, Json.object().put("type", "input_json_delta").put("partial_json", piece));
      }
      blockStop(sse, index++);
    }
    ObjectNode messageDelta = Json.object().put("type", "message_delta");
    messageDelta
        .putObject("delta")
        .put("stop_reason", searches.paused() ? "pause_turn" : stopReason(answer))
        .putNull("stop_sequence");
    messageDelta.set("usage", searches.usage(usage(request, answer, answer.outputTokens())));
    event(sse, messageDelta);
    event(sse, Json.object().put("type", "message_stop"));
    return sse.toString();
  }

  /** {@code end_turn}, {@code max_tokens} or {@code tool_use}. */
  static String stopReason(Answer answer) {
    return switch (answer.finish()) {
      case STOP -> "end_turn";
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
    };
  }

  /** The answerer's call id ({@code call_<hex>}) in Anthropic's form ({@code toolu_<hex>}). */
  static String toolUseId(String callId) {
    return "toolu_" + callId.substring(callId.indexOf('_') + 1);
  }

  private static ObjectNode envelope(String id, ParsedRequest request) {
    return Json.object()
        .put("id", id)
        .put("type", "message")
        .put("role", "assistant")
        .put("model", request.model());
  }

  /** Text goes out when there is some, or when nothing else would (a message needs content). */
  private static boolean hasText(Answer answer) {
    return !answer.text().isEmpty() || answer.toolCalls().isEmpty();
  }

  private static ObjectNode toolUse(Answer.ToolCallOut call, JsonNode input) {
    ObjectNode block =
        Json.object()
            .put("type", "tool_use")
            .put("id", toolUseId(call.id()))
            .put("name", call.name());
    block.set("input", input);
    return block;
  }

  /**
   * Input (without cache reads and writes), cache writes and reads and, when the request marks
   * breakpoints, the writes by lifetime in {@code cache_creation}; then output.
   */
  private static ObjectNode usage(ParsedRequest request, Answer answer, long outputTokens) {
    ObjectNode usage =
        Json.object()
            .put("input_tokens", answer.inputTokens())
            .put("cache_creation_input_tokens", answer.cacheWriteTokens())
            .put("cache_read_input_tokens", answer.cacheReadTokens());
    if (request.cachePlan() != null) {
      usage
          .putObject("cache_creation")
          .put("ephemeral_5m_input_tokens", answer.cacheWrite5mTokens())
          .put("ephemeral_1h_input_tokens", answer.cacheWrite1hTokens());
    }
    return usage.put("output_tokens", outputTokens);
  }

  private static void blockStart(StringBuilder sse, int index, ObjectNode block) {
    ObjectNode e = Json.object().put("type", "content_block_start").put("index", index);
    e.set("content_block", block);
    event(sse, e);
  }

  private static void delta(StringBuilder sse, int index, ObjectNode delta) {
    ObjectNode e = Json.object().put("type", "content_block_delta").put("index", index);
    e.set("delta", delta);
    event(sse, e);
  }

  private static void blockStop(StringBuilder sse, int index) {
    event(sse, Json.object().put("type", "content_block_stop").put("index", index));
  }

  /** One named event: {@code event: <type>} then the JSON on a {@code data:} line. */
  private static void event(StringBuilder sse, ObjectNode data) {
    sse.append("event: ")
        .append(data.get("type").asText())
        .append('\n')
        .append("data: ")
        .append(Json.write(data))
        .append("\n\n");
  }
}

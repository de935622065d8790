package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.util.Base64;
import java.util.List;

/**
 * The OpenAI Responses answer: the Response object, and the server-sent events that stream it.
 * Reference: platform.openai.com/docs/api-reference/responses/object and .../responses-streaming.
 *
 * <p>The Response repeats the request's parameters (instructions, tools, temperature, ...); the
 * dialect hands them over as {@code echo}, an object of those fields. There is no {@code
 * output_text} field: that is a convenience the Python and JavaScript SDKs compute.
 *
 * <p>A reasoning item comes first when the request asked for a reasoning summary or for the
 * reasoning's encrypted content ({@code include: ["reasoning.encrypted_content"]}), the fake's
 * signs that the client wants reasoning back; it carries that summary and that (opaque) content.
 */
final class ResponsesOutput {
  private final String id;
  private final long createdAt;
  private final ParsedRequest request;
  private final Answer answer;
  private final ObjectNode echo;
  private final boolean encryptedReasoning;

  ResponsesOutput(
      String id,
      long createdAt,
      ParsedRequest request,
      Answer answer,
      ObjectNode echo,
      boolean encryptedReasoning) {
    this.id = id;
    this.createdAt = createdAt;
    this.request = request;
    this.answer = answer;
    this.echo = echo;
    this.encryptedReasoning = encryptedReasoning;
    this.builtin = BuiltinToolCalls.Offer.of(request);
    this.builtinCalls = BuiltinToolCalls.calls(request.conversation(), builtin);
    BuiltinToolCalls.Result page = null;
    for (BuiltinToolCalls.Call c : builtinCalls) {
      if (c.search() && page == null) {
        page = BuiltinToolCalls.results(c.input(), builtin).get(0);
      }
    }
    this.cited = page;
    this.text =
        page == null ? answer.text() : BuiltinToolCalls.citingSentence(page) + " " + answer.text();
  }

  private final BuiltinToolCalls.Offer builtin;
  private final List<BuiltinToolCalls.Call> builtinCalls;

  /** The page the message cites, after a web search, or null. */
  private final BuiltinToolCalls.Result cited;

  /** The message's text: the answer's, after the sentence citing a page when there is one. */
  private final String text;

  /** Whether the answer was cut at {@code max_output_tokens}. */
  private boolean cut() {
    return answer.finish() == Answer.Finish.LENGTH;
  }

  /** The finished Response object. */
  ObjectNode response() {
    ObjectNode r = skeleton(cut() ? "incomplete" : "completed");
    if (cut()) {
      r.putObject("incomplete_details").put("reason", "max_output_tokens");
    }
    r.set("output", items());
    r.set("usage", usage());
    return r;
  }

  /**
   * The Response while it is not finished ({@code queued}, {@code in_progress}) or once it was
   * {@code cancelled}: no output, no usage.
   */
  ObjectNode unfinished(String status) {
    ObjectNode r = skeleton(status);
    r.putArray("output");
    r.putNull("usage");
    return r;
  }

  /**
   * The Response as a stream: {@code response.created} and {@code response.in_progress}, then per
   * output item its {@code added} event, its deltas and its {@code done} events, and last {@code
   * response.completed} (or {@code response.incomplete}). Every event names its type and carries a
   * {@code sequence_number}; there is no {@code [DONE]} line.
   */
  String stream() {
    Events events = new Events();
    ObjectNode started = unfinished("in_progress");
    events.add("response.created", Json.object().set("response", started));
    events.add("response.in_progress", Json.object().set("response", started.deepCopy()));
    ArrayNode items = items();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode item = (ObjectNode) items.get(i);
      switch (item.get("type").asText()) {
        case "message" -> streamMessage(events, item, i);
        case "function_call" -> streamCall(events, item, i);
        default -> streamWhole(events, item, i);
      }
    }
    ObjectNode done = response();
    events.add(
        cut() ? "response.incomplete" : "response.completed", Json.object().set("response", done));
    return events.toString();
  }

  private void streamMessage(Events events, ObjectNode item, int index) {
    ObjectNode opening = item.deepCopy();
    opening.put("status", "in_progress").putArray("content");
    events.add(
        "response.output_item.added",
        Json.object().put("output_index", index).set("item", opening));
    ObjectNode part = (ObjectNode) item.get("content").get(0);
    ObjectNode emptyPart = part.deepCopy().put("text", "");
    emptyPart.putArray("logprobs");
    emptyPart.putArray("annotations");
    String itemId = item.get("id").asText();
    events.add("response.content_part.added", at(itemId, index).set("part", emptyPart));
    for (String piece : OpenAiChatDialect.pieces(text)) {
      ObjectNode delta = at(itemId, index).put("delta", piece);
      delta.putArray("logprobs");
      events.add("response.output_text.delta", delta);
    }
    JsonNode annotations = part.get("annotations");
    for (int a = 0; a < annotations.size(); a++) {
      ObjectNode added = at(itemId, index).put("annotation_index", a);
      added.set("annotation", annotations.get(a));
      events.add("response.output_text.annotation.added", added);
    }
    ObjectNode textDone = at(itemId, index).put("text", text);
    textDone.set("logprobs", part.get("logprobs"));
    events.add("response.output_text.done", textDone);
    events.add("response.content_part.done", at(itemId, index).set("part", part));
    events.add(
        "response.output_item.done", Json.object().put("output_index", index).set("item", item));
  }

  private static void streamCall(Events events, ObjectNode item, int index) {
    ObjectNode opening = item.deepCopy().put("arguments", "").put("status", "in_progress");
    events.add(
        "response.output_item.added",
        Json.object().put("output_index", index).set("item", opening));
    String itemId = item.get("id").asText();
    String arguments = item.get("arguments").asText();
    events.add(
        "response.function_call_arguments.delta",
        Json.object().put("item_id", itemId).put("output_index", index).put("delta", arguments));
    events.add(
        "response.function_call_arguments.done",
        Json.object()
            .put("item_id", itemId)
            .put("output_index", index)
            .put("name", item.get("name").asText())
            .put("arguments", arguments));
    events.add(
        "response.output_item.done", Json.object().put("output_index", index).set("item", item));
  }

  /** An item sent whole (reasoning): its {@code added} and {@code done} events only. */
  private static void streamWhole(Events events, ObjectNode item, int index) {
    events.add(
        "response.output_item.added", Json.object().put("output_index", index).set("item", item));
    events.add(
        "response.output_item.done", Json.object().put("output_index", index).set("item", item));
  }

  private static ObjectNode at(String itemId, int index) {
    return Json.object().put("item_id", itemId).put("output_index", index).put("content_index", 0);
  }

  /** The Response's fixed fields and the request's echoed parameters, without output and usage. */
  private ObjectNode skeleton(String status) {
    ObjectNode r = Json.object();
    r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.put("model", request.model());
    r.setAll(echo);
    return r;
  }

  /** The output items: reasoning if asked for, then the tool calls or the message. */
  private ArrayNode items() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (answer.thinking() != null || encryptedReasoning) {
      ObjectNode reasoning = out.addObject().put("id", itemId("rs_", 0)).put("type", "reasoning");
      ArrayNode summary = reasoning.putArray("summary");
      if (answer.thinking() != null) {
        summary.addObject().put("type", "summary_text").put("text", answer.thinking());
      }
      if (encryptedReasoning) {
        reasoning.put(
            "encrypted_content",
            Base64.getEncoder().encodeToString(Digests.sha256("reasoning:" + id)));
      }
    }
    remoteMcpCalls(out);
    builtinCalls(out);
    List<Answer.ToolCallOut> calls = answer.toolCalls();
    if (!calls.isEmpty()) {
      for (int i = 0; i < calls.size(); i++) {
        Answer.ToolCallOut c = calls.get(i);
        FakeComputer.Offer computer = FakeComputer.offer(request);
        if (c.computer() != null && computer != null && !computer.kind().equals("function")) {
          ObjectNode item =
              out.addObject()
                  .put("id", itemId("cu_", i))
                  .put("type", "computer_call")
                  .put("call_id", c.id());
          // The preview tool's call holds one action; the generally available tool's a batch.
          if (computer.openAiPreview()) {
            item.set("action", c.computer().openAiAction());
          } else {
            item.putArray("actions").add(c.computer().openAiAction());
          }
          item.putArray("pending_safety_checks");
          item.put("status", "completed");
          continue;
        }
        out.addObject()
            .put("id", itemId("fc_", i))
            .put("type", "function_call")
            .put("status", "completed")
            .put("arguments", c.argumentsJson())
            .put("call_id", c.id())
            .put("name", c.name());
      }
      return out;
    }
    ObjectNode message =
        out.addObject()
            .put("id", itemId("msg_", 0))
            .put("type", "message")
            .put("status", cut() ? "incomplete" : "completed")
            .put("role", "assistant");
    ObjectNode text =
        message.putArray("content").addObject().put("type", "output_text").put("text", this.text);
    ArrayNode annotations = text.putArray("annotations");
    if (cited != null) {
      int start =
          BuiltinToolCalls.CITING_PREFIX.codePointCount(0, BuiltinToolCalls.CITING_PREFIX.length());
      String words = BuiltinToolCalls.citedText(cited);
      annotations
          .addObject()
          .put("type", "url_citation")
          .put("start_index", start)
          .put("end_index", start + words.codePointCount(0, words.length()))
          .put("url", cited.url())
          .put("title", cited.title());
    }
    if (request.logprobs()) {
      text.set("logprobs", OpenAiChatDialect.logprobs(answer, request.topLogprobs()));
    } else {
      text.putArray("logprobs");
    }
    return out;
  }

  /**
   * The {@code mcp_call} items of the remote MCP servers the request offers ({@link
   * RemoteMcpCalls}).
   */
  private void remoteMcpCalls(ArrayNode out) {
    if (request.options() == null) {
      return;
    }
    List<RemoteMcpCalls.Server> servers =
        RemoteMcpCalls.fromJson(Json.parse(request.options()).get("remote_mcp"));
    List<RemoteMcpCalls.Call> calls = RemoteMcpCalls.calls(request.conversation(), servers);
    for (int i = 0; i < calls.size(); i++) {
      RemoteMcpCalls.Call c = calls.get(i);
      out.addObject()
          .put("id", itemId("mcp_", i))
          .put("type", "mcp_call")
          .put("status", "completed")
          .put("approval_request_id", (String) null)
          .put("arguments", c.argumentsJson())
          .putNull("error")
          .put("name", c.tool())
          .put("output", c.output())
          .put("server_label", c.server());
    }
  }

  /**
   * The {@code web_search_call} and {@code code_interpreter_call} items of the built-in tools the
   * fake model uses ({@link BuiltinToolCalls}); their sources and outputs when {@code include} asks
   * for them.
   */
  private void builtinCalls(ArrayNode out) {
    int searches = 0;
    int runs = 0;
    for (BuiltinToolCalls.Call c : builtinCalls) {
      if (c.search()) {
        ObjectNode item =
            out.addObject()
                .put("id", itemId("ws_", searches++))
                .put("type", "web_search_call")
                .put("status", "completed");
        ObjectNode action = item.putObject("action").put("type", "search").put("query", c.input());
        action.putArray("queries").add(c.input());
        if (builtin.sources()) {
          ArrayNode sources = action.putArray("sources");
          for (BuiltinToolCalls.Result r : BuiltinToolCalls.results(c.input(), builtin)) {
            sources.addObject().put("type", "url").put("url", r.url());
          }
        }
        continue;
      }
      ObjectNode item =
          out.addObject()
              .put("id", itemId("ci_", runs++))
              .put("type", "code_interpreter_call")
              .put("status", "completed")
              .put("code", c.input())
              .put(
                  "container_id",
                  builtin.container() != null ? builtin.container() : Bodies.id("cntr_", id));
      if (builtin.outputs()) {
        item.putArray("outputs")
            .addObject()
            .put("type", "logs")
            .put("logs", BuiltinToolCalls.logs(c.input()));
      } else {
        item.putNull("outputs");
      }
    }
  }

  private String itemId(String prefix, int index) {
    return Bodies.id(prefix, id + "/" + prefix + index);
  }

  private ObjectNode usage() {
    ObjectNode u = Json.object();
    long input = answer.totalInputTokens();
    long reasoning = answer.thinking() == null ? 0 : FakeAnswerer.count(answer.thinking());
    u.put("input_tokens", input);
    u.putObject("input_tokens_details").put("cached_tokens", answer.cacheReadTokens());
    u.put("output_tokens", answer.outputTokens());
    u.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
    u.put("total_tokens", input + answer.outputTokens());
    return u;
  }

  /**
   * Server-sent events, each {@code event: TYPE} and {@code data: {type, sequence_number, ...}}.
   */
  private static final class Events {
    private final StringBuilder sse = new StringBuilder();
    private int sequence;

    void add(String type, ObjectNode fields) {
      ObjectNode data = Json.object().put("type", type).put("sequence_number", sequence++);
      data.setAll(fields);
      sse.append("event: ")
          .append(type)
          .append('\n')
          .append("data: ")
          .append(Json.write(data))
          .append("\n\n");
    }

    @Override
    public String toString() {
      return sse.toString();
    }
  }
}

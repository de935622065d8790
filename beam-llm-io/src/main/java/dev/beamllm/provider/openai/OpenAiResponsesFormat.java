package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.ComputerCalls;
import dev.beamllm.provider.internal.Formats;
import java.util.List;
import java.util.Map;

/**
 * OpenAI Responses API {@code instructions} and {@code input} items. The system prompt goes in
 * {@code instructions}, so it is never dropped. Reference:
 * platform.openai.com/docs/api-reference/responses/create.
 *
 * <p>Tool calls become {@code function_call} items and their results {@code function_call_output}
 * items; calls of the computer tool in OpenAI's shape go back as {@code computer_call} items and
 * their results as {@code computer_call_output} items. Reasoning is sent back only as the raw
 * {@code reasoning} item the API returned (it carries the id and encrypted content the API needs),
 * followed by its following item with that item's id.
 */
public final class OpenAiResponsesFormat {
  private static final String API = "OpenAI Responses API";

  private OpenAiResponsesFormat() {}

  /** {@code {"instructions": ..., "input": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    // Audio input is documented for chat completions only: the models that take it list the
    // Responses API as "Not supported", and input_audio is not among the Responses API's input
    // content types (openai-python's ResponseInputContentParam: text, image, file).
    Formats.refuseAudio(conversation, API);
    ObjectNode body = Json.object();
    conversation.validate().systemPrompt().ifPresent(s -> body.put("instructions", s));
    ArrayNode input = body.putArray("input");
    Map<String, ToolCall> computerCalls = ComputerCalls.byId(conversation, ComputerCalls::isOpenAi);
    for (Message m : Formats.nonSystem(conversation)) {
      switch (m.role()) {
        case USER -> {
          ObjectNode item = input.addObject().put("type", "message").put("role", "user");
          ArrayNode content = item.putArray("content");
          for (Part part : m.parts()) {
            content.add(inputPart(part));
          }
        }
        case ASSISTANT -> assistant(m.parts(), input);
        case TOOL -> {
          for (ToolResult result : m.partsOf(ToolResult.class)) {
            ToolCall computer = computerCalls.get(result.callId());
            if (computer != null) {
              input.add(computerCallOutput(result, computer));
              continue;
            }
            ObjectNode item =
                input
                    .addObject()
                    .put("type", "function_call_output")
                    .put("call_id", result.callId());
            if (result.hasImages()) {
              ArrayNode output = item.putArray("output");
              for (Part part : result.content()) {
                output.add(inputPart(part));
              }
            } else {
              item.put("output", Formats.resultText(result));
            }
          }
        }
        case SYSTEM -> throw new AssertionError("system messages go to instructions");
      }
    }
    return body;
  }

  /**
   * An assistant message's items. A reasoning item goes back only right before its following item,
   * sent with that item's id: OpenAI refuses a reasoning item without it ("Item 'rs_...' of type
   * 'reasoning' was provided without its required following item"), and a following item without
   * its id is a new item, not that one. A reasoning item whose next part has no item id (the
   * message came from another API, or its parts were edited) is left out, since an input reasoning
   * item must have its id (openai-python {@code ResponseReasoningItemParam}). Item ids go only on
   * the run of items after a replayed reasoning item, because a function call sent with its id but
   * without its reasoning item is refused too ("... was provided without its required 'reasoning'
   * item").
   */
  private static void assistant(List<Part> parts, ArrayNode input) {
    boolean linked = false;
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      if (part instanceof Thinking thinking) {
        JsonNode reasoning = reasoning(thinking);
        if (reasoning == null) {
          continue;
        }
        boolean needsFollower = reasoning.hasNonNull("id");
        if (needsFollower && (i + 1 == parts.size() || itemId(parts.get(i + 1)) == null)) {
          linked = false;
          continue;
        }
        input.add(reasoning);
        linked = needsFollower;
      } else if (part instanceof ServerToolUse use) {
        // A remote MCP call (or tool list) OpenAI ran: its own item goes back verbatim; one run
        // elsewhere is left out (the model's text tells what it learnt).
        String raw = use.rawFrom(Thinking.OPENAI).orElse(null);
        if (raw == null) {
          continue;
        }
        JsonNode item = Json.parse(raw);
        input.add(item);
        linked = linked && item.hasNonNull("id");
      } else if (part instanceof ToolCall call && ComputerCalls.isOpenAi(call)) {
        input.add(computerCall(call));
        linked = linked && call.itemId() != null;
      } else if (part instanceof ToolCall call) {
        ObjectNode item = input.addObject().put("type", "function_call");
        linked = linked && call.itemId() != null;
        if (linked) {
          item.put("id", call.itemId());
        }
        item.put("call_id", call.id()).put("name", call.name()).put("arguments", call.arguments());
      } else if (part instanceof Text t) {
        linked = linked && t.itemId() != null;
        if (!linked) {
          input
              .addObject()
              .put("type", "message")
              .put("role", "assistant")
              .put("content", t.text());
          continue;
        }
        // The output message form, the one that has an id; the texts of one item go back in it.
        ObjectNode item =
            input.addObject().put("type", "message").put("role", "assistant").put("id", t.itemId());
        ArrayNode content = item.putArray("content");
        outputText(content, t);
        while (i + 1 < parts.size()
            && parts.get(i + 1) instanceof Text next
            && t.itemId().equals(next.itemId())) {
          outputText(content, next);
          i++;
        }
      }
    }
  }

  /**
   * A {@code computer_call} item as the model made it: its id (which, unlike a function call's, the
   * item always needs), call id, action or actions, safety checks and status.
   */
  private static ObjectNode computerCall(ToolCall call) {
    ObjectNode item = Json.object().put("type", "computer_call");
    if (call.itemId() != null) {
      item.put("id", call.itemId());
    }
    item.put("call_id", call.id());
    ObjectNode args = (ObjectNode) Json.parse(call.arguments());
    if (!args.has("pending_safety_checks")) {
      args.putArray("pending_safety_checks");
    }
    item.setAll(args);
    item.put("status", "completed");
    return item;
  }

  /**
   * A {@code computer_call_output}: the result's screenshot as a {@code computer_screenshot} (the
   * API reference's type; OpenAI's first computer-use guide showed {@code input_image} here), and,
   * when the call ran, the call's pending safety checks as acknowledged.
   *
   * @throws UnsupportedPartException when the result has no screenshot, which the item needs
   */
  private static ObjectNode computerCallOutput(ToolResult result, ToolCall call) {
    Image screenshot = ComputerCalls.screenshot(result);
    if (screenshot == null) {
      throw new UnsupportedPartException(
          "OpenAI Responses",
          "a computer call's result without a screenshot (" + result.text() + ")");
    }
    ObjectNode item =
        Json.object().put("type", "computer_call_output").put("call_id", result.callId());
    item.putObject("output").put("type", "computer_screenshot").put("image_url", screenshot.url());
    JsonNode checks = Json.parse(call.arguments()).path("pending_safety_checks");
    if (!result.isError() && checks.isArray() && !checks.isEmpty()) {
      item.set("acknowledged_safety_checks", checks);
    }
    return item;
  }

  /** The OpenAI {@code reasoning} item a thinking part carries, or null. */
  private static JsonNode reasoning(Thinking thinking) {
    return thinking
        .rawFrom(Thinking.OPENAI)
        .map(Json::parse)
        .filter(raw -> "reasoning".equals(raw.path("type").asText()))
        .orElse(null);
  }

  /** The Responses item id a part came in, or null. */
  private static String itemId(Part part) {
    if (part instanceof ToolCall call) {
      return call.itemId();
    }
    if (part instanceof ServerToolUse use) {
      return use.rawFrom(Thinking.OPENAI)
          .map(raw -> Json.parse(raw).path("id").asText(null))
          .orElse(null);
    }
    return part instanceof Text t ? t.itemId() : null;
  }

  private static void outputText(ArrayNode content, Text text) {
    ObjectNode part = content.addObject().put("type", "output_text").put("text", text.text());
    part.putArray("annotations");
  }

  private static ObjectNode inputPart(Part part) {
    if (part instanceof Text t) {
      return Json.object().put("type", "input_text").put("text", t.text());
    }
    if (part instanceof Image image) {
      return Json.object()
          .put("type", "input_image")
          .put("image_url", image.url())
          .put("detail", image.detail().wireName());
    }
    File file = (File) part;
    if (file.isText()) {
      return Json.object().put("type", "input_text").put("text", Formats.documentText(file));
    }
    ObjectNode node = Json.object().put("type", "input_file");
    switch (file.origin()) {
      case FILE_ID -> node.put("file_id", file.fileId().orElseThrow());
      case URL -> node.put("file_url", file.location().orElseThrow());
      case PATH, BYTES ->
          node.put("filename", file.filename().orElse("document.pdf"))
              .put("file_data", file.dataUrl());
    }
    return node;
  }
}

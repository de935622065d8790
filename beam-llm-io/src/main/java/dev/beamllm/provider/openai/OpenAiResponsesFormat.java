package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.internal.Formats;

/**
 * OpenAI Responses API {@code instructions} and {@code input} items. The system prompt goes in
 * {@code instructions}, so it is never dropped. Reference:
 * platform.openai.com/docs/api-reference/responses/create.
 *
 * <p>Tool calls become {@code function_call} items and their results {@code function_call_output}
 * items. Reasoning is sent back only as the raw {@code reasoning} item the API returned (it carries
 * the id and encrypted content the API needs).
 */
public final class OpenAiResponsesFormat {
  private OpenAiResponsesFormat() {}

  /** {@code {"instructions": ..., "input": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    ObjectNode body = Json.object();
    conversation.validate().systemPrompt().ifPresent(s -> body.put("instructions", s));
    ArrayNode input = body.putArray("input");
    for (Message m : Formats.nonSystem(conversation)) {
      switch (m.role()) {
        case USER -> {
          ObjectNode item = input.addObject().put("type", "message").put("role", "user");
          ArrayNode content = item.putArray("content");
          for (Part part : m.parts()) {
            content.add(inputPart(part));
          }
        }
        case ASSISTANT -> {
          for (Part part : m.parts()) {
            if (part instanceof Text t) {
              input
                  .addObject()
                  .put("type", "message")
                  .put("role", "assistant")
                  .put("content", t.text());
            } else if (part instanceof ToolCall call) {
              input
                  .addObject()
                  .put("type", "function_call")
                  .put("call_id", call.id())
                  .put("name", call.name())
                  .put("arguments", call.arguments());
            } else if (part instanceof Thinking thinking) {
              thinking
                  .rawFrom(Thinking.OPENAI)
                  .map(Json::parse)
                  .filter(raw -> "reasoning".equals(raw.path("type").asText()))
                  .ifPresent(input::add);
            }
          }
        }
        case TOOL -> {
          for (ToolResult result : m.partsOf(ToolResult.class)) {
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

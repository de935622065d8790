package dev.beamllm.provider.cohere;

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
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.Formats;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cohere v2 chat {@code messages}. The system prompt is one leading {@code system} message, as
 * Cohere wants the system turn first; user content is a string, or {@code text} and {@code
 * image_url} items; an assistant turn carries its text as {@code content}, its {@code tool_calls}
 * in OpenAI's shape, and its unsigned thinking as the {@code tool_plan} that led to those calls
 * (signed thinking belongs to other providers and is not sent); each tool result is its own {@code
 * tool} message whose content is one {@code document}, the form Cohere cites from. Reference:
 * docs.cohere.com/reference/chat and docs.cohere.com/v2/docs/tool-use-overview.
 *
 * <p>Cohere reads no PDFs and takes no images from tools: plain-text documents go as text, and
 * other documents and tool images are refused.
 */
public final class CohereFormat {
  private static final String API = "Cohere v2 chat";

  private CohereFormat() {}

  /** {@code {"messages": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    Formats.refuseAudio(conversation, API);
    ObjectNode body = Json.object();
    ArrayNode messages = body.putArray("messages");
    conversation
        .validate()
        .systemPrompt()
        .ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
    for (Message m : Formats.nonSystem(conversation)) {
      switch (m.role()) {
        case USER -> messages.add(user(m.parts()));
        case ASSISTANT -> messages.add(assistant(m));
        case TOOL -> m.partsOf(ToolResult.class).forEach(r -> messages.add(tool(r)));
      }
    }
    return body;
  }

  private static ObjectNode user(List<Part> parts) {
    ObjectNode message = Json.object().put("role", "user");
    if (parts.size() == 1 && parts.get(0) instanceof Text t) {
      message.put("content", t.text());
      return message;
    }
    ArrayNode content = message.putArray("content");
    for (Part part : parts) {
      if (part instanceof Text t) {
        content.addObject().put("type", "text").put("text", t.text());
      } else if (part instanceof Image image) {
        content.add(image(image));
      } else if (part instanceof File file) {
        content.add(file(file));
      }
    }
    return message;
  }

  private static ObjectNode image(Image image) {
    ObjectNode item = Json.object().put("type", "image_url");
    item.putObject("image_url").put("url", image.url());
    return item;
  }

  private static ObjectNode file(File file) {
    if (file.isText()) {
      return Json.object().put("type", "text").put("text", Formats.documentText(file));
    }
    if (file.bytes().isPresent()
        && file.mediaType().filter(t -> t.startsWith("image/")).isPresent()) {
      return image(Image.fromBytes(file.bytes().get()));
    }
    if (file.bytes().isEmpty()) {
      throw new UnsupportedPartException(
          API,
          "a document by URL or file id ("
              + file.describe()
              + "); give the bytes of a plain-text document");
    }
    throw new UnsupportedPartException(
        API, file.mediaType().orElse("unknown") + " documents; only plain text and images");
  }

  private static ObjectNode assistant(Message m) {
    ObjectNode message = Json.object().put("role", "assistant");
    List<ToolCall> calls = m.partsOf(ToolCall.class);
    String plan =
        m.partsOf(Thinking.class).stream()
            .filter(t -> t.origin() == null && !t.text().isEmpty())
            .map(Thinking::text)
            .collect(Collectors.joining("\n"));
    if (!calls.isEmpty() && !plan.isEmpty()) {
      message.put("tool_plan", plan);
    }
    if (!m.partsOf(Text.class).isEmpty()) {
      message.put("content", m.text());
    }
    if (!calls.isEmpty()) {
      ArrayNode toolCalls = message.putArray("tool_calls");
      for (ToolCall call : calls) {
        ObjectNode c = toolCalls.addObject().put("id", call.id()).put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    return message;
  }

  private static ObjectNode tool(ToolResult result) {
    if (result.hasImages()) {
      throw new UnsupportedPartException(
          API,
          "images returned by a tool (call '"
              + result.callId()
              + "'); tool results are text documents");
    }
    ObjectNode message = Json.object().put("role", "tool").put("tool_call_id", result.callId());
    ObjectNode document =
        message.putArray("content").addObject().put("type", "document").putObject("document");
    document.put("data", Formats.resultText(result));
    return message;
  }
}

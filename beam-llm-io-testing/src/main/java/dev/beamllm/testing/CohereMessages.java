package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Cohere v2 chat {@code messages} into a {@link Conversation}. Content is a string or a list
 * of {@code text}, {@code image_url} and {@code document} items; an assistant's {@code tool_plan}
 * becomes its reasoning; consecutive {@code tool} messages become one tool message, as the model
 * sees them together. Reference: docs.cohere.com/reference/chat.
 */
final class CohereMessages {
  private CohereMessages() {}

  /**
   * The conversation, validated.
   *
   * @throws ProviderError a 400 naming the message at fault
   */
  static Conversation read(JsonNode messages) {
    if (messages == null || !messages.isArray()) {
      throw CohereWire.invalid("messages is required and must be a list of messages", "messages");
    }
    if (messages.isEmpty()) {
      throw CohereWire.invalid("messages must not be empty", "messages");
    }
    List<Message> out = new ArrayList<>();
    try {
      for (int i = 0; i < messages.size(); i++) {
        Message m = message(messages.get(i), "messages[" + i + "]");
        Message last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (m.role() == Role.TOOL && last != null && last.role() == Role.TOOL) {
          List<Part> merged = new ArrayList<>(last.parts());
          merged.addAll(m.parts());
          out.set(out.size() - 1, Message.of(Role.TOOL, merged));
        } else {
          out.add(m);
        }
      }
      return Conversation.of(out).validate();
    } catch (InvalidPromptException e) {
      throw CohereWire.invalid(e.getMessage(), "messages");
    }
  }

  private static Message message(JsonNode m, String at) {
    String role = m.path("role").asText("");
    return switch (role) {
      case "system" -> Message.of(Role.SYSTEM, List.of(new Text(texts(m.get("content"), at))));
      case "user" -> Message.of(Role.USER, userContent(m.get("content"), at));
      case "assistant" -> assistant(m, at);
      case "tool" -> tool(m, at);
      default ->
          throw CohereWire.invalid(
              at + ".role must be one of system, user, assistant or tool, got '" + role + "'",
              at + ".role");
    };
  }

  /** A string, or a list of text items joined: the form system content takes. */
  private static String texts(JsonNode content, String at) {
    if (content != null && content.isTextual()) {
      return content.textValue();
    }
    if (content == null || !content.isArray() || content.isEmpty()) {
      throw CohereWire.invalid(at + ".content is required", at + ".content");
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : content) {
      if (!"text".equals(item.path("type").asText())) {
        throw CohereWire.invalid(at + ".content items must be of type text", at + ".content");
      }
      texts.add(item.path("text").asText());
    }
    return String.join("\n", texts);
  }

  /** A user's content: text, images by URL (or data URL) and documents as text files. */
  private static List<Part> userContent(JsonNode content, String at) {
    if (content != null && content.isTextual()) {
      return List.of(new Text(content.textValue()));
    }
    if (content == null || !content.isArray() || content.isEmpty()) {
      throw CohereWire.invalid(at + ".content is required", at + ".content");
    }
    List<Part> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode item = content.get(j);
      String type = item.path("type").asText("");
      parts.add(
          switch (type) {
            case "text" -> new Text(item.path("text").asText());
            case "image_url" -> Image.fromUrl(item.path("image_url").path("url").asText());
            case "document" ->
                File.fromBytes(
                    documentText(item.path("document")).getBytes(StandardCharsets.UTF_8),
                    item.path("document").path("id").asText("document"),
                    "text/plain");
            default ->
                throw CohereWire.invalid(
                    at
                        + ".content["
                        + j
                        + "].type must be one of text, image_url or document, got '"
                        + type
                        + "'",
                    at + ".content[" + j + "].type");
          });
    }
    return parts;
  }

  /** A document's {@code data}: a string as it is, an object as its JSON. */
  private static String documentText(JsonNode document) {
    JsonNode data = document.get("data");
    if (data == null || data.isNull()) {
      throw CohereWire.invalid("document.data is required", "document.data");
    }
    return data.isTextual() ? data.textValue() : data.toString();
  }

  /** An assistant turn: its tool plan as reasoning, its text, then its tool calls. */
  private static Message assistant(JsonNode m, String at) {
    List<Part> parts = new ArrayList<>();
    JsonNode plan = m.get("tool_plan");
    if (plan != null && plan.isTextual() && !plan.textValue().isEmpty()) {
      parts.add(Thinking.of(plan.textValue()));
    }
    JsonNode content = m.get("content");
    if (content != null && !content.isNull() && !(content.isArray() && content.isEmpty())) {
      parts.add(new Text(texts(content, at)));
    }
    JsonNode calls = m.get("tool_calls");
    if (calls != null && calls.isArray()) {
      for (int j = 0; j < calls.size(); j++) {
        JsonNode call = calls.get(j);
        String c = at + ".tool_calls[" + j + "]";
        String id = call.path("id").asText("");
        String name = call.path("function").path("name").asText("");
        if (id.isEmpty() || name.isEmpty()) {
          throw CohereWire.invalid(c + " needs an id and a function name", c);
        }
        JsonNode args = call.path("function").get("arguments");
        parts.add(
            new ToolCall(
                id,
                name,
                args == null || args.isNull()
                    ? "{}"
                    : args.isTextual() ? args.textValue() : args.toString()));
      }
    }
    if (parts.isEmpty()) {
      throw CohereWire.invalid(at + " must have content or tool_calls", at);
    }
    return Message.of(Role.ASSISTANT, parts);
  }

  /** A tool result: a string, or a list of {@code text} and {@code document} items. */
  private static Message tool(JsonNode m, String at) {
    String callId = m.path("tool_call_id").asText("");
    if (callId.isEmpty()) {
      throw CohereWire.invalid(at + ".tool_call_id is required", at + ".tool_call_id");
    }
    JsonNode content = m.get("content");
    String text;
    if (content != null && content.isTextual()) {
      text = content.textValue();
    } else if (content != null && content.isArray() && !content.isEmpty()) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : content) {
        String type = item.path("type").asText("");
        if (type.equals("document")) {
          items.add(documentText(item.path("document")));
        } else if (type.equals("text")) {
          items.add(item.path("text").asText());
        } else {
          throw CohereWire.invalid(
              at + ".content items must be of type text or document, got '" + type + "'",
              at + ".content");
        }
      }
      text = String.join("\n", items);
    } else {
      throw CohereWire.invalid(at + ".content is required", at + ".content");
    }
    return Message.of(Role.TOOL, List.of(ToolResult.of(callId, text)));
  }
}

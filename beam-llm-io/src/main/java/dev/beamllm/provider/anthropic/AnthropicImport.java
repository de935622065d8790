package dev.beamllm.provider.anthropic;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads an Anthropic Messages message list into a {@link Conversation}: the input side of {@link
 * dev.beamllm.provider.WireFormats#fromAnthropic}, for prompts kept in Anthropic's shape. Rendering
 * lives beside it, in {@link AnthropicFormat}.
 */
public final class AnthropicImport {
  private AnthropicImport() {}

  /**
   * Imports an Anthropic {@code messages} array, or a request body with {@code system} and {@code
   * messages}. Tool results in a user turn become a tool message before the user's other content.
   */
  public static Conversation parse(String json) {
    return parse(Json.parse(json));
  }

  static Conversation parse(JsonNode root) {
    List<Message> out = new ArrayList<>();
    JsonNode messages = root;
    if (root.isObject()) {
      JsonNode system = root.get("system");
      if (system != null && !system.isNull()) {
        out.add(Message.system(system.isTextual() ? system.textValue() : joinText(system)));
      }
      messages = root.get("messages");
    }
    if (messages == null || !messages.isArray()) {
      throw new InvalidPromptException(
          "Anthropic import: expected a messages array or an object with \"messages\"");
    }
    int index = 0;
    for (JsonNode m : messages) {
      index++;
      try {
        out.addAll(parseMessage(m));
      } catch (InvalidPromptException e) {
        throw e.at("Anthropic import, message " + index);
      }
    }
    return Conversation.of(out).validate();
  }

  private static List<Message> parseMessage(JsonNode m) {
    Role role = Role.parse(m.path("role").asText(null));
    JsonNode content = m.get("content");
    if (content != null && content.isTextual()) {
      return List.of(Message.of(role, List.of(new Text(content.textValue()))));
    }
    List<Part> results = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    for (JsonNode b : content == null ? Json.MAPPER.createArrayNode() : content) {
      String type = b.path("type").asText();
      if (type.equals("mcp_tool_use") || type.equals("server_tool_use")) {
        parts.add(AnthropicAnswer.providerCall(b, null));
        continue;
      }
      if (type.endsWith("_tool_result") && !type.equals("tool_result")) {
        // Joins the call it answers, earlier in the same message (Anthropic's order).
        String id = b.path("tool_use_id").asText();
        boolean joined = false;
        for (int i = 0; i < parts.size() && !joined; i++) {
          if (parts.get(i) instanceof ServerToolUse use
              && use.raw() != null
              && id.equals(Json.parse(use.raw()).path(0).path("id").asText())) {
            parts.set(i, AnthropicAnswer.providerCall(Json.parse(use.raw()).get(0), b));
            joined = true;
          }
        }
        if (!joined) {
          throw new InvalidPromptException(
              type + " '" + id + "' follows no call with that id in its message");
        }
        continue;
      }
      Part part = parseBlock(b);
      (part instanceof ToolResult ? results : parts).add(part);
    }
    List<Message> out = new ArrayList<>();
    if (!results.isEmpty()) {
      out.add(Message.of(Role.TOOL, results));
    }
    if (!parts.isEmpty() || results.isEmpty()) {
      out.add(Message.of(role, parts));
    }
    return out;
  }

  private static Part parseBlock(JsonNode b) {
    String type = b.path("type").asText();
    switch (type) {
      case "text":
        return new Text(b.path("text").asText());
      case "image":
        {
          JsonNode source = b.path("source");
          return "url".equals(source.path("type").asText())
              ? Image.fromUrl(source.path("url").asText())
              : Image.fromBase64(source.path("data").asText());
        }
      case "document":
        {
          JsonNode source = b.path("source");
          String title = b.path("title").asText("document");
          switch (source.path("type").asText()) {
            case "url":
              return File.fromUrl(source.path("url").asText());
            case "file":
              return File.fromFileId(source.path("file_id").asText());
            case "text":
              return File.fromBytes(
                  source.path("data").asText().getBytes(StandardCharsets.UTF_8),
                  title,
                  "text/plain");
            default:
              return File.fromBytes(
                  Base64.getMimeDecoder().decode(source.path("data").asText()), title);
          }
        }
      case "tool_use":
        return new ToolCall(
            b.path("id").asText(), b.path("name").asText(), Json.write(b.path("input")));
      case "tool_result":
        {
          JsonNode content = b.get("content");
          List<Part> parts = new ArrayList<>();
          if (content == null || content.isNull()) {
            parts.add(new Text(""));
          } else if (content.isTextual()) {
            parts.add(new Text(content.textValue()));
          } else {
            for (JsonNode c : content) {
              parts.add(parseBlock(c));
            }
          }
          return new ToolResult(
              b.path("tool_use_id").asText(), parts, b.path("is_error").asBoolean(false));
        }
      case "thinking":
        return new Thinking(
            b.path("thinking").asText(),
            b.path("signature").asText(null),
            null,
            Thinking.ANTHROPIC);
      case "redacted_thinking":
        return Thinking.raw(Json.canonical(b), Thinking.ANTHROPIC);
      default:
        throw new InvalidPromptException("content block type '" + type + "' cannot be imported");
    }
  }

  private static String joinText(JsonNode blocks) {
    List<String> texts = new ArrayList<>();
    for (JsonNode b : blocks) {
      texts.add(b.path("text").asText());
    }
    return String.join("\n\n", texts);
  }
}

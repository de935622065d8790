package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Audio;
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
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads an OpenAI chat completions message list into a {@link Conversation}: the input side of
 * {@link dev.beamllm.provider.WireFormats#fromOpenAi}, for prompts kept in OpenAI's shape.
 * Rendering lives beside it, in {@link OpenAiChatFormat}.
 */
public final class OpenAiImport {
  private OpenAiImport() {}

  /**
   * Imports a chat completions {@code messages} array, or a request body holding one. Text, {@code
   * image_url}, {@code file}, {@code input_audio} (base64 {@code data} and a {@code wav} or {@code
   * mp3} {@code format}), {@code tool_calls}, {@code tool} messages and DeepSeek's {@code
   * reasoning_content} are understood.
   */
  public static Conversation parse(String json) {
    return parse(Json.parse(json));
  }

  static Conversation parse(JsonNode root) {
    JsonNode messages = root.isObject() ? root.get("messages") : root;
    if (messages == null || !messages.isArray()) {
      throw new InvalidPromptException(
          "OpenAI import: expected a messages array or an object with \"messages\"");
    }
    List<Message> out = new ArrayList<>();
    int index = 0;
    for (JsonNode m : messages) {
      index++;
      try {
        out.add(parseMessage(m));
      } catch (InvalidPromptException e) {
        throw e.at("OpenAI import, message " + index);
      }
    }
    return Conversation.of(out).validate();
  }

  private static Message parseMessage(JsonNode m) {
    Role role = Role.parse(m.path("role").asText(null));
    JsonNode content = m.get("content");
    List<Part> parts = new ArrayList<>();
    if (role == Role.TOOL) {
      String text =
          content == null || content.isNull()
              ? ""
              : content.isTextual() ? content.textValue() : joinText(content);
      return Message.of(Role.TOOL, List.of(ToolResult.of(m.path("tool_call_id").asText(), text)));
    }
    JsonNode reasoning = m.get("reasoning_content");
    if (role == Role.ASSISTANT && reasoning != null && reasoning.isTextual()) {
      parts.add(Thinking.of(reasoning.textValue()));
    }
    if (content != null && content.isTextual()) {
      if (!content.textValue().isEmpty() || role != Role.ASSISTANT) {
        parts.add(new Text(content.textValue()));
      }
    } else if (content != null && content.isArray()) {
      for (JsonNode p : content) {
        parts.add(parseContentPart(p));
      }
    }
    for (JsonNode call : m.path("tool_calls")) {
      JsonNode fn = call.path("function");
      parts.add(
          new ToolCall(
              call.path("id").asText(),
              fn.path("name").asText(),
              fn.path("arguments").asText("{}")));
    }
    return Message.of(role, parts);
  }

  private static Part parseContentPart(JsonNode p) {
    String type = p.path("type").asText();
    switch (type) {
      case "text":
        return new Text(p.path("text").asText());
      case "image_url":
        {
          JsonNode url = p.get("image_url");
          Image image = Image.fromUrl(url.isTextual() ? url.textValue() : url.path("url").asText());
          String detail = url.path("detail").asText(null);
          return detail == null ? image : image.withDetail(Image.Detail.parse(detail));
        }
      case "file":
        {
          JsonNode file = p.path("file");
          if (file.hasNonNull("file_id")) {
            return File.fromFileId(file.get("file_id").asText());
          }
          String data = file.path("file_data").asText();
          byte[] bytes =
              data.startsWith("data:")
                  ? File.fromUrl(data).bytes().orElseThrow()
                  : Base64.getMimeDecoder().decode(data);
          return File.fromBytes(bytes, file.path("filename").asText("document"));
        }
      case "input_audio":
        {
          JsonNode audio = p.path("input_audio");
          String data = audio.path("data").asText(null);
          String format = audio.path("format").asText(null);
          if (data == null || format == null) {
            throw new InvalidPromptException("input_audio needs \"data\" and \"format\"");
          }
          byte[] bytes;
          try {
            bytes = Base64.getMimeDecoder().decode(data);
          } catch (IllegalArgumentException e) {
            throw new InvalidPromptException("input_audio data is not valid base64");
          }
          return Audio.fromBytes(bytes, "audio/" + format);
        }
      default:
        throw new InvalidPromptException("content part type '" + type + "' cannot be imported");
    }
  }

  private static String joinText(JsonNode parts) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode p : parts) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(p.path("text").asText());
    }
    return sb.toString();
  }
}

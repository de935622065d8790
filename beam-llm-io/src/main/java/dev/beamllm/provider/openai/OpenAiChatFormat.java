package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.Formats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions {@code messages}, also spoken by every OpenAI-compatible endpoint.
 * Reference: platform.openai.com/docs/api-reference/chat/create.
 *
 * <p>Audio goes as {@code {"type": "input_audio", "input_audio": {"data": <base64>, "format":
 * "wav"|"mp3"}}}, the only two formats the API takes (platform.openai.com/docs/guides/audio; the
 * SDKs' {@code ChatCompletionContentPartInputAudio}); other formats and audio by URL are refused
 * before sending.
 *
 * <p>Tool messages accept text only, so images returned by a tool follow in a user message.
 * Thinking is not sent back: chat completions has no field for it.
 */
public final class OpenAiChatFormat {
  private static final String API = "OpenAI chat completions";

  /**
   * Where a provider that speaks OpenAI's chat shape departs from it. The renderer calls these
   * hooks at each point where a provider differs; every default is OpenAI's own behaviour.
   * Mistral's rules live in {@link dev.beamllm.provider.mistral.MistralFormat}.
   */
  public interface Dialect {
    /** The API's name in error messages ("Mistral chat: ..."). */
    String api();

    /** The id a tool call and its result carry on the wire. */
    default String callId(String id) {
      return id;
    }

    /** Called before a user turn is added, with the messages so far. */
    default void beforeUserTurn(ArrayNode messages) {}

    /** Fields a tool message adds beside {@code tool_call_id} and {@code content}. */
    default void toolMessage(ObjectNode tool, String toolName) {}

    /** An image part, or null for OpenAI's {@code {"type": "image_url", "image_url": {...}}}. */
    default ObjectNode imagePart(Image image) {
      return null;
    }

    /** A PDF document part, or null for OpenAI's {@code {"type": "file", "file": {...}}}. */
    default ObjectNode documentPart(File file) {
      return null;
    }

    /**
     * An audio part, or null for OpenAI's {@code {"type": "input_audio", "input_audio": {"data":
     * ..., "format": ...}}}.
     */
    default ObjectNode audioPart(Audio audio) {
      return null;
    }
  }

  /** OpenAI and the OpenAI-compatible endpoints. */
  public static final Dialect OPENAI = () -> API;

  private OpenAiChatFormat() {}

  /** {@code {"messages": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    return render(conversation, OPENAI);
  }

  /** {@code {"messages": [...]}} for the conversation in one dialect of the chat shape. */
  public static ObjectNode render(Conversation conversation, Dialect dialect) {
    conversation.validate();
    Map<String, String> toolNames = Formats.toolNamesById(conversation);
    ObjectNode body = Json.object();
    ArrayNode messages = body.putArray("messages");
    for (Message m : conversation.messages()) {
      switch (m.role()) {
        case SYSTEM -> messages.addObject().put("role", "system").put("content", m.text());
        case USER -> {
          dialect.beforeUserTurn(messages);
          messages.add(userMessage(m.parts(), dialect));
        }
        case ASSISTANT -> messages.add(assistantMessage(m, dialect));
        case TOOL -> {
          List<Part> images = new ArrayList<>();
          for (ToolResult result : m.partsOf(ToolResult.class)) {
            ObjectNode tool = messages.addObject();
            tool.put("role", "tool");
            tool.put("tool_call_id", dialect.callId(result.callId()));
            dialect.toolMessage(tool, toolNames.get(result.callId()));
            tool.put("content", Formats.resultText(result));
            result.content().stream().filter(Image.class::isInstance).forEach(images::add);
          }
          if (!images.isEmpty()) {
            List<Part> parts = new ArrayList<>();
            parts.add(new Text("Images returned by the tool calls above:"));
            parts.addAll(images);
            dialect.beforeUserTurn(messages);
            messages.add(userMessage(parts, dialect));
          }
        }
      }
    }
    return body;
  }

  private static ObjectNode userMessage(List<Part> parts, Dialect dialect) {
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
        content.add(imagePart(image, dialect));
      } else if (part instanceof File file) {
        content.add(filePart(file, dialect));
      } else if (part instanceof Audio audio) {
        content.add(audioPart(audio, dialect));
      }
    }
    return message;
  }

  /** The formats {@code input_audio.format} takes. */
  private static final List<String> OPENAI_AUDIO_FORMATS = List.of("wav", "mp3");

  private static ObjectNode audioPart(Audio audio, Dialect dialect) {
    if (audio.origin() == Audio.Origin.URL) {
      throw new UnsupportedPartException(
          dialect.api(), "audio by URL (" + audio.describe() + "); give a path or the bytes");
    }
    ObjectNode own = dialect.audioPart(audio);
    if (own != null) {
      return own;
    }
    String format = audio.format().orElse("unknown");
    if (!OPENAI_AUDIO_FORMATS.contains(format)) {
      throw new UnsupportedPartException(
          dialect.api(),
          audio.mediaType().orElse("unknown")
              + " audio ("
              + audio.describe()
              + "); input_audio takes only wav and mp3: convert it first");
    }
    ObjectNode part = Json.object().put("type", "input_audio");
    part.putObject("input_audio").put("data", audio.base64()).put("format", format);
    return part;
  }

  private static ObjectNode imagePart(Image image, Dialect dialect) {
    ObjectNode own = dialect.imagePart(image);
    if (own != null) {
      return own;
    }
    ObjectNode part = Json.object().put("type", "image_url");
    ObjectNode url = part.putObject("image_url").put("url", image.url());
    if (image.detail() != Image.Detail.AUTO) {
      url.put("detail", image.detail().wireName());
    }
    return part;
  }

  private static ObjectNode filePart(File file, Dialect dialect) {
    if (file.isText()) {
      return Json.object().put("type", "text").put("text", Formats.documentText(file));
    }
    if (file.mediaType().filter(t -> t.startsWith("image/")).isPresent()) {
      return imagePart(Image.fromBytes(file.bytes().orElseThrow()), dialect);
    }
    if (file.bytes().isPresent() && !file.isPdf()) {
      throw new UnsupportedPartException(
          dialect.api(),
          file.mediaType().orElse("unknown")
              + " documents ("
              + file.describe()
              + "); only PDF, plain text and images");
    }
    ObjectNode own = dialect.documentPart(file);
    if (own != null) {
      return own;
    }
    ObjectNode part = Json.object().put("type", "file");
    ObjectNode inner = part.putObject("file");
    switch (file.origin()) {
      case FILE_ID -> inner.put("file_id", file.fileId().orElseThrow());
      case PATH, BYTES -> {
        inner.put("filename", file.filename().orElse("document.pdf"));
        inner.put("file_data", file.dataUrl());
      }
      case URL ->
          throw new UnsupportedPartException(
              dialect.api(),
              "a document by URL ("
                  + file.describe()
                  + "); give a path, bytes or an uploaded file id");
    }
    return part;
  }

  private static ObjectNode assistantMessage(Message m, Dialect dialect) {
    ObjectNode message = Json.object().put("role", "assistant");
    List<ToolCall> calls = m.partsOf(ToolCall.class);
    List<Text> texts = m.partsOf(Text.class);
    if (texts.isEmpty() && !calls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", m.text());
    }
    if (!calls.isEmpty()) {
      ArrayNode toolCalls = message.putArray("tool_calls");
      for (ToolCall call : calls) {
        ObjectNode c = toolCalls.addObject();
        c.put("id", dialect.callId(call.id()));
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    return message;
  }
}

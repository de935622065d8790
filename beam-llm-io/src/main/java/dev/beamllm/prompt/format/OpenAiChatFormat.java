package dev.beamllm.prompt.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Digests;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Json;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions {@code messages}, also spoken by every OpenAI-compatible endpoint.
 * Reference: platform.openai.com/docs/api-reference/chat/create.
 *
 * <p>Tool messages accept text only, so images returned by a tool follow in a user message.
 * Thinking is not sent back: chat completions has no field for it.
 */
public final class OpenAiChatFormat {
  private static final String API = "OpenAI chat completions";

  /** The variations of OpenAI's chat shape that other providers speak. */
  enum Dialect {
    OPENAI,
    /**
     * Mistral: {@code image_url} may be a string, tool messages carry the tool {@code name}, PDFs
     * go as {@code document_url}, tool-call ids are 9 alphanumerics, and a user turn may not follow
     * a tool turn directly.
     */
    MISTRAL
  }

  private OpenAiChatFormat() {}

  /** {@code {"messages": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    return render(conversation, Dialect.OPENAI);
  }

  static ObjectNode render(Conversation conversation, Dialect dialect) {
    conversation.validate();
    String api = dialect == Dialect.MISTRAL ? "Mistral chat" : API;
    Map<String, String> toolNames = Formats.toolNamesById(conversation);
    ObjectNode body = Json.object();
    ArrayNode messages = body.putArray("messages");
    for (Message m : conversation.messages()) {
      switch (m.role()) {
        case SYSTEM -> messages.addObject().put("role", "system").put("content", m.text());
        case USER -> {
          bridgeAfterTool(messages, dialect);
          messages.add(userMessage(m.parts(), dialect, api));
        }
        case ASSISTANT -> messages.add(assistantMessage(m, dialect));
        case TOOL -> {
          List<Part> images = new ArrayList<>();
          for (ToolResult result : m.partsOf(ToolResult.class)) {
            ObjectNode tool = messages.addObject();
            tool.put("role", "tool");
            tool.put("tool_call_id", callId(result.callId(), dialect));
            if (dialect == Dialect.MISTRAL) {
              tool.put("name", toolNames.get(result.callId()));
            }
            tool.put("content", Formats.resultText(result));
            result.content().stream().filter(Image.class::isInstance).forEach(images::add);
          }
          if (!images.isEmpty()) {
            List<Part> parts = new ArrayList<>();
            parts.add(new Text("Images returned by the tool calls above:"));
            parts.addAll(images);
            bridgeAfterTool(messages, dialect);
            messages.add(userMessage(parts, dialect, api));
          }
        }
      }
    }
    return body;
  }

  /**
   * Mistral rejects a user turn right after a tool turn ("Unexpected role 'user' after role
   * 'tool'"), so a short assistant turn bridges them.
   */
  private static void bridgeAfterTool(ArrayNode messages, Dialect dialect) {
    if (dialect == Dialect.MISTRAL
        && messages.size() > 0
        && "tool".equals(messages.get(messages.size() - 1).path("role").asText())) {
      messages.addObject().put("role", "assistant").put("content", "Tool results received.");
    }
  }

  /**
   * Mistral requires tool-call ids of exactly nine letters or digits; other ids are mapped to a
   * stable nine-character hash so a call and its result still match.
   */
  static String callId(String id, Dialect dialect) {
    if (dialect != Dialect.MISTRAL || id.matches("[A-Za-z0-9]{9}")) {
      return id;
    }
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    java.math.BigInteger n = new java.math.BigInteger(1, Digests.sha256(id));
    StringBuilder out = new StringBuilder();
    java.math.BigInteger base = java.math.BigInteger.valueOf(alphabet.length());
    for (int i = 0; i < 9; i++) {
      java.math.BigInteger[] qr = n.divideAndRemainder(base);
      out.append(alphabet.charAt(qr[1].intValue()));
      n = qr[0];
    }
    return out.toString();
  }

  private static ObjectNode userMessage(List<Part> parts, Dialect dialect, String api) {
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
        content.add(filePart(file, dialect, api));
      }
    }
    return message;
  }

  private static ObjectNode imagePart(Image image, Dialect dialect) {
    ObjectNode part = Json.object().put("type", "image_url");
    if (dialect == Dialect.MISTRAL && image.detail() == Image.Detail.AUTO) {
      part.put("image_url", image.url());
      return part;
    }
    ObjectNode url = part.putObject("image_url").put("url", image.url());
    if (image.detail() != Image.Detail.AUTO) {
      url.put("detail", image.detail().wireName());
    }
    return part;
  }

  private static ObjectNode filePart(File file, Dialect dialect, String api) {
    if (file.isText()) {
      return Json.object().put("type", "text").put("text", Formats.documentText(file));
    }
    if (file.mediaType().filter(t -> t.startsWith("image/")).isPresent()) {
      return imagePart(Image.fromBytes(file.bytes().orElseThrow()), dialect);
    }
    if (file.bytes().isPresent() && !file.isPdf()) {
      throw new UnsupportedPartException(
          api,
          file.mediaType().orElse("unknown")
              + " documents ("
              + file.describe()
              + "); only PDF, plain text and images");
    }
    if (dialect == Dialect.MISTRAL) {
      ObjectNode doc = Json.object().put("type", "document_url");
      switch (file.origin()) {
        case URL -> doc.put("document_url", file.location().orElseThrow());
        case PATH, BYTES -> doc.put("document_url", file.dataUrl());
        case FILE_ID ->
            throw new UnsupportedPartException(
                api, "a file id (" + file.describe() + "); give the bytes or a URL");
      }
      file.filename().ifPresent(name -> doc.put("document_name", name));
      return doc;
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
              api,
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
        c.put("id", callId(call.id(), dialect));
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    return message;
  }

  /**
   * Imports a chat completions {@code messages} array, or a request body holding one. Text, {@code
   * image_url}, {@code file}, {@code tool_calls}, {@code tool} messages and DeepSeek's {@code
   * reasoning_content} are understood.
   */
  public static Conversation parse(JsonNode root) {
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

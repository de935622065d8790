package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.Formats;
import java.math.BigInteger;
import java.util.ArrayList;
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
  public enum Dialect {
    /** OpenAI and the OpenAI-compatible endpoints. */
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

  /**
   * {@code {"messages": [...]}} for the conversation in one dialect of the chat shape; Mistral's
   * renderer ({@link dev.beamllm.provider.mistral.MistralFormat}) is this with {@link
   * Dialect#MISTRAL}.
   */
  public static ObjectNode render(Conversation conversation, Dialect dialect) {
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
    BigInteger n = new BigInteger(1, Digests.sha256(id));
    StringBuilder out = new StringBuilder();
    BigInteger base = BigInteger.valueOf(alphabet.length());
    for (int i = 0; i < 9; i++) {
      BigInteger[] qr = n.divideAndRemainder(base);
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
}

package dev.beamllm.testing;

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
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads Mistral chat {@code messages} into a {@link Conversation}, enforcing Mistral's rules that
 * OpenAI does not have: tool-call ids of exactly nine letters or digits, no user turn right after a
 * tool turn, and a last turn from the user or a tool (or an assistant {@code prefix}). Content
 * chunks are {@code text}, {@code image_url} (a string, or an object with {@code url}) and {@code
 * document_url} (an https or data URL). Reference: docs.mistral.ai/api (chat completions).
 *
 * <p>Schema errors name the field at fault as a dotted path (see {@link MistralDialect#error});
 * rule errors carry Mistral's own message and no field.
 */
final class MistralMessages {
  static final String TOOL_CALL_ID = "[a-zA-Z0-9]{9}";

  private MistralMessages() {}

  /**
   * The conversation of a {@code messages} array, or a {@link ProviderError} as Mistral words it.
   */
  static Conversation read(JsonNode messages) {
    if (messages == null || messages.isNull()) {
      throw schema("Field required", "messages");
    }
    if (!messages.isArray()) {
      throw schema("Input should be a valid list", "messages");
    }
    if (messages.isEmpty()) {
      throw schema("List should have at least 1 item after validation, not 0", "messages");
    }
    List<Message> out = new ArrayList<>();
    String previous = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages." + i;
      String role = m.path("role").asText("");
      if (role.equals("user") && "tool".equals(previous)) {
        throw ProviderError.badRequest("Unexpected role 'user' after role 'tool'", null);
      }
      out.add(
          switch (role) {
            case "system" -> Message.of(Role.SYSTEM, content(m.get("content"), at, false));
            case "user" -> Message.of(Role.USER, content(m.get("content"), at, true));
            case "assistant" -> assistant(m, at);
            case "tool" -> tool(m, at);
            default ->
                throw schema(
                    "Input tag '"
                        + role
                        + "' found using 'role' does not match any of the expected tags: "
                        + "'system', 'user', 'assistant', 'tool'",
                    at);
          });
      previous = role;
    }
    JsonNode last = messages.get(messages.size() - 1);
    if (last.path("role").asText().equals("assistant") && !last.path("prefix").asBoolean(false)) {
      throw ProviderError.badRequest(
          "Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant",
          null);
    }
    try {
      return Conversation.of(out).validate();
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(e.getMessage(), null);
    }
  }

  /** An assistant turn: content, tool calls, or both, but not neither. */
  private static Message assistant(JsonNode m, String at) {
    List<Part> parts = new ArrayList<>();
    JsonNode content = m.get("content");
    if (content != null
        && !content.isNull()
        && !(content.isTextual() && content.textValue().isEmpty())) {
      parts.addAll(content(content, at, false));
    }
    JsonNode calls = m.get("tool_calls");
    if (calls != null && !calls.isNull()) {
      if (!calls.isArray()) {
        throw schema("Input should be a valid list", at + ".tool_calls");
      }
      for (int k = 0; k < calls.size(); k++) {
        parts.add(toolCall(calls.get(k), at + ".tool_calls." + k));
      }
    }
    if (parts.isEmpty()) {
      throw ProviderError.badRequest(
          "Assistant message must have either content or tool_calls, but not none.", null);
    }
    return Message.of(Role.ASSISTANT, parts);
  }

  /** One of an assistant turn's tool calls. */
  private static ToolCall toolCall(JsonNode call, String at) {
    String id = callId(call.get("id"));
    JsonNode fn = call.get("function");
    if (fn == null || !fn.isObject()) {
      throw schema("Field required", at + ".function");
    }
    if (!fn.path("name").isTextual()) {
      throw schema("Field required", at + ".function.name");
    }
    // Mistral takes the arguments as a JSON string or as the object itself.
    JsonNode args = fn.get("arguments");
    String arguments =
        args == null || args.isNull()
            ? "{}"
            : args.isTextual() ? args.textValue() : Json.write(args);
    try {
      return new ToolCall(id, fn.get("name").textValue(), arguments);
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(e.getMessage(), null);
    }
  }

  /** A tool turn: the result of the call its {@code tool_call_id} names. */
  private static Message tool(JsonNode m, String at) {
    String id = callId(m.get("tool_call_id"));
    List<Part> content = content(m.get("content"), at, false);
    StringBuilder text = new StringBuilder();
    for (Part p : content) {
      text.append(text.length() == 0 ? "" : "\n").append(((Text) p).text());
    }
    return Message.of(Role.TOOL, List.of(ToolResult.of(id, text.toString())));
  }

  /** A tool-call id, which Mistral requires to be exactly nine letters or digits. */
  private static String callId(JsonNode id) {
    String value = id == null || id.isNull() ? "null" : id.asText();
    if (!value.matches(TOOL_CALL_ID)) {
      throw ProviderError.badRequest(
          "Tool call id was " + value + " but must be a-z, A-Z, 0-9, with a length of 9.", null);
    }
    return value;
  }

  /** A string or a list of chunks; images and documents only where {@code media} allows. */
  private static List<Part> content(JsonNode content, String at, boolean media) {
    if (content == null || content.isNull()) {
      throw schema("Field required", at + ".content");
    }
    if (content.isTextual()) {
      return List.of(new Text(content.textValue()));
    }
    if (!content.isArray()) {
      throw schema("Input should be a valid string", at + ".content");
    }
    List<Part> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode chunk = content.get(j);
      String where = at + ".content." + j;
      String type = chunk.path("type").asText("");
      if (type.equals("text")) {
        parts.add(new Text(string(chunk, "text", where)));
      } else if (media && type.equals("image_url")) {
        parts.add(image(chunk.get("image_url"), where));
      } else if (media && type.equals("document_url")) {
        parts.add(document(chunk, where));
      } else if (media && type.equals("input_audio")) {
        parts.add(audio(chunk, where));
      } else {
        String expected = media ? "'text', 'image_url', 'document_url', 'input_audio'" : "'text'";
        throw schema(
            "Input tag '"
                + type
                + "' found using 'type' does not match any of the expected tags: "
                + expected,
            where);
      }
    }
    return parts;
  }

  /** An image from a URL string or {@code {"url":..}}; data URLs carry the bytes. */
  private static Image image(JsonNode imageUrl, String at) {
    String url =
        imageUrl == null
            ? null
            : imageUrl.isTextual() ? imageUrl.textValue() : imageUrl.path("url").asText(null);
    if (url == null) {
      throw schema("Field required", at + ".image_url");
    }
    try {
      Image image = Image.fromUrl(url);
      JsonNode detail = imageUrl.path("detail");
      return detail.isTextual() ? image.withDetail(Image.Detail.parse(detail.textValue())) : image;
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Invalid image_url at " + at + ": " + e.getMessage(), null);
    }
  }

  /**
   * Audio from {@code input_audio}: a base64 string, as Mistral's {@code AudioChunk} has it (not
   * OpenAI's object with {@code data} and {@code format}, which is a schema error here).
   */
  private static Audio audio(JsonNode chunk, String at) {
    String data = string(chunk, "input_audio", at);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ProviderError.badRequest("Invalid input_audio at " + at + ": not valid base64", null);
    }
    try {
      return Audio.fromBytes(bytes);
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(
          "Invalid input_audio at " + at + ": unrecognised audio format", null);
    }
  }

  /** A document from an https URL (fetched by the provider) or a data URL (a PDF's bytes). */
  private static File document(JsonNode chunk, String at) {
    String url = string(chunk, "document_url", at);
    try {
      File file = File.fromUrl(url);
      JsonNode name = chunk.get("document_name");
      return name != null && name.isTextual() ? file.withFilename(name.textValue()) : file;
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Invalid document_url at " + at + ": " + e.getMessage(), null);
    }
  }

  private static String string(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw schema("Field required", at + "." + field);
    }
    if (!v.isTextual()) {
      throw schema("Input should be a valid string", at + "." + field);
    }
    return v.textValue();
  }

  /** A schema error: Mistral's pydantic message and the dotted path of the field at fault. */
  static ProviderError schema(String message, String path) {
    return ProviderError.badRequest(message, path);
  }
}

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
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Bedrock Converse {@code system} and {@code messages} into a {@link Conversation},
 * validating as Bedrock does: the conversation starts with a user turn and alternates, every
 * content block sets exactly one member ({@code text}, {@code image}, {@code document}, {@code
 * toolUse}, {@code toolResult}, {@code reasoningContent} or {@code cachePoint}), and bytes are
 * base64. Tool results in a user turn become a tool message before the turn's other content.
 * Reference: docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html.
 */
final class ConverseImporter {
  private static final Set<String> MEMBERS =
      Set.of(
          "text", "image", "document", "toolUse", "toolResult", "reasoningContent", "cachePoint");
  private static final Set<String> IMAGE_FORMATS = Set.of("png", "jpeg", "gif", "webp");
  private static final Map<String, String> DOCUMENT_TYPES =
      Map.of(
          "pdf", "application/pdf",
          "txt", "text/plain",
          "md", "text/plain",
          "csv", "text/plain",
          "html", "text/plain",
          "doc", "application/msword",
          "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xls", "application/vnd.ms-excel",
          "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  private ConverseImporter() {}

  /**
   * The conversation of a Converse request.
   *
   * @throws ProviderError a {@code ValidationException} with Bedrock's message
   */
  static Conversation conversation(JsonNode system, JsonNode messages) {
    List<Message> out = new ArrayList<>();
    if (system != null && !system.isNull()) {
      if (!system.isArray()) {
        throw BedrockConverseDialect.constraint(
            system.toString(), "system", "Member must be a list");
      }
      for (JsonNode block : system) {
        if (block.hasNonNull("text")) {
          out.add(Message.system(block.get("text").asText()));
        }
      }
    }
    if (messages == null || messages.isNull()) {
      throw BedrockConverseDialect.constraint("null", "messages", "Member must not be null");
    }
    if (!messages.isArray()) {
      throw BedrockConverseDialect.constraint(
          messages.toString(), "messages", "Member must be a list");
    }
    String previous = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        throw BedrockConverseDialect.constraint(
            role,
            "messages." + (i + 1) + ".member.role",
            "Member must satisfy enum value set: [user, assistant]");
      }
      if (previous == null && !role.equals("user")) {
        throw ProviderError.badRequest(
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            "messages");
      }
      if (role.equals(previous)) {
        throw ProviderError.badRequest(
            "A conversation must alternate between user and assistant roles. "
                + "Make sure the conversation alternates between user and assistant roles and try again.",
            "messages");
      }
      previous = role;
      out.addAll(message(m, i, role.equals("user") ? Role.USER : Role.ASSISTANT));
    }
    if (previous == null) {
      throw ProviderError.badRequest(
          "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
          "messages");
    }
    try {
      return Conversation.of(out).validate();
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(e.getMessage(), "messages");
    }
  }

  private static List<Message> message(JsonNode m, int index, Role role) {
    JsonNode content = m.get("content");
    if (content == null || !content.isArray() || content.isEmpty()) {
      throw BedrockConverseDialect.constraint(
          String.valueOf(content),
          "messages." + (index + 1) + ".member.content",
          "Member must have length greater than or equal to 1");
    }
    List<Part> results = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      Part part = block(content.get(j), "messages." + index + ".content." + j);
      if (part != null) {
        (part instanceof ToolResult ? results : parts).add(part);
      }
    }
    List<Message> out = new ArrayList<>();
    if (!results.isEmpty()) {
      out.add(Message.of(Role.TOOL, results));
    }
    if (!parts.isEmpty()) {
      out.add(Message.of(role, parts));
    }
    return out;
  }

  /**
   * One content block as a part; null for a {@code cachePoint}, which only marks the cache prefix.
   */
  private static Part block(JsonNode b, String at) {
    List<String> set = new ArrayList<>();
    b.fieldNames()
        .forEachRemaining(
            n -> {
              if (MEMBERS.contains(n)) {
                set.add(n);
              }
            });
    if (set.size() != 1 || b.size() != 1) {
      throw ProviderError.badRequest(
          "The ContentBlock object at "
              + at
              + " must set exactly one of the following keys: "
              + "text, image, document, toolUse, toolResult, reasoningContent, cachePoint.",
          "messages");
    }
    JsonNode v = b.get(set.get(0));
    try {
      return switch (set.get(0)) {
        case "text" -> text(v, at);
        case "image" -> image(v, at);
        case "document" -> document(v, at);
        case "toolUse" ->
            new ToolCall(
                v.path("toolUseId").asText(), v.path("name").asText(), Json.write(v.path("input")));
        case "toolResult" -> toolResult(v, at);
        case "reasoningContent" -> reasoning(v, at);
        default -> null;
      };
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(
          "The "
              + set.get(0)
              + " in the ContentBlock object at "
              + at
              + " is invalid: "
              + e.getMessage(),
          "messages");
    }
  }

  private static Text text(JsonNode v, String at) {
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw ProviderError.badRequest(
          "The text field in the ContentBlock object at "
              + at
              + " is blank. Add text to the text field, and try again.",
          "messages");
    }
    return new Text(v.textValue());
  }

  private static Image image(JsonNode v, String at) {
    String format = v.path("format").asText("");
    if (!IMAGE_FORMATS.contains(format)) {
      throw ProviderError.badRequest(
          "The format of the image at " + at + " must be one of png, jpeg, gif or webp.",
          "messages");
    }
    return Image.fromBase64(bytes(v, at + ".image"));
  }

  private static File document(JsonNode v, String at) {
    String mediaType = DOCUMENT_TYPES.get(v.path("format").asText(""));
    if (mediaType == null) {
      throw ProviderError.badRequest(
          "The format of the document at "
              + at
              + " must be one of pdf, csv, doc, docx, xls, xlsx, html, txt or md.",
          "messages");
    }
    String name = v.path("name").asText("");
    if (name.isBlank()) {
      throw ProviderError.badRequest(
          "The document at " + at + " has no name. Add a name, and try again.", "messages");
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(bytes(v, at + ".document"));
    } catch (IllegalArgumentException e) {
      throw ProviderError.badRequest(
          "The document bytes at " + at + " are not valid base64.", "messages");
    }
    return File.fromBytes(data, name, mediaType);
  }

  private static ToolResult toolResult(JsonNode v, String at) {
    List<Part> parts = new ArrayList<>();
    for (JsonNode c : v.path("content")) {
      if (c.has("text")) {
        parts.add(new Text(c.get("text").asText()));
      } else if (c.has("json")) {
        parts.add(new Text(Json.canonical(c.get("json"))));
      } else if (c.has("image")) {
        parts.add(image(c.get("image"), at + ".toolResult"));
      } else {
        throw ProviderError.badRequest(
            "The toolResult content at " + at + " must be text, json or image.", "messages");
      }
    }
    if (parts.isEmpty()) {
      parts.add(new Text(""));
    }
    return new ToolResult(
        v.path("toolUseId").asText(), parts, "error".equals(v.path("status").asText()));
  }

  private static Thinking reasoning(JsonNode v, String at) {
    JsonNode text = v.get("reasoningText");
    if (text != null) {
      return new Thinking(
          text.path("text").asText(), text.path("signature").asText(null), null, Thinking.BEDROCK);
    }
    if (v.has("redactedContent")) {
      return Thinking.raw(Json.canonical(v), Thinking.BEDROCK);
    }
    throw ProviderError.badRequest(
        "The reasoningContent at " + at + " must set reasoningText or redactedContent.",
        "messages");
  }

  private static String bytes(JsonNode v, String at) {
    JsonNode bytes = v.path("source").get("bytes");
    if (bytes == null || !bytes.isTextual()) {
      throw ProviderError.badRequest(
          "The source of the " + at + " must set bytes (base64).", "messages");
    }
    return bytes.textValue();
  }
}

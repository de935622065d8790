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
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads Gemini's {@code systemInstruction} and {@code contents} into a {@link Conversation}: the
 * inverse of {@code GeminiFormat}. Gemini's function calls carry no id, so calls get {@code
 * gemini-call-N} in order and each {@code functionResponse} answers the earliest open call of the
 * same name (or the one whose {@code id} it names); a user turn's function responses become a tool
 * message and its other parts a user message, in their order.
 */
final class GeminiContents {
  private static final Set<String> CONTENT_FIELDS = Set.of("role", "parts");
  private static final Set<String> PART_FIELDS =
      Set.of(
          "text",
          "inlineData",
          "fileData",
          "functionCall",
          "functionResponse",
          "thought",
          "thoughtSignature",
          "executableCode",
          "codeExecutionResult");
  private static final List<String> DATA_FIELDS =
      List.of(
          "text",
          "inlineData",
          "fileData",
          "functionCall",
          "functionResponse",
          "executableCode",
          "codeExecutionResult");
  private static final Set<String> OUTCOMES =
      Set.of("OUTCOME_UNSPECIFIED", "OUTCOME_OK", "OUTCOME_FAILED", "OUTCOME_DEADLINE_EXCEEDED");

  private final List<Message> messages = new ArrayList<>();
  private final List<OpenCall> open = new ArrayList<>();
  private int calls;

  /** A function call not yet answered. */
  private record OpenCall(String id, String name) {}

  private GeminiContents() {}

  /**
   * The conversation, validated.
   *
   * @throws ProviderError a 400 naming the field at fault
   */
  static Conversation read(JsonNode systemInstruction, JsonNode contents) {
    GeminiContents reader = new GeminiContents();
    if (systemInstruction != null) {
      reader.system(systemInstruction);
    }
    if (contents == null || !contents.isArray() || contents.isEmpty()) {
      throw GeminiFields.violation("contents", "contents is not specified");
    }
    for (int i = 0; i < contents.size(); i++) {
      reader.turn(contents.get(i), "contents[" + i + "]");
    }
    try {
      return Conversation.of(reader.messages).validate();
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest(
          "Request contains an invalid argument: " + e.getMessage(), "contents");
    }
  }

  /** {@code systemInstruction}: text parts only, joined into one system message. */
  private void system(JsonNode content) {
    GeminiFields.checkKnown(content, CONTENT_FIELDS, "system_instruction");
    List<String> texts = new ArrayList<>();
    for (JsonNode part : parts(content, "system_instruction")) {
      JsonNode text = GeminiFields.get(part, "text");
      if (text == null || !text.isTextual()) {
        throw GeminiFields.violation("system_instruction.parts", "only text should be provided");
      }
      texts.add(text.textValue());
    }
    messages.add(Message.system(String.join("\n", texts)));
  }

  /** One content: its role ({@code user} when omitted, as the API allows) and its parts. */
  private void turn(JsonNode content, String where) {
    GeminiFields.checkKnown(content, CONTENT_FIELDS, where);
    JsonNode roleNode = GeminiFields.get(content, "role");
    String role = roleNode == null ? "user" : roleNode.asText();
    if (!role.equals("user") && !role.equals("model")) {
      throw ProviderError.badRequest("Please use a valid role: user, model.", where + ".role");
    }
    List<JsonNode> parts = parts(content, where);
    if (role.equals("model")) {
      modelTurn(parts, where);
    } else {
      userTurn(parts, where);
    }
  }

  /** The parts, each checked to hold known fields and exactly one kind of data. */
  private static List<JsonNode> parts(JsonNode content, String where) {
    JsonNode parts = GeminiFields.get(content, "parts");
    if (parts == null || !parts.isArray() || parts.isEmpty()) {
      throw GeminiFields.violation(where + ".parts", "contents.parts must not be empty.");
    }
    List<JsonNode> out = new ArrayList<>();
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      String at = where + ".parts[" + j + "]";
      GeminiFields.checkKnown(part, PART_FIELDS, at);
      long data = DATA_FIELDS.stream().filter(f -> GeminiFields.has(part, f)).count();
      if (data != 1) {
        throw ProviderError.badRequest(
            "Invalid value at '"
                + at
                + ".data': a part must hold exactly one of text, inline_data, file_data, function_call,"
                + " function_response, executable_code or code_execution_result",
            at);
      }
      out.add(part);
    }
    return out;
  }

  /** Text, thoughts (with their signatures) and function calls, as one assistant message. */
  private void modelTurn(List<JsonNode> parts, String where) {
    List<Part> out = new ArrayList<>();
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      String at = where + ".parts[" + j + "]";
      String signature = text(part, "thoughtSignature");
      JsonNode call = GeminiFields.get(part, "functionCall");
      if (GeminiFields.bool(part, "thought", at) && GeminiFields.has(part, "text")) {
        out.add(
            new Thinking(
                text(part, "text"), signature, null, signature == null ? null : Thinking.GEMINI));
        continue;
      }
      if (signature != null) {
        // A signature on a non-thought part signs the reasoning that led to it; GeminiFormat
        // writes it back on that same part.
        out.add(new Thinking("", signature, null, Thinking.GEMINI));
      }
      JsonNode code = GeminiFields.get(part, "executableCode");
      JsonNode result = GeminiFields.get(part, "codeExecutionResult");
      if (code != null) {
        out.add(codeRun(part, code, null, null, at + ".executable_code"));
      } else if (result != null) {
        // Joins the code it ran, when that is the turn's last part so far.
        Part before = out.isEmpty() ? null : out.get(out.size() - 1);
        if (before instanceof ServerToolUse run
            && BuiltinToolCalls.CODE_INTERPRETER.equals(run.kind())
            && run.output() == null) {
          JsonNode codePart = Json.parse(run.raw()).get(0);
          out.set(
              out.size() - 1,
              codeRun(
                  codePart,
                  GeminiFields.get(codePart, "executableCode"),
                  part,
                  result,
                  at + ".code_execution_result"));
        } else {
          out.add(codeRun(null, null, part, result, at + ".code_execution_result"));
        }
      } else if (call != null) {
        out.add(call(call, at + ".function_call"));
      } else if (GeminiFields.has(part, "text")) {
        out.add(new Text(text(part, "text")));
      } else {
        throw ProviderError.badRequest(
            "The fake provider accepts inline_data and file_data in user turns only", at);
      }
    }
    messages.add(Message.of(Role.ASSISTANT, out));
  }

  /**
   * Code Gemini ran ({@code executableCode}: a language and the code) and its result ({@code
   * codeExecutionResult}: an outcome and its output), either of which may be missing, as one part.
   */
  private static ServerToolUse codeRun(
      JsonNode codePart, JsonNode code, JsonNode resultPart, JsonNode result, String at) {
    String source = "";
    if (code != null) {
      GeminiFields.checkKnown(code, Set.of("language", "code", "id"), at);
      JsonNode language = GeminiFields.get(code, "language");
      if (language != null
          && !Set.of("PYTHON", "LANGUAGE_UNSPECIFIED").contains(language.asText())) {
        throw ProviderError.badRequest(
            "Invalid value at '"
                + at
                + ".language' (type.googleapis.com/google.ai.generativelanguage.v1beta.ExecutableCode.Language), \""
                + language.asText()
                + "\"",
            at + ".language");
      }
      JsonNode c = GeminiFields.get(code, "code");
      if (c == null || !c.isTextual()) {
        throw GeminiFields.violation(at + ".code", "code must be a string");
      }
      source = c.textValue();
    }
    String output = null;
    boolean failed = false;
    if (result != null) {
      GeminiFields.checkKnown(result, Set.of("outcome", "output", "id"), at);
      JsonNode outcome = GeminiFields.get(result, "outcome");
      if (outcome == null || !OUTCOMES.contains(outcome.asText())) {
        throw ProviderError.badRequest(
            "Invalid value at '"
                + at
                + ".outcome' (type.googleapis.com/google.ai.generativelanguage.v1beta.CodeExecutionResult.Outcome), \""
                + (outcome == null ? "" : outcome.asText())
                + "\"",
            at + ".outcome");
      }
      JsonNode o = GeminiFields.get(result, "output");
      output = o == null ? "" : o.asText();
      failed = !outcome.asText().equals("OUTCOME_OK");
    }
    com.fasterxml.jackson.databind.node.ArrayNode raw = Json.MAPPER.createArrayNode();
    if (codePart != null) {
      raw.add(codePart);
    }
    if (resultPart != null) {
      raw.add(resultPart);
    }
    return new ServerToolUse(
        BuiltinToolCalls.CODE_INTERPRETER,
        null,
        "code_execution",
        Json.write(Json.object().put("code", source)),
        output,
        failed,
        Json.write(raw),
        Thinking.GEMINI);
  }

  /**
   * A function call with its own {@code id}, or the next {@code gemini-call-N}, left open for its
   * response.
   */
  private ToolCall call(JsonNode call, String at) {
    JsonNode name = GeminiFields.get(call, "name");
    if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
      throw GeminiFields.violation(at + ".name", "Name cannot be empty.");
    }
    JsonNode args = GeminiFields.get(call, "args");
    if (args != null && !args.isObject()) {
      throw ProviderError.badRequest(
          "Invalid value at '"
              + at
              + ".args' (type.googleapis.com/google.protobuf.Struct), "
              + args,
          at + ".args");
    }
    JsonNode given = GeminiFields.get(call, "id");
    String id = given != null ? given.asText() : "gemini-call-" + (++calls);
    open.add(new OpenCall(id, name.textValue()));
    return new ToolCall(id, name.textValue(), args == null ? "{}" : Json.write(args));
  }

  /** Runs of function responses become tool messages; the other parts, user messages. */
  private void userTurn(List<JsonNode> parts, String where) {
    List<Part> run = new ArrayList<>();
    Role runRole = null;
    for (int j = 0; j < parts.size(); j++) {
      JsonNode part = parts.get(j);
      String at = where + ".parts[" + j + "]";
      JsonNode response = GeminiFields.get(part, "functionResponse");
      Role role = response != null ? Role.TOOL : Role.USER;
      if (runRole != null && role != runRole) {
        messages.add(Message.of(runRole, run));
        run = new ArrayList<>();
      }
      runRole = role;
      run.add(response != null ? result(response, at + ".function_response") : userPart(part, at));
    }
    messages.add(Message.of(runRole, run));
  }

  /**
   * A function response, answering the open call it names by {@code id}, else the earliest of its
   * name.
   */
  private ToolResult result(JsonNode response, String at) {
    JsonNode name = GeminiFields.get(response, "name");
    if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
      throw GeminiFields.violation(at + ".name", "Name cannot be empty.");
    }
    JsonNode body = GeminiFields.get(response, "response");
    if (body == null || !body.isObject()) {
      throw GeminiFields.violation(at + ".response", "response must be a JSON object");
    }
    JsonNode id = GeminiFields.get(response, "id");
    OpenCall match = null;
    for (OpenCall c : open) {
      if (id != null ? c.id.equals(id.asText()) : c.name.equals(name.textValue())) {
        match = c;
        break;
      }
    }
    if (match == null) {
      throw ProviderError.badRequest(
          "Please ensure that function response turn comes immediately after a function call turn.",
          at);
    }
    open.remove(match);
    // GeminiFormat writes {"output": text} or {"error": text}; any other object is the result
    // itself.
    JsonNode output = body.get("output");
    JsonNode error = body.get("error");
    // A multimodal response carries images in its own parts (the computer tool's screenshots).
    List<Part> images = new ArrayList<>();
    JsonNode parts = GeminiFields.get(response, "parts");
    if (parts != null) {
      for (int k = 0; k < parts.size(); k++) {
        JsonNode inline = GeminiFields.get(parts.get(k), "inlineData");
        if (inline == null) {
          throw ProviderError.badRequest(
              "The fake provider reads inline_data in function response parts only",
              at + ".parts[" + k + "]");
        }
        images.add(inline(inline, at + ".parts[" + k + "].inline_data"));
      }
    }
    String text;
    boolean isError = false;
    if (body.size() == 1 && output != null && output.isTextual()) {
      text = output.textValue();
    } else if (body.size() == 1 && error != null && error.isTextual()) {
      text = error.textValue();
      isError = true;
    } else {
      text = Json.write(body);
    }
    List<Part> content = new ArrayList<>();
    content.add(new Text(text));
    content.addAll(images);
    return new ToolResult(match.id, content, isError);
  }

  private static Part userPart(JsonNode part, String at) {
    if (GeminiFields.has(part, "executableCode") || GeminiFields.has(part, "codeExecutionResult")) {
      throw ProviderError.badRequest(
          "executable_code and code_execution_result parts belong in model turns only", at);
    }
    if (GeminiFields.has(part, "text")) {
      return new Text(text(part, "text"));
    }
    JsonNode inline = GeminiFields.get(part, "inlineData");
    if (inline != null) {
      return inline(inline, at + ".inline_data");
    }
    return fileData(GeminiFields.get(part, "fileData"), at + ".file_data");
  }

  /**
   * The audio types Gemini takes (ai.google.dev/gemini-api/docs/audio); another {@code audio/} type
   * is its 400 "Unsupported MIME type".
   */
  private static final Set<String> AUDIO_TYPES =
      Set.of("audio/wav", "audio/mp3", "audio/aiff", "audio/aac", "audio/ogg", "audio/flac");

  private static void checkAudioType(String mime, String at) {
    if (!AUDIO_TYPES.contains(mime.toLowerCase(Locale.ROOT))) {
      throw ProviderError.badRequest("Unsupported MIME type: " + mime, at + ".mime_type");
    }
  }

  /**
   * Inline bytes: audio or an image when the media type says so (and, for an image, the bytes
   * agree), else a document.
   */
  private static Part inline(JsonNode inline, String at) {
    String mime = required(inline, "mimeType", at);
    String data = required(inline, "data", at);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ProviderError.badRequest(
          "Invalid value at '"
              + at
              + ".data' (TYPE_BYTES), Base64 decoding failed for \""
              + (data.length() > 40 ? data.substring(0, 40) + "..." : data)
              + "\"",
          at + ".data");
    }
    if (mime.toLowerCase(Locale.ROOT).startsWith("audio/")) {
      checkAudioType(mime, at);
      return Audio.fromBytes(bytes, mime.toLowerCase(Locale.ROOT));
    }
    try {
      return mime.toLowerCase(Locale.ROOT).startsWith("image/")
          ? Image.fromBytes(bytes)
          : File.fromBytes(bytes, "document", mime);
    } catch (InvalidPromptException e) {
      throw ProviderError.badRequest("Provided image is not valid", at);
    }
  }

  /** A file by URI: an image or a document the provider would fetch; only http(s) URIs are read. */
  private static Part fileData(JsonNode file, String at) {
    String uri = required(file, "fileUri", at);
    JsonNode mime = GeminiFields.get(file, "mimeType");
    if (!uri.startsWith("https://") && !uri.startsWith("http://")) {
      throw ProviderError.badRequest(
          "Unsupported file uri: " + uri + " (the fake provider reads http(s) URIs only)",
          at + ".file_uri");
    }
    if (mime != null && mime.asText().toLowerCase(Locale.ROOT).startsWith("audio/")) {
      checkAudioType(mime.asText(), at);
      return Audio.fromUrl(uri).withMediaType(mime.asText().toLowerCase(Locale.ROOT));
    }
    boolean image = mime != null && mime.asText().toLowerCase(Locale.ROOT).startsWith("image/");
    return image ? Image.fromUrl(uri) : File.fromUrl(uri);
  }

  private static String required(JsonNode node, String field, String at) {
    JsonNode v = GeminiFields.get(node, field);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
      throw GeminiFields.violation(
          at + "." + GeminiFields.snake(field), GeminiFields.snake(field) + " is required");
    }
    return v.textValue();
  }

  private static String text(JsonNode part, String field) {
    JsonNode v = GeminiFields.get(part, field);
    return v == null ? null : v.asText();
  }
}

package dev.beamllm.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * The project's own JSON form of a {@link Conversation}, version {@value #VERSION}:
 *
 * <pre>{@code
 * {"v": 1, "id": "row-7", "metadata": {...},
 *  "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}, ...]}]}
 * }</pre>
 *
 * Part forms: {@code text} with {@code text} and optional {@code item_id}; {@code image} with one
 * of {@code path}, {@code url} (http(s) or data URL) or {@code data} (base64), optional {@code
 * detail} and, on reading, {@code max_side}; {@code file} with one of {@code path}, {@code url},
 * {@code data} or {@code file_id}, optional {@code filename} and {@code media_type}; {@code audio}
 * with one of {@code path}, {@code url} (a URI the provider fetches, or a data URL) or {@code data}
 * (base64), and optional {@code media_type} (recognised from the bytes when absent); {@code
 * tool_call} with {@code id}, {@code name}, {@code arguments} and optional {@code item_id}; {@code
 * tool_result} with {@code call_id}, {@code content} (a string or parts) and {@code is_error};
 * {@code thinking} with {@code text}, {@code signature}, {@code raw} and {@code origin}; {@code
 * server_tool_use} (a tool the provider ran) with {@code kind}, {@code server}, {@code name},
 * {@code arguments}, {@code output}, {@code is_error}, {@code raw} and {@code origin}. A message's
 * {@code content} may also be a plain string. Relative paths resolve against a base directory given
 * when reading.
 */
public final class ConversationJson {
  /** The version written in the {@code v} field. */
  public static final int VERSION = 1;

  /** How media are written. */
  public enum Mode {
    /** Paths and URLs as references; bytes only for images and files given as bytes. */
    REFERENCE,
    /**
     * Bytes embedded for everything that has them (paths kept too), so no file is needed to read it
     * back.
     */
    EMBEDDED,
    /** Media replaced by the SHA-256 of their bytes; no id or metadata. Used for fingerprints. */
    FINGERPRINT
  }

  private ConversationJson() {}

  /** Writes a conversation as JSON text in this form. */
  public static String toJson(Conversation conversation, Mode mode) {
    return Json.write(toTree(conversation, mode));
  }

  /**
   * Writes one message as {@code {"role": ..., "content": [parts]}}, exactly as a conversation's
   * messages are written, so other JSON forms (an answer's message) share the part forms.
   */
  public static String messageToJson(Message message, Mode mode) {
    return Json.writeEscapingSurrogates(writeMessage(message, mode));
  }

  /**
   * Reads one message written by {@link #messageToJson} without validating it; relative paths
   * resolve against the working directory (the {@link Mode#EMBEDDED} form needs no file).
   */
  public static Message restoreMessage(String json) {
    return readMessage(Json.parse(json), null);
  }

  /**
   * Reads a conversation without validating it, so that any conversation written by {@link #toJson}
   * reads back as it was (used by coders).
   */
  public static Conversation restore(String json) {
    return restore(Json.parse(json), null);
  }

  /** Writes a conversation as a JSON tree. */
  static ObjectNode toTree(Conversation conversation, Mode mode) {
    ObjectNode root = Json.object();
    root.put("v", VERSION);
    if (mode != Mode.FINGERPRINT) {
      conversation.id().ifPresent(id -> root.put("id", id));
      conversation.metadataJson().ifPresent(m -> root.set("metadata", Json.parse(m)));
    }
    ArrayNode messages = root.putArray("messages");
    for (Message message : conversation.messages()) {
      messages.add(writeMessage(message, mode));
    }
    return root;
  }

  /**
   * Writes one message as {@code {"role": ..., "content": [parts]}}, exactly as {@link #toTree}
   * writes each of a conversation's messages, so other JSON forms (an answer's message) share the
   * part forms.
   */
  static ObjectNode writeMessage(Message message, Mode mode) {
    ObjectNode m = Json.object();
    m.put("role", message.role().wireName());
    ArrayNode content = m.putArray("content");
    for (Part part : message.parts()) {
      content.add(writePart(part, mode));
    }
    return m;
  }

  /** The SHA-256 (hex) of the canonical fingerprint form. */
  static String fingerprint(Conversation conversation) {
    String canonical = Json.canonical(toTree(conversation, Mode.FINGERPRINT));
    return sha256(("beamllm-conversation\n" + canonical).getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode writePart(Part part, Mode mode) {
    ObjectNode node = Json.object();
    node.put("type", part.type());
    if (part instanceof Text t) {
      node.put("text", t.text());
      if (t.itemId() != null) {
        node.put("item_id", t.itemId());
      }
    } else if (part instanceof Image image) {
      writeImage(node, image, mode);
    } else if (part instanceof File file) {
      writeFile(node, file, mode);
    } else if (part instanceof Audio audio) {
      writeAudio(node, audio, mode);
    } else if (part instanceof ToolCall call) {
      node.put("id", call.id());
      node.put("name", call.name());
      node.set("arguments", Json.parse(call.arguments()));
      if (call.itemId() != null) {
        node.put("item_id", call.itemId());
      }
    } else if (part instanceof ToolResult result) {
      node.put("call_id", result.callId());
      ArrayNode content = node.putArray("content");
      for (Part p : result.content()) {
        content.add(writePart(p, mode));
      }
      if (result.isError()) {
        node.put("is_error", true);
      }
    } else if (part instanceof Thinking thinking) {
      node.put("text", thinking.text());
      if (thinking.signature() != null) {
        node.put("signature", thinking.signature());
      }
      if (thinking.raw() != null) {
        node.set("raw", Json.parse(thinking.raw()));
      }
      if (thinking.origin() != null) {
        node.put("origin", thinking.origin());
      }
    } else if (part instanceof ServerToolUse use) {
      node.put("kind", use.kind());
      if (use.server() != null) {
        node.put("server", use.server());
      }
      node.put("name", use.name());
      node.set("arguments", argumentsNode(use.arguments()));
      if (use.output() != null) {
        node.put("output", use.output());
      }
      if (use.isError()) {
        node.put("is_error", true);
      }
      if (use.raw() != null) {
        node.set("raw", Json.parse(use.raw()));
      }
      if (use.origin() != null) {
        node.put("origin", use.origin());
      }
    }
    return node;
  }

  private static JsonNode argumentsNode(String arguments) {
    try {
      return Json.parse(arguments);
    } catch (RuntimeException notJson) {
      return TextNode.valueOf(arguments);
    }
  }

  private static void writeImage(ObjectNode node, Image image, Mode mode) {
    if (mode == Mode.FINGERPRINT && image.rawBytes() != null) {
      node.put("sha256", sha256(image.rawBytes()));
      node.put("media_type", image.mediaType().orElseThrow());
    } else {
      switch (image.origin()) {
        case PATH -> node.put("path", image.location().orElseThrow());
        case URL -> node.put("url", image.location().orElseThrow());
        case BYTES -> {}
      }
      if (image.origin() == Image.Origin.BYTES
          || (mode == Mode.EMBEDDED && image.rawBytes() != null)) {
        node.put("data", Base64.getEncoder().encodeToString(image.rawBytes()));
        node.put("media_type", image.mediaType().orElseThrow());
      }
    }
    if (image.detail() != Image.Detail.AUTO) {
      node.put("detail", image.detail().wireName());
    }
  }

  private static void writeFile(ObjectNode node, File file, Mode mode) {
    if (mode == Mode.FINGERPRINT && file.rawBytes() != null) {
      node.put("sha256", sha256(file.rawBytes()));
    } else {
      switch (file.origin()) {
        case PATH -> node.put("path", file.location().orElseThrow());
        case URL -> node.put("url", file.location().orElseThrow());
        case FILE_ID -> node.put("file_id", file.location().orElseThrow());
        case BYTES -> {}
      }
      if (file.origin() == File.Origin.BYTES
          || (mode == Mode.EMBEDDED && file.rawBytes() != null)) {
        node.put("data", Base64.getEncoder().encodeToString(file.rawBytes()));
      }
    }
    file.mediaType().ifPresent(t -> node.put("media_type", t));
    file.filename().ifPresent(n -> node.put("filename", n));
  }

  private static void writeAudio(ObjectNode node, Audio audio, Mode mode) {
    if (mode == Mode.FINGERPRINT && audio.rawBytes() != null) {
      node.put("sha256", sha256(audio.rawBytes()));
    } else {
      switch (audio.origin()) {
        case PATH -> node.put("path", audio.location().orElseThrow());
        case URL -> node.put("url", audio.location().orElseThrow());
        case BYTES -> {}
      }
      if (audio.origin() == Audio.Origin.BYTES
          || (mode == Mode.EMBEDDED && audio.rawBytes() != null)) {
        node.put("data", Base64.getEncoder().encodeToString(audio.rawBytes()));
      }
    }
    audio.mediaType().ifPresent(t -> node.put("media_type", t));
  }

  private static String sha256(byte[] bytes) {
    return Digests.sha256Hex(bytes);
  }

  /** Base64 data, or a data URL, as bytes. */
  private static byte[] decodeData(String data, String what) {
    return Sources.isDataUrl(data)
        ? Sources.parseDataUrl(data, what).bytes()
        : Sources.decodeBase64(data, what + " data");
  }

  /** Reads a conversation from JSON text; relative paths resolve against the working directory. */
  public static Conversation fromJson(String json) {
    return fromTree(Json.parse(json), null);
  }

  /**
   * Reads a conversation from a JSON tree. Relative paths resolve against {@code baseDir} (the
   * working directory when null). The result is validated.
   */
  static Conversation fromTree(JsonNode root, Path baseDir) {
    return restore(root, baseDir).validate();
  }

  /**
   * Reads a conversation without validating it, so that any conversation written by {@link #toTree}
   * reads back as it was (used by coders).
   */
  static Conversation restore(JsonNode root, Path baseDir) {
    if (root == null || !root.isObject()) {
      throw new InvalidPromptException("a conversation must be a JSON object");
    }
    JsonNode version = root.get("v");
    if (version != null && version.asInt() != VERSION) {
      throw new InvalidPromptException(
          "conversation JSON version "
              + version
              + " is not supported (this library reads "
              + VERSION
              + ")");
    }
    JsonNode messagesNode = root.get("messages");
    if (messagesNode == null || !messagesNode.isArray()) {
      throw new InvalidPromptException("conversation has no \"messages\" array");
    }
    List<Message> messages = new ArrayList<>();
    int index = 0;
    for (JsonNode m : messagesNode) {
      index++;
      try {
        messages.add(readMessage(m, baseDir));
      } catch (InvalidPromptException e) {
        throw e.at("message " + index);
      }
    }
    Conversation conversation = Conversation.of(messages);
    JsonNode id = root.get("id");
    if (id != null && !id.isNull()) {
      conversation = conversation.withId(id.isTextual() ? id.textValue() : id.toString());
    }
    JsonNode metadata = root.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      if (!metadata.isObject()) {
        throw new InvalidPromptException("\"metadata\" must be a JSON object");
      }
      conversation = conversation.withMetadataJson(Json.canonical(metadata));
    }
    return conversation;
  }

  static Message readMessage(JsonNode m, Path baseDir) {
    if (!m.isObject()) {
      throw new InvalidPromptException("a message must be a JSON object");
    }
    Role role = Role.parse(textOrNull(m, "role"));
    JsonNode content = m.get("content");
    List<Part> parts = new ArrayList<>();
    if (content == null || content.isNull()) {
      throw new InvalidPromptException(role.wireName() + " message has no \"content\"");
    } else if (content.isTextual()) {
      parts.add(new Text(content.textValue()));
    } else if (content.isArray()) {
      int index = 0;
      for (Iterator<JsonNode> it = content.elements(); it.hasNext(); ) {
        JsonNode p = it.next();
        index++;
        try {
          parts.add(readPart(p, baseDir));
        } catch (InvalidPromptException e) {
          throw e.at("part " + index);
        }
      }
    } else {
      throw new InvalidPromptException("\"content\" must be a string or an array of parts");
    }
    return Message.of(role, parts);
  }

  static Part readPart(JsonNode p, Path baseDir) {
    if (!p.isObject()) {
      throw new InvalidPromptException("a part must be a JSON object");
    }
    String type = textOrNull(p, "type");
    if (type == null) {
      throw new InvalidPromptException("part has no \"type\"");
    }
    switch (type) {
      case "text":
        return new Text(required(p, "text", type), textOrNull(p, "item_id"));
      case "image":
        return readImage(p, baseDir);
      case "file":
        return readFile(p, baseDir);
      case "audio":
        return readAudio(p, baseDir);
      case "tool_call":
        {
          JsonNode args = p.get("arguments");
          String argsJson =
              args == null || args.isNull()
                  ? "{}"
                  : args.isTextual() ? args.textValue() : args.toString();
          return new ToolCall(
              required(p, "id", type),
              required(p, "name", type),
              argsJson,
              textOrNull(p, "item_id"));
        }
      case "tool_result":
        {
          String callId = required(p, "call_id", type);
          JsonNode content = p.get("content");
          List<Part> parts = new ArrayList<>();
          if (content == null || content.isNull()) {
            parts.add(new Text(""));
          } else if (content.isTextual()) {
            parts.add(new Text(content.textValue()));
          } else if (content.isArray()) {
            for (JsonNode c : content) {
              parts.add(readPart(c, baseDir));
            }
          } else {
            throw new InvalidPromptException(
                "tool_result \"content\" must be a string or an array of parts");
          }
          return new ToolResult(callId, parts, p.path("is_error").asBoolean(false));
        }
      case "thinking":
        {
          JsonNode raw = p.get("raw");
          return new Thinking(
              p.path("text").asText(""),
              textOrNull(p, "signature"),
              raw == null || raw.isNull() ? null : Json.canonical(raw),
              textOrNull(p, "origin"));
        }
      case "server_tool_use":
        {
          JsonNode args = p.get("arguments");
          JsonNode raw = p.get("raw");
          return new ServerToolUse(
              required(p, "kind", type),
              textOrNull(p, "server"),
              required(p, "name", type),
              args == null || args.isNull()
                  ? "{}"
                  : args.isTextual() ? args.textValue() : args.toString(),
              textOrNull(p, "output"),
              p.path("is_error").asBoolean(false),
              raw == null || raw.isNull() ? null : Json.canonical(raw),
              textOrNull(p, "origin"));
        }
      default:
        throw new InvalidPromptException(
            "unknown part type '"
                + type
                + "' (expected text, image, file, audio, tool_call, tool_result, thinking or"
                + " server_tool_use)");
    }
  }

  private static Image readImage(JsonNode p, Path baseDir) {
    String path = textOrNull(p, "path");
    String url = textOrNull(p, "url");
    String data = textOrNull(p, "data");
    if (data == null) {
      data = textOrNull(p, "base64");
    }
    Image image;
    if (data != null) {
      byte[] bytes = decodeData(data, "image");
      Image.Origin origin = path != null ? Image.Origin.PATH : Image.Origin.BYTES;
      image = Image.restore(origin, path, bytes, Image.Detail.AUTO);
    } else if (path != null) {
      image = Image.fromPath(resolve(baseDir, path));
    } else if (url != null) {
      image = Image.fromUrl(url);
    } else {
      throw new InvalidPromptException("image part needs one of \"path\", \"url\" or \"data\"");
    }
    String detail = textOrNull(p, "detail");
    if (detail != null) {
      image = image.withDetail(Image.Detail.parse(detail));
    }
    JsonNode maxSide = p.get("max_side");
    if (maxSide != null && !maxSide.isNull()) {
      image = image.resized(maxSide.asInt());
    }
    return image;
  }

  private static File readFile(JsonNode p, Path baseDir) {
    String path = textOrNull(p, "path");
    String url = textOrNull(p, "url");
    String fileId = textOrNull(p, "file_id");
    String data = textOrNull(p, "data");
    String mediaType = textOrNull(p, "media_type");
    String filename = textOrNull(p, "filename");
    File file;
    if (data != null) {
      byte[] bytes = decodeData(data, "document");
      File.Origin origin = path != null ? File.Origin.PATH : File.Origin.BYTES;
      file = File.restore(origin, path, bytes, mediaType, filename != null ? filename : "document");
    } else if (path != null) {
      file = File.fromPath(resolve(baseDir, path));
    } else if (url != null) {
      file = File.fromUrl(url);
    } else if (fileId != null) {
      file = File.restore(File.Origin.FILE_ID, fileId, null, mediaType, filename);
      return file;
    } else {
      throw new InvalidPromptException(
          "file part needs one of \"path\", \"url\", \"data\" or \"file_id\"");
    }
    return filename != null ? file.withFilename(filename) : file;
  }

  private static Audio readAudio(JsonNode p, Path baseDir) {
    String path = textOrNull(p, "path");
    String url = textOrNull(p, "url");
    String data = textOrNull(p, "data");
    String mediaType = textOrNull(p, "media_type");
    if (data != null && path == null && mediaType == null && Sources.isDataUrl(data)) {
      // A data URL carries its own media type, for formats the bytes do not reveal.
      return Audio.fromUrl(data);
    }
    if (data != null) {
      Audio.Origin origin = path != null ? Audio.Origin.PATH : Audio.Origin.BYTES;
      return Audio.restore(origin, path, decodeData(data, "audio"), mediaType);
    }
    if (path != null) {
      // With a media type the bytes need not reveal the format (WebM, M4A, ...).
      return mediaType == null
          ? Audio.fromPath(resolve(baseDir, path))
          : Audio.fromPath(resolve(baseDir, path), mediaType);
    }
    if (url != null) {
      Audio audio = Audio.fromUrl(url);
      return mediaType == null ? audio : audio.withMediaType(mediaType);
    }
    throw new InvalidPromptException("audio part needs one of \"path\", \"url\" or \"data\"");
  }

  private static Path resolve(Path baseDir, String path) {
    Path p = Path.of(path);
    return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
  }

  private static String required(JsonNode node, String field, String type) {
    String value = textOrNull(node, field);
    if (value == null) {
      throw new InvalidPromptException(type + " part has no \"" + field + "\"");
    }
    return value;
  }

  static String textOrNull(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidPromptException("\"" + field + "\" must be a string");
    }
    return v.textValue();
  }
}

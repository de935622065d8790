package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.internal.ComputerCalls;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.Turns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gemini {@code generateContent} {@code systemInstruction} and {@code contents}. Roles are {@code
 * user} and {@code model}; tool results are {@code functionResponse} parts in a user turn and carry
 * the function's name (taken from the matching call), with the result under {@code output} or
 * {@code error} as the API documents. The first function call of each model turn carries a thought
 * signature: Gemini's own when it made the call, else the dummy one Google documents. Calls of the
 * computer tool in Gemini's shape go back as the predefined function Gemini called, and their
 * results as that function's response with the screenshot among its {@code parts}. Audio goes as
 * {@code inlineData} with its media type (WAV, MP3, AIFF, AAC, Ogg, FLAC), or as {@code fileData}
 * when given by URI (a Files API upload or {@code gs://}); inline audio over Gemini's 20 MB request
 * limit is refused before sending (ai.google.dev/gemini-api/docs/audio: "Always use the Files API
 * when the total request size ... is larger than 20 MB"). References:
 * ai.google.dev/api/generate-content and ai.google.dev/api/caching#FunctionResponse.
 */
public final class GeminiFormat {
  private GeminiFormat() {}

  /**
   * The signature Google documents for function calls Gemini did not make (another provider's, or
   * written by hand): Gemini 3 refuses a step whose first {@code functionCall} part has no {@code
   * thoughtSignature}, and accepts this one in its place (ai.google.dev/gemini-api/docs/
   * thought-signatures#faqs; Vertex AI documents the same value).
   */
  static final String DUMMY_SIGNATURE = "skip_thought_signature_validator";

  /** {@code {"systemInstruction": {...}, "contents": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    checkInlineAudio(conversation);
    ObjectNode body = Json.object();
    conversation
        .validate()
        .systemPrompt()
        .ifPresent(
            s -> body.putObject("systemInstruction").putArray("parts").addObject().put("text", s));
    Map<String, String> toolNames = Formats.toolNamesById(conversation);
    Map<String, ToolCall> computerCalls = ComputerCalls.byId(conversation, ComputerCalls::isGemini);
    Turns turns = new Turns("role", "parts");
    for (Message m : Formats.nonSystem(conversation)) {
      turns.add(m.role() == Role.ASSISTANT ? "model" : "user", parts(m, toolNames, computerCalls));
    }
    ArrayNode contents = turns.toArray();
    for (JsonNode content : contents) {
      if (content.path("role").asText().equals("model")) {
        signFirstCall(content.path("parts"));
      }
    }
    body.set("contents", contents);
    return body;
  }

  /**
   * Gives the first {@code functionCall} part of a model turn the dummy signature when it has none
   * of its own. Only the first call of a step needs one (Gemini signs only the first of parallel
   * calls); a real signature is left as it is. Gemini checks only the steps of the current turn;
   * signing every model turn alike keeps the rendering free of where that turn starts.
   */
  private static void signFirstCall(JsonNode parts) {
    for (JsonNode part : parts) {
      if (part.has("functionCall")) {
        if (!part.has("thoughtSignature")) {
          ((ObjectNode) part).put("thoughtSignature", DUMMY_SIGNATURE);
        }
        return;
      }
    }
  }

  /**
   * The parts of one message. A Gemini thought signature with no text belongs to the part that
   * follows it (usually a {@code functionCall}) and is sent back on that very part, as the API
   * requires; images returned by tools follow all the {@code functionResponse} parts.
   */
  private static List<ObjectNode> parts(
      Message m, Map<String, String> toolNames, Map<String, ToolCall> computerCalls) {
    List<ObjectNode> out = new ArrayList<>();
    List<ObjectNode> toolImages = new ArrayList<>();
    String pendingSignature = null;
    for (Part part : m.parts()) {
      ObjectNode node = null;
      if (part instanceof Text t) {
        node = Json.object().put("text", t.text());
      } else if (part instanceof Image image) {
        node = image(image);
      } else if (part instanceof File file) {
        node = file(file);
      } else if (part instanceof Audio audio) {
        node = audio(audio);
      } else if (part instanceof ToolCall call && computerCalls.containsKey(call.id())) {
        JsonNode computer = Json.parse(call.arguments());
        node = Json.object();
        node.putObject("functionCall")
            .put("name", computer.get("name").asText())
            .set("args", computer.has("args") ? computer.get("args") : Json.object());
      } else if (part instanceof ToolResult result && computerCalls.containsKey(result.callId())) {
        node = computerResponse(result, computerCalls.get(result.callId()));
      } else if (part instanceof ToolCall call) {
        node = Json.object();
        node.putObject("functionCall")
            .put("name", call.name())
            .set("args", Json.parse(call.arguments()));
      } else if (part instanceof ToolResult result) {
        node = Json.object();
        ObjectNode response =
            node.putObject("functionResponse").put("name", toolNames.get(result.callId()));
        response.putObject("response").put(result.isError() ? "error" : "output", result.text());
        for (Part p : result.content()) {
          if (p instanceof Image image) {
            toolImages.add(image(image));
          }
        }
      } else if (part instanceof ServerToolUse use && use.rawFrom(Thinking.GEMINI).isPresent()) {
        // Gemini's own code run goes back as its executableCode and codeExecutionResult parts.
        JsonNode raw = Json.parse(use.raw());
        for (int i = 0; i + 1 < raw.size(); i++) {
          ObjectNode earlier = (ObjectNode) raw.get(i);
          if (pendingSignature != null) {
            earlier.put("thoughtSignature", pendingSignature);
            pendingSignature = null;
          }
          out.add(earlier);
        }
        node = (ObjectNode) raw.get(raw.size() - 1);
      } else if (part instanceof Thinking thinking
          && thinking.signatureFrom(Thinking.GEMINI).isPresent()) {
        if (thinking.text().isEmpty()) {
          pendingSignature = thinking.signature();
        } else {
          out.add(
              Json.object()
                  .put("text", thinking.text())
                  .put("thought", true)
                  .put("thoughtSignature", thinking.signature()));
        }
      }
      if (node != null) {
        if (pendingSignature != null) {
          node.put("thoughtSignature", pendingSignature);
          pendingSignature = null;
        }
        out.add(node);
      }
    }
    out.addAll(toolImages);
    return out;
  }

  /**
   * The function response to a predefined computer-use function, as Google's reference loop sends
   * it: {@code {"name": function, "response": {...}, "parts": [{"inlineData": screenshot}]}}, the
   * screenshot inside the response (a multimodal function response) rather than after it. The
   * response holds the page's {@code url} when the tool's text is one (a browser's address), other
   * text as {@code output}, the {@code error} of a failed call, and {@code safety_acknowledgement:
   * "true"} when the call carried a {@code safety_decision} and ran.
   */
  private static ObjectNode computerResponse(ToolResult result, ToolCall call) {
    JsonNode computer = Json.parse(call.arguments());
    ObjectNode node = Json.object();
    ObjectNode fr = node.putObject("functionResponse").put("name", computer.get("name").asText());
    ObjectNode response = fr.putObject("response");
    if (result.isError()) {
      response.put("error", result.text());
    } else {
      String text = result.text();
      if (text.matches("(?i)(https?|file|about|chrome):\\S*")) {
        response.put("url", text);
      } else if (!text.isEmpty()) {
        response.put("output", text);
      }
      if (computer.path("args").has("safety_decision")) {
        response.put("safety_acknowledgement", "true");
      }
    }
    for (Part p : result.content()) {
      if (p instanceof Image image) {
        fr.withArray("parts").add(image(image));
      }
    }
    return node;
  }

  private static ObjectNode image(Image image) {
    ObjectNode part = Json.object();
    if (image.origin() == Image.Origin.URL) {
      String url = image.location().orElseThrow();
      part.putObject("fileData").put("mimeType", mimeFromUrl(url, "image")).put("fileUri", url);
    } else {
      part.putObject("inlineData")
          .put("mimeType", image.mediaType().orElseThrow())
          .put("data", image.base64());
    }
    return part;
  }

  /** Gemini's limit on a request's total size with inline data; larger media go by Files API. */
  static final long MAX_INLINE_REQUEST_BYTES = 20L * 1024 * 1024;

  /** The audio types Gemini lists (ai.google.dev/gemini-api/docs/audio, "Supported formats"). */
  private static final List<String> AUDIO_TYPES =
      List.of("audio/wav", "audio/mp3", "audio/aiff", "audio/aac", "audio/ogg", "audio/flac");

  /**
   * Refuses inline audio whose base64 alone passes Gemini's 20 MB request limit, naming the way out
   * (upload with the Files API and give the uri); the API would answer 400 after the upload of
   * every byte.
   */
  private static void checkInlineAudio(Conversation conversation) {
    long inline = 0;
    for (Message m : conversation.messages()) {
      for (Audio audio : m.partsOf(Audio.class)) {
        inline += audio.bytes().map(b -> (b.length + 2L) / 3 * 4).orElse(0L);
      }
    }
    if (inline > MAX_INLINE_REQUEST_BYTES) {
      throw new UnsupportedPartException(
          API,
          inline
              + " bytes of inline audio (base64), over its 20 MB request limit; upload the"
              + " recording with the Files API and give its uri (Audio.fromUrl)");
    }
  }

  private static ObjectNode audio(Audio audio) {
    String type = audio.mediaType().orElse(null);
    if (type == null || !AUDIO_TYPES.contains(type)) {
      throw new UnsupportedPartException(
          API,
          (type == null ? "audio of unknown type" : type + " audio")
              + " ("
              + audio.describe()
              + "); it takes "
              + String.join(", ", AUDIO_TYPES));
    }
    ObjectNode part = Json.object();
    if (audio.origin() == Audio.Origin.URL) {
      part.putObject("fileData").put("mimeType", type).put("fileUri", audio.location().get());
    } else {
      part.putObject("inlineData").put("mimeType", type).put("data", audio.base64());
    }
    return part;
  }

  private static ObjectNode file(File file) {
    ObjectNode part = Json.object();
    if (file.bytes().isPresent()) {
      part.putObject("inlineData")
          .put("mimeType", file.mediaType().orElseThrow())
          .put("data", file.base64());
      return part;
    }
    String uri = file.location().orElseThrow();
    if (!uri.startsWith("https://") && !uri.startsWith("http://") && !uri.startsWith("gs://")) {
      throw new UnsupportedPartException(
          API,
          "the file id '"
              + uri
              + "': fileData needs a URI (a Files API uri such as https://generativelanguage.googleapis.com/v1beta/files/..., or gs://)");
    }
    part.putObject("fileData")
        .put("mimeType", file.mediaType().orElse(mimeFromUrl(uri, "document")))
        .put("fileUri", uri);
    return part;
  }

  /**
   * The media type of a remote file, which Gemini's {@code fileData} needs: there are no bytes to
   * sniff, so it comes from the URL's extension (the one place a name decides a type).
   */
  private static String mimeFromUrl(String url, String what) {
    String path = url.replaceFirst("[?#].*$", "").toLowerCase(Locale.ROOT);
    for (String[] e : EXTENSIONS) {
      if (path.endsWith(e[0])) {
        return e[1];
      }
    }
    throw new UnsupportedPartException(
        API,
        "the "
            + what
            + " URL '"
            + url
            + "' without a known extension: fileData needs its media type; give the bytes instead");
  }

  private static final String API = "Gemini generateContent";

  private static final String[][] EXTENSIONS = {
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".webp", "image/webp"},
    {".gif", "image/gif"},
    {".heic", "image/heic"},
    {".pdf", "application/pdf"},
    {".txt", "text/plain"},
  };
}

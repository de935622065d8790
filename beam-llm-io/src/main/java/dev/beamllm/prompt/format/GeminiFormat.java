package dev.beamllm.prompt.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Json;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemini {@code generateContent} {@code systemInstruction} and {@code contents}. Roles are
 * {@code user} and {@code model}; tool results are {@code functionResponse} parts in a user turn
 * and carry the function's name (taken from the matching call), with the result under {@code
 * output} or {@code error} as the API documents. Reference:
 * ai.google.dev/api/generate-content and ai.google.dev/api/caching#FunctionResponse.
 */
public final class GeminiFormat {
  private GeminiFormat() {}

  /** {@code {"systemInstruction": {...}, "contents": [...]}} for the conversation. */
  public static ObjectNode render(Conversation conversation) {
    ObjectNode body = Json.object();
    conversation.validate().systemPrompt().ifPresent(
        s -> body.putObject("systemInstruction").putArray("parts").addObject().put("text", s));
    Map<String, String> toolNames = Formats.toolNamesById(conversation);
    Turns turns = new Turns("role", "parts");
    for (Message m : Formats.nonSystem(conversation)) {
      List<ObjectNode> parts = new ArrayList<>();
      for (Part part : m.parts()) {
        addPart(parts, part, toolNames);
      }
      turns.add(m.role() == Role.ASSISTANT ? "model" : "user", parts);
    }
    body.set("contents", turns.toArray());
    return body;
  }

  private static void addPart(List<ObjectNode> out, Part part, Map<String, String> toolNames) {
    if (part instanceof Text t) {
      out.add(Json.object().put("text", t.text()));
    } else if (part instanceof Image image) {
      out.add(image(image));
    } else if (part instanceof File file) {
      out.add(file(file));
    } else if (part instanceof ToolCall call) {
      ObjectNode fn = Json.object();
      fn.putObject("functionCall").put("name", call.name()).set("args", call.argumentsJson());
      out.add(fn);
    } else if (part instanceof ToolResult result) {
      ObjectNode fn = Json.object();
      ObjectNode response = fn.putObject("functionResponse").put("name", toolNames.get(result.callId()));
      response.putObject("response").put(result.isError() ? "error" : "output", result.text());
      out.add(fn);
      for (Part p : result.content()) {
        if (p instanceof Image image) {
          out.add(image(image));
        }
      }
    } else if (part instanceof Thinking thinking && thinking.signature() != null) {
      out.add(Json.object().put("text", thinking.text()).put("thought", true).put("thoughtSignature", thinking.signature()));
    }
  }

  private static ObjectNode image(Image image) {
    ObjectNode part = Json.object();
    if (image.origin() == Image.Origin.URL) {
      part.putObject("fileData").put("fileUri", image.location().orElseThrow());
    } else {
      part.putObject("inlineData").put("mimeType", image.mediaType().orElseThrow()).put("data", image.base64());
    }
    return part;
  }

  private static ObjectNode file(File file) {
    ObjectNode part = Json.object();
    if (file.bytes().isPresent()) {
      part.putObject("inlineData").put("mimeType", file.mediaType().orElseThrow()).put("data", file.base64());
    } else {
      ObjectNode data = part.putObject("fileData");
      file.mediaType().ifPresent(t -> data.put("mimeType", t));
      data.put("fileUri", file.location().orElseThrow());
    }
    return part;
  }
}

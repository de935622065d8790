package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small pieces shared by the renderers of several wire formats: tool names by call id, document and
 * tool-result text for APIs that take text only, and the conversation without its system messages.
 */
public final class Formats {
  private Formats() {}

  /** Tool names by call id, for formats whose tool results carry the name (Gemini, Mistral). */
  public static Map<String, String> toolNamesById(Conversation conversation) {
    Map<String, String> names = new HashMap<>();
    for (Message m : conversation.messages()) {
      for (ToolCall call : m.partsOf(ToolCall.class)) {
        names.put(call.id(), call.name());
      }
    }
    return names;
  }

  /**
   * Refuses a conversation holding audio, for APIs that take none (Anthropic, Cohere, Bedrock
   * Converse, OpenAI's Responses API): the row fails before anything is sent, instead of the audio
   * being dropped and the model answering without it.
   *
   * @throws UnsupportedPartException naming the API and the first audio part
   */
  public static void refuseAudio(Conversation conversation, String api) {
    for (Message m : conversation.messages()) {
      for (Part part : m.parts()) {
        List<Part> inner = part instanceof ToolResult r ? r.content() : List.of(part);
        for (Part p : inner) {
          if (p instanceof Audio audio) {
            throw new UnsupportedPartException(
                api,
                "audio input ("
                    + audio.describe()
                    + "); send audio to a model that takes it: OpenAI chat completions"
                    + " (gpt-4o-audio-preview), Gemini or Mistral's Voxtral");
          }
        }
      }
    }
  }

  /** A plain-text document as the text the model reads, headed by its file name. */
  public static String documentText(File file) {
    return file.filename().map(n -> "[" + n + "]\n").orElse("") + file.text();
  }

  /**
   * A tool result's text for APIs with no error flag (OpenAI, Mistral, Cohere): failed calls are
   * prefixed with {@code Error: } so the model does not read them as success.
   */
  public static String resultText(ToolResult result) {
    return result.isError() ? "Error: " + result.text() : result.text();
  }

  /**
   * Checks that a tool is one this API can take as a function: a tool the provider runs (web
   * search, ...) is not (the client refuses it before; this guards direct use of an adapter).
   *
   * @throws UnsupportedOperationException naming the API and the tool
   */
  public static void requireFunction(Tool tool, String api) {
    if (tool.runsOnProvider()) {
      throw new UnsupportedOperationException(
          api + " has no " + tool.builtin().describe() + " tool");
    }
  }

  /**
   * Web search's {@code user_location}, the same for Anthropic and OpenAI: {@code {"type":
   * "approximate", "city", "region", "country", "timezone"}} with the fields that are set.
   */
  public static ObjectNode userLocation(WebSearch.UserLocation l) {
    ObjectNode o = Json.object().put("type", "approximate");
    if (l.city() != null) {
      o.put("city", l.city());
    }
    if (l.region() != null) {
      o.put("region", l.region());
    }
    if (l.country() != null) {
      o.put("country", l.country());
    }
    if (l.timezone() != null) {
      o.put("timezone", l.timezone());
    }
    return o;
  }

  /** The validated conversation, with the system messages removed when they go elsewhere. */
  public static List<Message> nonSystem(Conversation conversation) {
    return conversation.validate().messages().stream()
        .filter(m -> m.role() != Role.SYSTEM)
        .toList();
  }
}

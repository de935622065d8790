package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ComputerUse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls of the computer-use tool in a conversation, as the adapters keep them: a {@link ToolCall}
 * named {@code computer} whose arguments are the provider's own action (see {@code
 * dev.beamllm.tool.computer.ComputerActions}). An API renders such a call as its own computer call
 * when the arguments are in its shape; a call in another API's shape (from a conversation begun
 * elsewhere) goes as an ordinary function call.
 */
public final class ComputerCalls {
  private ComputerCalls() {}

  /**
   * Whether a call is an OpenAI {@code computer_call}: its arguments hold an {@code action} object
   * or an {@code actions} list.
   */
  public static boolean isOpenAi(ToolCall call) {
    if (!call.name().equals(ComputerUse.TOOL_NAME)) {
      return false;
    }
    JsonNode args = Json.parse(call.arguments());
    return args.path("action").isObject() || args.path("actions").isArray();
  }

  /**
   * Whether a call is one of Gemini's predefined computer-use functions: its arguments are {@code
   * {"name": "click_at", "args": {...}}}.
   */
  public static boolean isGemini(ToolCall call) {
    if (!call.name().equals(ComputerUse.TOOL_NAME)) {
      return false;
    }
    JsonNode args = Json.parse(call.arguments());
    return ComputerUse.GEMINI_FUNCTIONS.contains(args.path("name").asText(""))
        && (args.path("args").isObject() || args.path("args").isMissingNode());
  }

  /** The conversation's calls that pass the test, by id. */
  public static Map<String, ToolCall> byId(
      Conversation conversation, java.util.function.Predicate<ToolCall> test) {
    Map<String, ToolCall> calls = new HashMap<>();
    for (Message m : conversation.messages()) {
      for (ToolCall call : m.partsOf(ToolCall.class)) {
        if (test.test(call)) {
          calls.put(call.id(), call);
        }
      }
    }
    return calls;
  }

  /** The last image of a result: the screenshot; null when there is none. */
  public static Image screenshot(ToolResult result) {
    List<Part> content = result.content();
    for (int i = content.size() - 1; i >= 0; i--) {
      if (content.get(i) instanceof Image image) {
        return image;
      }
    }
    return null;
  }
}

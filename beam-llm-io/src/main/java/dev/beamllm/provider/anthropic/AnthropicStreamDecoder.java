package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rebuilds Anthropic's {@code message} from its event stream, then reads it as a whole answer
 * ({@link AnthropicAnswer}): {@code message_start} gives the envelope and input usage, each {@code
 * content_block_start} a block, {@code content_block_delta} grows it ({@code text_delta}, {@code
 * thinking_delta}, {@code signature_delta}, {@code input_json_delta}), {@code message_delta} brings
 * the stop reason and final usage, {@code message_stop} ends it; an {@code error} event fails it.
 * Text deltas go to the caller as they come, and so does the JSON of a forced output tool, since
 * that JSON is the answer's text. Reference:
 * docs.anthropic.com/en/docs/build-with-claude/streaming.
 */
final class AnthropicStreamDecoder implements StreamDecoder {
  private final boolean outputToolForced;
  private final Map<Integer, ObjectNode> blocks = new TreeMap<>();
  private final Map<Integer, StringBuilder> toolInputs = new HashMap<>();
  private ObjectNode message;
  private boolean stopped;
  private ApiError error;

  AnthropicStreamDecoder(boolean outputToolForced) {
    this.outputToolForced = outputToolForced;
  }

  @Override
  public void onEvent(String event, String data, Consumer<String> onText) {
    if (error != null) {
      return;
    }
    JsonNode d;
    try {
      d = Json.parse(data);
    } catch (InvalidPromptException e) {
      error =
          ApiError.of(
              ErrorKind.INVALID_RESPONSE, "Anthropic stream event is not JSON: " + e.getMessage());
      return;
    }
    // The data names its own type; the event line is only a copy of it.
    switch (d.path("type").asText(event == null ? "" : event)) {
      case "message_start" ->
          message =
              d.path("message").isObject()
                  ? ((ObjectNode) d.get("message")).deepCopy()
                  : Json.object();
      case "content_block_start" -> start(d.path("index").asInt(), d.path("content_block"));
      case "content_block_delta" ->
          delta(
              blocks.get(d.path("index").asInt()),
              d.path("index").asInt(),
              d.path("delta"),
              onText);
      case "content_block_stop" -> stop(d.path("index").asInt());
      case "message_delta" -> messageDelta(d);
      case "message_stop" -> stopped = true;
      case "error" -> error = AnthropicErrors.ofEvent(d);
      default -> {
        // ping, and event types added later: nothing to assemble
      }
    }
  }

  private void start(int index, JsonNode block) {
    ObjectNode b = block.isObject() ? ((ObjectNode) block).deepCopy() : Json.object();
    blocks.put(index, b);
    if ("tool_use".equals(b.path("type").asText())) {
      toolInputs.put(index, new StringBuilder());
    }
  }

  private void delta(ObjectNode block, int index, JsonNode delta, Consumer<String> onText) {
    if (block == null) {
      error =
          ApiError.of(
              ErrorKind.INVALID_RESPONSE,
              "Anthropic stream: a delta for block " + index + " that never started");
      return;
    }
    switch (delta.path("type").asText()) {
      case "text_delta" -> {
        String text = delta.path("text").asText();
        block.put("text", block.path("text").asText() + text);
        onText.accept(text);
      }
      case "thinking_delta" ->
          block.put("thinking", block.path("thinking").asText() + delta.path("thinking").asText());
      case "signature_delta" -> block.put("signature", delta.path("signature").asText());
      case "input_json_delta" -> {
        String piece = delta.path("partial_json").asText();
        toolInputs.computeIfAbsent(index, i -> new StringBuilder()).append(piece);
        if (outputToolForced && AnthropicBody.OUTPUT_TOOL.equals(block.path("name").asText())) {
          onText.accept(piece);
        }
      }
      default -> {
        // citations_delta and later kinds carry nothing the answer keeps
      }
    }
  }

  private void stop(int index) {
    StringBuilder input = toolInputs.remove(index);
    ObjectNode block = blocks.get(index);
    if (input == null || block == null) {
      return;
    }
    try {
      block.set("input", input.length() == 0 ? Json.object() : Json.parse(input.toString()));
    } catch (InvalidPromptException e) {
      error =
          ApiError.of(
              ErrorKind.INVALID_RESPONSE,
              "Anthropic stream: tool input is not JSON: " + e.getMessage());
    }
  }

  private void messageDelta(JsonNode d) {
    if (message == null) {
      error =
          ApiError.of(
              ErrorKind.INVALID_RESPONSE, "Anthropic stream: message_delta before message_start");
      return;
    }
    JsonNode stop = d.path("delta").get("stop_reason");
    if (stop != null) {
      message.set("stop_reason", stop);
    }
    // message_delta's usage counts are cumulative: they replace message_start's.
    if (d.path("usage").isObject()) {
      JsonNode usage = message.path("usage");
      ObjectNode merged = usage.isObject() ? (ObjectNode) usage : message.putObject("usage");
      merged.setAll((ObjectNode) d.get("usage"));
    }
  }

  @Override
  public ParsedAnswer finish() {
    if (error != null) {
      throw new ProviderException(error);
    }
    if (message == null || !stopped) {
      throw Errors.unreadable(
          "Anthropic stream", new IllegalStateException("the stream ended before message_stop"));
    }
    ArrayNode content = message.putArray("content");
    blocks.values().forEach(content::add);
    return AnthropicAnswer.parse(message, outputToolForced);
  }
}

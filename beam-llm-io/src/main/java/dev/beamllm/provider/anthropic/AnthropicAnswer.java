package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Anthropic's {@code message} object, as the Anthropic API and Bedrock's {@code invoke}
 * answer it and as a stream assembles it: {@code text} blocks (a run of them, as citations split an
 * answer, as one text), {@code tool_use} as tool calls, {@code thinking} signed by Anthropic,
 * {@code redacted_thinking} kept raw so it can be sent back, the stop reason and usage (input
 * without cache reads and writes, which have their own fields). A tool Anthropic ran (a {@code
 * server_tool_use} block such as web search, with its {@code *_tool_result} block; a remote MCP
 * server's {@code mcp_tool_use} and {@code mcp_tool_result}) becomes one {@link ServerToolUse} part
 * holding both blocks, sent back verbatim on the next turn. Reference:
 * docs.anthropic.com/en/api/messages.
 */
public final class AnthropicAnswer {
  private AnthropicAnswer() {}

  /**
   * A tool Anthropic ran, with its result block (or null while none came): one part holding both
   * blocks, as a JSON array, for the next turn. A remote MCP server's call ({@code mcp_tool_use},
   * {@code mcp_tool_result}) is of kind {@link ServerToolUse#MCP}; a server tool's ({@code
   * server_tool_use}: web search, web fetch, code execution, with its {@code *_tool_result}) of the
   * tool's name. The output is the result's text, or a web search's results as {@code title — url}
   * lines, or an error result's {@code error_code}; anything else as JSON.
   */
  static ServerToolUse providerCall(JsonNode use, JsonNode result) {
    boolean mcp = "mcp_tool_use".equals(use.path("type").asText());
    ArrayNode raw = JsonNodeFactory.instance.arrayNode().add(use);
    String output = null;
    boolean failed = false;
    if (result != null) {
      raw.add(result);
      JsonNode content = result.path("content");
      if (content.isTextual()) {
        output = content.textValue();
      } else if (content.isArray()) {
        List<String> lines = new ArrayList<>();
        for (JsonNode c : content) {
          lines.add(
              c.has("url")
                  ? c.path("title").asText("") + " — " + c.path("url").asText()
                  : c.has("text") ? c.path("text").asText() : Json.write(c));
        }
        output = String.join("\n", lines);
      } else if (content.has("error_code")) {
        failed = true;
        output = content.path("error_code").asText();
      } else {
        output = Json.write(content);
      }
      failed |= result.path("is_error").asBoolean(false);
    }
    String name = use.path("name").asText("");
    return new ServerToolUse(
        mcp ? ServerToolUse.MCP : name,
        mcp ? use.path("server_name").asText(null) : null,
        name,
        Json.write(use.path("input").isObject() ? use.get("input") : Json.object()),
        output,
        failed,
        Json.write(raw),
        Thinking.ANTHROPIC);
  }

  /**
   * The parsed answer.
   *
   * @param message the {@code message} object
   * @param outputToolForced whether the request forced {@link AnthropicBody#OUTPUT_TOOL}, whose
   *     input then becomes the answer's text and whose {@code tool_use} stop becomes {@code
   *     end_turn}
   * @throws dev.beamllm.provider.ProviderException with {@code INVALID_RESPONSE} when the message
   *     has no content
   */
  public static ParsedAnswer parse(JsonNode message, boolean outputToolForced) {
    JsonNode content = message.get("content");
    if (content == null || !content.isArray()) {
      throw Errors.unreadable(
          "Anthropic", new IllegalStateException("the message has no content array"));
    }
    List<Part> parts = new ArrayList<>();
    boolean outputTool = false;
    Map<String, Integer> calls = new HashMap<>();
    for (JsonNode block : content) {
      switch (block.path("type").asText()) {
        case "text" -> {
          // An answer with citations comes as runs of text blocks that are one prose together.
          String text = block.path("text").asText();
          int last = parts.size() - 1;
          if (last >= 0 && parts.get(last) instanceof Text before) {
            parts.set(last, new Text(before.text() + text));
          } else {
            parts.add(new Text(text));
          }
        }
        case "tool_use" -> {
          String input =
              Json.write(block.path("input").isObject() ? block.get("input") : Json.object());
          if (outputToolForced && AnthropicBody.OUTPUT_TOOL.equals(block.path("name").asText())) {
            outputTool = true;
            parts.add(new Text(input));
          } else {
            parts.add(new ToolCall(block.path("id").asText(), block.path("name").asText(), input));
          }
        }
        case "thinking" -> {
          String text = block.path("thinking").asText();
          String signature = block.path("signature").asText("");
          parts.add(
              signature.isEmpty()
                  ? Thinking.of(text)
                  : Thinking.signed(text, signature, Thinking.ANTHROPIC));
        }
        case "redacted_thinking" -> parts.add(Thinking.raw(Json.write(block), Thinking.ANTHROPIC));
        case "mcp_tool_use", "server_tool_use" -> {
          calls.put(block.path("id").asText(), parts.size());
          parts.add(providerCall(block, null));
        }
        default -> {
          // A call's result (mcp_tool_result, web_search_tool_result, ...) joins its call; other
          // kinds carry nothing the answer keeps.
          Integer at =
              block.path("type").asText().endsWith("_tool_result")
                  ? calls.remove(block.path("tool_use_id").asText(""))
                  : null;
          if (at != null) {
            ServerToolUse use = (ServerToolUse) parts.get(at);
            parts.set(at, providerCall(Json.parse(use.raw()).get(0), block));
          }
        }
      }
    }
    String stop = message.path("stop_reason").asText(null);
    if (outputTool && "tool_use".equals(stop)) {
      stop = "end_turn";
    }
    // usage.service_tier: "standard", "priority" or "batch" (Messages API reference).
    JsonNode u = message.path("usage");
    return new ParsedAnswer(
        Message.of(Role.ASSISTANT, parts),
        stop,
        usage(u),
        List.of(),
        u.path("service_tier").asText(null),
        u.path("cache_creation").path("ephemeral_1h_input_tokens").asLong(0));
  }

  /**
   * Input, output, cache reads ({@code cache_read_input_tokens}) and writes ({@code
   * cache_creation_input_tokens}).
   */
  static Usage usage(JsonNode u) {
    return new Usage(
        u.path("input_tokens").asLong(0),
        u.path("output_tokens").asLong(0),
        u.path("cache_read_input_tokens").asLong(0),
        u.path("cache_creation_input_tokens").asLong(0));
  }
}

package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.util.ArrayList;
import java.util.List;

/**
 * Pieces of OpenAI's chat completions shape that other APIs copied: the {@code tools} list
 * (Mistral, Cohere), the answer's message, usage and log-probabilities (Mistral). Reference:
 * platform.openai.com/docs/api-reference/chat/object.
 */
public final class ChatCompletions {
  private ChatCompletions() {}

  /**
   * {@code [{"type": "function", "function": {name, description, parameters, strict}}, ...]}; an
   * empty description is left out, and {@code strict} is sent only for a strict tool.
   */
  public static ArrayNode tools(List<Tool> tools) {
    return tools(tools, true);
  }

  /**
   * The same, with {@code strict} left out of every function when the API takes it elsewhere (as
   * Cohere's {@code strict_tools}).
   */
  public static ArrayNode tools(List<Tool> tools, boolean strictInFunction) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Tool t : tools) {
      Formats.requireFunction(t, "A chat completions API");
      ObjectNode fn = out.addObject().put("type", "function").putObject("function");
      fn.put("name", t.name());
      if (!t.description().isEmpty()) {
        fn.put("description", t.description());
      }
      fn.set("parameters", Json.parse(t.parametersJson()));
      if (strictInFunction && t.strict()) {
        fn.put("strict", true);
      }
    }
    return out;
  }

  /**
   * The finish reason of a choice: {@code content_filter} when the model refused (a {@code refusal}
   * in place of content, which OpenAI reports with {@code stop}), else the choice's own.
   */
  public static String finishReason(JsonNode choice) {
    return refusal(choice.path("message")) != null
        ? REFUSED
        : choice.path("finish_reason").asText(null);
  }

  /** The finish reason of an answer that is a refusal, as a content filter's is named. */
  public static final String REFUSED = "content_filter";

  /** The model's refusal ({@code message.refusal}), or null when it did not refuse. */
  static String refusal(JsonNode msg) {
    JsonNode refusal = msg.get("refusal");
    return refusal != null && refusal.isTextual() && !refusal.textValue().isEmpty()
        ? refusal.textValue()
        : null;
  }

  /**
   * The assistant message of a choice: DeepSeek's {@code reasoning_content} as thinking, the text
   * {@code content} (or the {@code refusal}, which takes its place), then the tool calls.
   */
  public static Message message(JsonNode msg) {
    List<Part> parts = new ArrayList<>();
    JsonNode reasoning = msg.get("reasoning_content");
    if (reasoning != null && reasoning.isTextual() && !reasoning.textValue().isEmpty()) {
      parts.add(Thinking.of(reasoning.textValue()));
    }
    JsonNode content = msg.get("content");
    if (content != null && content.isTextual() && !content.textValue().isEmpty()) {
      parts.add(new Text(content.textValue()));
    } else if (refusal(msg) != null) {
      parts.add(new Text(refusal(msg)));
    }
    parts.addAll(toolCalls(msg));
    return Message.of(Role.ASSISTANT, parts);
  }

  /** The message's {@code tool_calls}, arguments as the JSON string the API sends. */
  public static List<ToolCall> toolCalls(JsonNode msg) {
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode call : msg.path("tool_calls")) {
      JsonNode fn = call.path("function");
      calls.add(
          new ToolCall(
              call.path("id").asText(),
              fn.path("name").asText(),
              fn.path("arguments").asText("{}")));
    }
    return calls;
  }

  /**
   * {@code usage}: prompt tokens (cached ones included, as OpenAI counts them), completion tokens,
   * cached tokens and the prompt's audio tokens.
   */
  public static Usage usage(JsonNode u) {
    long prompt = u.path("prompt_tokens").asLong(0);
    return new Usage(
        prompt,
        u.path("completion_tokens").asLong(0),
        u.path("prompt_tokens_details").path("cached_tokens").asLong(0),
        0,
        Math.min(prompt, u.path("prompt_tokens_details").path("audio_tokens").asLong(0)));
  }

  /**
   * {@code logprobs.content}: each token with its log-probability and the alternatives asked for.
   */
  static List<TokenLogprob> logprobs(JsonNode content) {
    List<TokenLogprob> out = new ArrayList<>();
    if (content == null || !content.isArray()) {
      return out;
    }
    for (JsonNode t : content) {
      List<TokenLogprob.Alternative> top = new ArrayList<>();
      for (JsonNode a : t.path("top_logprobs")) {
        top.add(
            new TokenLogprob.Alternative(a.path("token").asText(), a.path("logprob").asDouble()));
      }
      out.add(new TokenLogprob(t.path("token").asText(), t.path("logprob").asDouble(), top));
    }
    return out;
  }

  /** A whole-number header, or -1 when absent or unreadable. */
  public static long headerNumber(HttpAnswer answer, String header) {
    try {
      return answer.header(header).map(Long::parseLong).orElse(-1L);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A streamed chat completion: {@code data: {chunk}} events whose {@code choices[0].delta} carries
 * pieces of the content, of the reasoning ({@code reasoning_content}, DeepSeek and others) and of
 * tool calls (by {@code index}: id and name first, then the arguments in pieces); the chunk with
 * {@code finish_reason}; with {@code stream_options.include_usage} a last chunk with no choices and
 * the usage; then {@code data: [DONE]}. Reference:
 * platform.openai.com/docs/api-reference/chat-streaming.
 */
final class OpenAiChatStreamDecoder implements StreamDecoder {
  private static final String API = "OpenAI chat stream";

  private final StringBuilder text = new StringBuilder();
  private final StringBuilder refusal = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private final Map<Integer, CallParts> calls = new TreeMap<>();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private String finishReason;
  private Usage usage = Usage.ZERO;
  private String serviceTier;

  /** A tool call as its pieces arrive. */
  private static final class CallParts {
    String id = "";
    String name = "";
    final StringBuilder arguments = new StringBuilder();
  }

  @Override
  public void onEvent(String event, String data, Consumer<String> onText) {
    if (data.equals("[DONE]")) {
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.parse(data);
    } catch (InvalidPromptException e) {
      throw Errors.unreadable(API, e);
    }
    // OpenAI reports a failure after the 200 as an error object in the stream.
    if (chunk.hasNonNull("error")) {
      throw new ProviderException(
          ApiError.of(
              ErrorKind.SERVER,
              "the stream ended with an error: "
                  + chunk.get("error").path("message").asText(chunk.get("error").toString())));
    }
    if (chunk.hasNonNull("service_tier")) {
      // Every chunk repeats the tier that serves the request; the answer is priced by it.
      serviceTier = chunk.get("service_tier").asText();
    }
    if (chunk.hasNonNull("usage")) {
      usage = ChatCompletions.usage(chunk.get("usage"));
    }
    JsonNode choice = chunk.path("choices").path(0);
    if (choice.isMissingNode()) {
      return;
    }
    JsonNode delta = choice.path("delta");
    String content = delta.path("content").textValue();
    if (content != null && !content.isEmpty()) {
      text.append(content);
      onText.accept(content);
    }
    String refused = delta.path("refusal").textValue();
    if (refused != null) {
      refusal.append(refused);
    }
    String thought = delta.path("reasoning_content").textValue();
    if (thought != null) {
      reasoning.append(thought);
    }
    for (JsonNode call : delta.path("tool_calls")) {
      CallParts parts =
          calls.computeIfAbsent(call.path("index").asInt(calls.size()), k -> new CallParts());
      parts.id = call.path("id").asText(parts.id);
      JsonNode fn = call.path("function");
      parts.name = fn.path("name").asText(parts.name);
      parts.arguments.append(fn.path("arguments").asText(""));
    }
    logprobs.addAll(ChatCompletions.logprobs(choice.path("logprobs").path("content")));
    if (choice.hasNonNull("finish_reason")) {
      finishReason = choice.get("finish_reason").asText();
    }
  }

  @Override
  public ParsedAnswer finish() {
    if (finishReason == null) {
      throw Errors.unreadable(
          API, new IllegalStateException("the stream ended before the answer was complete"));
    }
    List<Part> parts = new ArrayList<>();
    if (reasoning.length() > 0) {
      parts.add(Thinking.of(reasoning.toString()));
    }
    if (text.length() > 0) {
      parts.add(new Text(text.toString()));
    } else if (refusal.length() > 0) {
      // A refusal streams as delta.refusal in place of content; it ends with finish_reason stop.
      parts.add(new Text(refusal.toString()));
      finishReason = ChatCompletions.REFUSED;
    }
    for (CallParts c : calls.values()) {
      parts.add(new ToolCall(c.id, c.name, c.arguments.toString()));
    }
    return new ParsedAnswer(
        Message.of(Role.ASSISTANT, parts), finishReason, usage, logprobs, serviceTier);
  }
}

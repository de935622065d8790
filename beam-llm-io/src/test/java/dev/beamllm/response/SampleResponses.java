package dev.beamllm.response;

import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolCall;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Answers of every shape, for the JSON form, coder and cache tests. */
public final class SampleResponses {
  private SampleResponses() {}

  /** A text answer with every optional field set. */
  public static ApiResponse text() {
    return ApiResponse.builder()
        .setModel("gpt-4.1-mini")
        .setProvider("openai")
        .setMessage(Message.assistant("The capital of France is Paris."))
        .setFinishReason("stop")
        .setUsage(new Usage(120, 9, 64, 8))
        .setCost(1.234e-5)
        .setLatency(Duration.ofMillis(420).plusNanos(17))
        .setAttempts(2)
        .setRawBody("{\"id\":\"chatcmpl-1\",\"choices\":[]}")
        .setConversationId("row-7")
        .build();
  }

  /**
   * Named samples: text, tool calls, thinking, images and files, logprobs, errors, a cache hit,
   * Unicode.
   */
  public static Map<String, ApiResponse> all() {
    Map<String, ApiResponse> all = new LinkedHashMap<>();
    all.put("text", text());
    all.put("minimal", ApiResponse.builder().setModel("gpt-4.1-nano").build());
    all.put(
        "tool calls",
        ApiResponse.builder()
            .setModel("claude-3.5-haiku")
            .setProvider("anthropic")
            .setMessage(
                Message.assistant("Let me look.")
                    .addToolCall(
                        "toolu_1",
                        "get_weather",
                        "{\"units\":{\"celsius\":true},\"city\":\"Paris\"}")
                    .add(ToolCall.of("toolu_2", "get_time", "{}")))
            .setFinishReason("tool_use")
            .setUsage(Usage.of(300, 40))
            .build());
    all.put(
        "thinking",
        ApiResponse.builder()
            .setModel("claude-sonnet-4")
            .setProvider("anthropic")
            .setMessage(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.signed(
                            "The user wants a number.", "EqQBCkYIARgCKkB==", Thinking.ANTHROPIC),
                        Thinking.raw(
                            "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3\"}",
                            Thinking.ANTHROPIC),
                        Thinking.of("unsigned musing"),
                        new Text("42"))))
            .setFinishReason("end_turn")
            .build());
    all.put(
        "images and files",
        ApiResponse.builder()
            .setModel("gemini-2.5-flash")
            .setProvider("gemini")
            .setMessage(
                Message.assistant("Here it is:")
                    .addImage(TestData.file("images/red-square.png"))
                    .addImage(
                        Image.fromPath(TestData.file("images/photo.jpg"))
                            .withDetail(Image.Detail.HIGH))
                    .addImage(Image.fromUrl("https://example.com/cat.png"))
                    .addFile(File.fromPath(TestData.file("docs/sample.pdf"))))
            .build());
    all.put(
        "logprobs",
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setProvider("openai")
            .setMessage(Message.assistant("Yes"))
            .setLogprobs(
                List.of(
                    new TokenLogprob(
                        "Yes",
                        -0.0019,
                        List.of(
                            new TokenLogprob.Alternative("Yes", -0.0019),
                            new TokenLogprob.Alternative("No", -6.25))),
                    new TokenLogprob("\u00e2\u0080", -12.5, List.of())))
            .build());
    all.put(
        "rate limited",
        ApiResponse.failure(
                "claude-3.5-haiku",
                new ApiError(ErrorKind.RATE_LIMIT, "rate limit exceeded", 429, 2_000),
                3)
            .toBuilder()
            .setProvider("anthropic")
            .setLatency(Duration.ofMillis(80))
            .build());
    all.put(
        "cancelled",
        ApiResponse.failure(
            "gpt-4.1-mini", ApiError.of(ErrorKind.CANCELLED, "the client was closed"), 0));
    all.put("cache hit", text().toBuilder().setCacheHit(true).build());
    all.put(
        "with warnings",
        text().toBuilder()
            .setWarnings(List.of("extended thinking was turned off for this request", "second"))
            .build());
    all.put(
        "unicode",
        ApiResponse.builder()
            .setModel("gpt-4.1-mini")
            .setMessage(
                Message.assistant(
                    "caf\u00e9 \u4e2d\u6587 \ud83d\ude00 lone \ud83d and \ude00 \"quoted\"\n\ttab \u0000"))
            .build());
    return all;
  }
}

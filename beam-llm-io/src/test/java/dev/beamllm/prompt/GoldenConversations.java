package dev.beamllm.prompt;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversations whose wire JSON is pinned by golden files, one per shape a provider must get
 * right. Shared by the golden-file test of the wire formats and by the tests of the coder, the JSON
 * form and the importers.
 */
public final class GoldenConversations {
  private GoldenConversations() {}

  /** The golden conversations by name, in the order of their golden files. */
  public static Map<String, Conversation> all() throws IOException {
    Map<String, Conversation> c = new LinkedHashMap<>();
    byte[] jpeg = Files.readAllBytes(TestData.file("images/photo.jpg"));
    byte[] pngBytes = Files.readAllBytes(TestData.file("images/red-square.png"));

    c.put("01-text", Conversation.user("What is the capital of France?"));

    c.put("02-system", Conversation.system("You are terse.").addUser("Name three primes."));

    c.put(
        "03-multi-turn",
        Conversation.system("You are a helpful tutor.")
            .addUser("What is 2 + 2?")
            .addAssistant("4.")
            .addUser("And times 3?"));

    c.put(
        "04-image-path",
        Conversation.of(
            Message.user("What is in this image?")
                .addImage(TestData.file("images/red-square.png"))));

    c.put(
        "05-image-url",
        Conversation.of(
            Message.user("Describe this picture.")
                .addImage(
                    Image.fromUrl("https://example.com/images/cat.png")
                        .withDetail(Image.Detail.HIGH))));

    c.put(
        "06-image-base64",
        Conversation.system("Answer in one word.")
            .add(
                Message.user("Main colour?")
                    .addImage(
                        Image.fromBase64(Base64.getEncoder().encodeToString(jpeg))
                            .withDetail(Image.Detail.LOW))));

    c.put(
        "07-pdf",
        Conversation.of(
            Message.user("Summarise this report.").addFile(TestData.file("docs/sample.pdf"))));

    c.put(
        "08-tool-call-result",
        Conversation.user("What's the weather in Paris?")
            .add(
                Message.assistant("Let me check.")
                    .addToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))
            .add(Message.toolResult("call_1", "18 C and sunny")));

    c.put(
        "09-parallel-tools-then-user",
        Conversation.system("Use tools when useful.")
            .addUser("Compare the weather in Paris and Oslo.")
            .add(
                Message.assistant()
                    .addToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}")
                    .addToolCall("call_b", "get_weather", "{\"city\":\"Oslo\",\"unit\":\"C\"}"))
            .add(
                Message.toolResults(
                    List.of(ToolResult.of("call_a", "18 C"), ToolResult.of("call_b", "4 C"))))
            .addUser("Which is warmer?"));

    c.put(
        "10-thinking-signed",
        Conversation.user("What is 17 * 23? Use the calculator.")
            .add(
                Message.assistant()
                    .add(
                        Thinking.signed(
                            "I should multiply with the tool.",
                            "EqQBCgIYAhIM1gbcDa9GJwZA2b3h",
                            Thinking.ANTHROPIC))
                    .addToolCall("toolu_01", "multiply", "{\"a\":17,\"b\":23}"))
            .add(Message.toolResult("toolu_01", "391")));

    c.put(
        "11-tool-error-and-image",
        Conversation.user("Take a screenshot, then read the log.")
            .add(
                Message.assistant()
                    .addToolCall("call_s", "screenshot", "{}")
                    .addToolCall("call_l", "read_log", "{\"path\":\"/var/log/app.log\"}"))
            .add(
                Message.toolResults(
                    List.of(
                        new ToolResult(
                            "call_s",
                            List.of(new Text("Screenshot taken."), Image.fromBytes(pngBytes)),
                            false),
                        ToolResult.error("call_l", "permission denied")))));

    c.put(
        "12-text-document-and-data-url",
        Conversation.of(
            Message.user("Who owns the cost dashboard? Check the notes and the picture.")
                .addFile(TestData.file("docs/notes.txt"))
                .addImage(
                    "data:image/png;base64," + Base64.getEncoder().encodeToString(pngBytes))));

    c.put(
        "13-document-by-url-and-file-id",
        Conversation.of(
            Message.user("Compare these two reports.")
                .addFile(File.fromUrl("https://example.com/reports/q1.pdf"))
                .addFile(File.fromFileId("file-abc123"))));

    c.put(
        "14-redacted-thinking",
        Conversation.of(
            Message.user("Hello"),
            Message.of(
                Role.ASSISTANT,
                List.of(
                    Thinking.raw(
                        "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}",
                        Thinking.ANTHROPIC),
                    new Text("Hi! How can I help?"))),
            Message.user("Tell me a joke.")));

    c.put(
        "15-gemini-thought-signature",
        Conversation.user("Book a table for two at 7pm.")
            .add(
                Message.assistant()
                    .add(Thinking.signed("", "CiQBcsjafJ4Ljxbw2pSQyXVT", Thinking.GEMINI))
                    .addToolCall("fc_1", "book_table", "{\"people\":2,\"time\":\"19:00\"}"))
            .add(Message.toolResult("fc_1", "{\"confirmed\":true}")));

    c.put(
        "16-bedrock-reasoning-in-tool-turn",
        Conversation.user("What is the weather in Oslo?")
            .add(
                Message.assistant()
                    .add(Thinking.signed("I need the tool.", "ErcBCkgIAxAB", Thinking.BEDROCK))
                    .add(
                        Thinking.raw(
                            "{\"redactedContent\":\"EmwKAhgBEgy3va3p\"}", Thinking.BEDROCK))
                    .addToolCall("tooluse_1", "get_weather", "{\"city\":\"Oslo\"}"))
            .add(Message.toolResult("tooluse_1", "4 C")));

    String rs1 =
        "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"gAAAAB1\"}";
    String rs2 =
        "{\"type\":\"reasoning\",\"id\":\"rs_2\",\"summary\":[],\"encrypted_content\":\"gAAAAB2\"}";
    c.put(
        "17-openai-reasoning-items",
        Conversation.user("What's the weather in Paris?")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.raw(rs1, Thinking.OPENAI),
                        new ToolCall("call_p", "get_weather", "{\"city\":\"Paris\"}", "fc_1"))))
            .add(Message.toolResult("call_p", "18 C"))
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.raw(rs2, Thinking.OPENAI),
                        new Text("It is 18 C ", "msg_2"),
                        new Text("and sunny.", "msg_2"))))
            .add(Message.user("And in Oslo?")));

    c.put(
        "18-openai-reasoning-without-its-item",
        Conversation.user("What's the weather in Paris?")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.raw(rs1, Thinking.OPENAI),
                        ToolCall.of("call_p", "get_weather", "{\"city\":\"Paris\"}"))))
            .add(Message.toolResult("call_p", "18 C")));

    // Remote MCP calls the provider ran: each goes back only to the provider that ran it.
    c.put(
        "19-server-tool-use",
        Conversation.user("Ask @wiki/ask{\"q\":\"beam\"}")
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        new ServerToolUse(
                            ServerToolUse.MCP,
                            "wiki",
                            "ask",
                            "{\"q\":\"beam\"}",
                            "remote ask({\"q\":\"beam\"})",
                            false,
                            "{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"server_label\":\"wiki\","
                                + "\"name\":\"ask\",\"arguments\":\"{}\",\"output\":\"x\",\"error\":null}",
                            Thinking.OPENAI),
                        new ServerToolUse(
                            ServerToolUse.MCP,
                            "wiki",
                            "ask",
                            "{}",
                            "x",
                            false,
                            "[{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"name\":\"ask\","
                                + "\"server_name\":\"wiki\",\"input\":{}},{\"type\":\"mcp_tool_result\","
                                + "\"tool_use_id\":\"mcptoolu_1\",\"is_error\":false,\"content\":"
                                + "[{\"type\":\"text\",\"text\":\"x\"}]}]",
                            Thinking.ANTHROPIC),
                        new Text("Beam is a model."))))
            .add(Message.user("Thanks")));

    // Audio (bytes, so the refusals name no local path): a WAV every audio-capable format takes,
    // and a FLAC that OpenAI's input_audio refuses
    // (wav and mp3 only) while Gemini and Mistral take it.
    c.put(
        "20-audio-wav",
        Conversation.of(
            Message.user("Repeat what is said")
                .addAudio(
                    Audio.fromBytes(Files.readAllBytes(TestData.file("audio/hello-world.wav"))))));
    c.put(
        "21-audio-flac",
        Conversation.system("Answer in one word.")
            .add(
                Message.user()
                    .addAudio(Audio.fromBytes(Files.readAllBytes(TestData.file("audio/tone.flac"))))
                    .addText("What plays?")));
    return c;
  }
}

package dev.beamllm.testing.sdk;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.beamllm.prompt.TestData;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The official Anthropic Java SDK, pointed at the fake server, sends and parses text, images, tool
 * round-trips and streams; every answer passes the SDK's strict {@code validate()}, which checks
 * required fields and types.
 */
public class AnthropicSdkFidelityTest {
  private static final String MODEL = "claude-sonnet-4-5";
  private static FakeProviderServer fake;
  private static AnthropicClient client;

  @BeforeClass
  public static void start() {
    fake = FakeProviderServer.builder().apiKey("sk-ant-fake").start();
    client =
        AnthropicOkHttpClient.builder()
            .apiKey("sk-ant-fake")
            .baseUrl(fake.baseUrl())
            .maxRetries(0)
            .build();
  }

  @AfterClass
  public static void stop() {
    client.close();
    fake.close();
  }

  @Test
  public void text() {
    Message m =
        client
            .messages()
            .create(
                MessageCreateParams.builder()
                    .model(MODEL)
                    .maxTokens(256)
                    .system("Be terse.")
                    .addUserMessage("Say hi")
                    .build());
    m.validate();
    assertThat(m.id(), startsWith("msg_"));
    assertEquals("Echo: Say hi", m.content().get(0).asText().text());
    assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
    assertTrue(m.usage().inputTokens() > 0);
    assertEquals(0L, (long) m.usage().cacheReadInputTokens().orElseThrow());
  }

  @Test
  public void base64Image() throws Exception {
    String png =
        Base64.getEncoder()
            .encodeToString(Files.readAllBytes(TestData.file("images/red-square.png")));
    ImageBlockParam image =
        ImageBlockParam.builder()
            .source(
                Base64ImageSource.builder()
                    .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                    .data(png)
                    .build())
            .build();
    Message m =
        client
            .messages()
            .create(
                MessageCreateParams.builder()
                    .model(MODEL)
                    .maxTokens(256)
                    .addUserMessageOfBlockParams(
                        List.of(
                            ContentBlockParam.ofImage(image),
                            ContentBlockParam.ofText(
                                TextBlockParam.builder().text("What colour is this?").build())))
                    .build());
    m.validate();
    assertEquals("Echo: What colour is this?", m.content().get(0).asText().text());
    assertTrue("the image costs tokens", m.usage().inputTokens() > 10);
  }

  @Test
  public void toolRoundTrip() {
    Tool weather =
        Tool.builder()
            .name("get_weather")
            .description("Weather for a city")
            .inputSchema(
                Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .build())
            .build();
    MessageCreateParams.Builder params =
        MessageCreateParams.builder()
            .model(MODEL)
            .maxTokens(512)
            .addTool(weather)
            .addUserMessage("Use get_weather for Oslo");
    Message call = client.messages().create(params.build());
    call.validate();
    assertEquals(StopReason.TOOL_USE, call.stopReason().orElseThrow());
    ToolUseBlock use = call.content().get(0).asToolUse();
    assertEquals("get_weather", use.name());
    assertThat(use.id(), startsWith("toolu_"));
    assertTrue(use._input().convert(Map.class).get("city") instanceof String);

    Message done =
        client
            .messages()
            .create(
                params
                    .addMessage(call)
                    .addUserMessageOfBlockParams(
                        List.of(
                            ContentBlockParam.ofToolResult(
                                ToolResultBlockParam.builder()
                                    .toolUseId(use.id())
                                    .content("4 C")
                                    .build())))
                    .build());
    done.validate();
    assertEquals(StopReason.END_TURN, done.stopReason().orElseThrow());
    assertEquals("Tool results: 4 C", done.content().get(0).asText().text());
  }

  @Test
  public void streamingWithThinkingAccumulatesToAMessage() {
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model(MODEL)
            .maxTokens(2048)
            .enabledThinking(1024)
            .addUserMessage("Stream a reply that is long enough to come in several pieces")
            .build();
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Message m = accumulator.message();
    m.validate();
    List<ContentBlock> content = m.content();
    assertEquals(2, content.size());
    assertThat(content.get(0).asThinking().thinking(), containsString("Stream a reply"));
    assertFalse(content.get(0).asThinking().signature().isEmpty());
    assertEquals(
        "Echo: Stream a reply that is long enough to come in several pieces",
        content.get(1).asText().text());
    assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
    assertThat(m.usage().outputTokens(), greaterThan(10L));
  }
}

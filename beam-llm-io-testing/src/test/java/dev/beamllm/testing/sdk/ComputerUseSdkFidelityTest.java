package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.beta.AnthropicBeta;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.BetaToolComputerUse20250124;
import com.anthropic.models.beta.messages.BetaToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.ComputerTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseComputerToolCall;
import com.openai.models.responses.ResponseCreateParams;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.FakeProviderServer;
import org.junit.Test;

/**
 * The official SDKs' computer tools, sent to the fake server: the fake takes the requests they
 * build and its computer calls pass their strict {@code validate()}.
 */
public class ComputerUseSdkFidelityTest {
  private static final String USER = "Look. [computer 640x480: click 320 240]";

  @Test
  public void anthropicBetaComputerTool() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-ant-fake").start()) {
      AnthropicClient client =
          AnthropicOkHttpClient.builder()
              .apiKey("sk-ant-fake")
              .baseUrl(fake.baseUrl())
              .maxRetries(0)
              .build();
      try {
        BetaMessage m =
            client
                .beta()
                .messages()
                .create(
                    com.anthropic.models.beta.messages.MessageCreateParams.builder()
                        .model("claude-sonnet-4-5")
                        .maxTokens(256)
                        .addBeta(AnthropicBeta.COMPUTER_USE_2025_01_24)
                        .addTool(
                            BetaToolComputerUse20250124.builder()
                                .displayWidthPx(640)
                                .displayHeightPx(480)
                                .build())
                        .addUserMessage(USER)
                        .build());
        m.validate();
        BetaToolUseBlock use = m.content().get(0).asToolUse();
        assertEquals("computer", use.name());
        assertEquals(
            "{\"action\":\"left_click\",\"coordinate\":[320,240]}",
            Json.write(Json.MAPPER.valueToTree(use._input().convert(java.util.Map.class))));
      } finally {
        client.close();
      }
    }
  }

  @Test
  public void openAiComputerUsePreview() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-fake").start()) {
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .apiKey("sk-fake")
              .baseUrl(fake.baseUrl() + "/v1")
              .maxRetries(0)
              .build();
      try {
        Response r =
            client
                .responses()
                .create(
                    ResponseCreateParams.builder()
                        .model("computer-use-preview")
                        .addTool(
                            ComputerTool.builder()
                                .displayWidth(640)
                                .displayHeight(480)
                                .environment(ComputerTool.Environment.LINUX)
                                .build())
                        .truncation(ResponseCreateParams.Truncation.AUTO)
                        .input(USER)
                        .build());
        r.validate();
        ResponseComputerToolCall call = r.output().get(0).asComputerCall();
        assertEquals(320, call.action().asClick().x());
        assertEquals(240, call.action().asClick().y());
        assertEquals(
            ResponseComputerToolCall.Action.Click.Button.LEFT, call.action().asClick().button());
      } finally {
        client.close();
      }
    }
  }
}

package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** A request offering the computer tool keeps the computer through the request coder. */
public class ComputerToolCoderTest {
  @Test
  public void theComputerSurvivesTheCoder() throws Exception {
    ComputerUse computer =
        ComputerUse.of(1024, 768)
            .withDisplayNumber(1)
            .withAnthropicVersion(ComputerUse.AnthropicVersion.COMPUTER_20251124)
            .withZoom(true)
            .withOpenAiTool(ComputerUse.OpenAiTool.COMPUTER_USE_PREVIEW)
            .withEnvironment(ComputerUse.Environment.BROWSER)
            .withGeminiExcludedFunctions(List.of("search", "navigate"));
    LlmRequest request =
        LlmRequest.of(Conversation.user("Click."))
            .withTools(List.of(Tool.computer(computer), Tool.of("note", "A note.", null)));
    LlmRequest decoded =
        CoderUtils.decodeFromByteArray(
            LlmRequestCoder.of(), CoderUtils.encodeToByteArray(LlmRequestCoder.of(), request));
    assertEquals(request, decoded);
    assertEquals(computer, decoded.tools().orElseThrow().get(0).computerUse());
  }
}

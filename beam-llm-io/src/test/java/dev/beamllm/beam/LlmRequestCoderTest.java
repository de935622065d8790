package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.tool.AnthropicDefinedTool;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/** Every setting a request carries survives the trip between workers. */
public class LlmRequestCoderTest {
  @Test
  public void everySettingRoundTrips() throws Exception {
    LlmRequest full =
        LlmFailureCoderTest.fullRequest()
            .withPreferredModel("claude-4.5-haiku")
            .withServiceTier("flex")
            .withTools(
                List.of(
                    Tool.of("lookup", "Looks up.", null),
                    new Tool(
                            "search",
                            "",
                            "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},"
                                + "\"required\":[\"q\"],\"additionalProperties\":false}")
                        .withStrict(true),
                    Tool.webSearch(
                        WebSearch.defaults()
                            .withMaxUses(2)
                            .withBlockedDomains(List.of("spam.example"))
                            .withUserLocation(new WebSearch.UserLocation("Lyon", null, "FR", null))
                            .withContextSize(WebSearch.ContextSize.LOW)
                            .withAnthropicVersion(WebSearch.AnthropicVersion.WEB_SEARCH_20260209)),
                    Tool.codeInterpreter(CodeInterpreter.defaults().withContainerId("cntr_9")),
                    Tool.of("bash", "Runs.", null).withBuiltin(AnthropicDefinedTool.BASH)));
    LlmRequest back =
        CoderUtils.decodeFromByteArray(
            LlmRequestCoder.of(), CoderUtils.encodeToByteArray(LlmRequestCoder.of(), full));
    assertEquals(full, back);
    assertEquals(5, back.tools().orElseThrow().size());
    assertEquals(AnthropicDefinedTool.BASH, back.tools().orElseThrow().get(4).builtin());
    LlmRequest bare = LlmRequest.of(Conversation.user("hi"));
    assertEquals(
        bare,
        CoderUtils.decodeFromByteArray(
            LlmRequestCoder.of(), CoderUtils.encodeToByteArray(LlmRequestCoder.of(), bare)));
  }

  @Test
  public void bytesOfAnotherFormatAreRefusedNotMisread() throws Exception {
    byte[] bytes =
        CoderUtils.encodeToByteArray(LlmRequestCoder.of(), LlmRequest.of(Conversation.user("hi")));
    assertEquals("the format byte comes first", LlmRequestCoder.VERSION, bytes[0]);
    bytes[0] = 2;
    CoderException e =
        org.junit.Assert.assertThrows(
            CoderException.class,
            () -> CoderUtils.decodeFromByteArray(LlmRequestCoder.of(), bytes));
    assertEquals("an LlmRequest of format 2, this version reads 1", e.getMessage());
  }
}

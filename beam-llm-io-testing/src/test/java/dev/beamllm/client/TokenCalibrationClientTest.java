package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.TokenCounting;
import org.junit.Test;

/**
 * Against a provider that counts prompts as characters / 4 + 4 per message, the client learns the
 * ratio of that count to its own estimate and reserves accordingly (issue 12, point 4).
 */
public class TokenCalibrationClientTest {
  @Test
  public void theClientLearnsHowTheProviderCountsPrompts() {
    String text =
        "The quarterly report shows revenue rising in every region, with costs held flat. "
            .repeat(25);
    Conversation prompt = Conversation.user(text);
    long estimate = TokenCounter.estimate(prompt, WireFormat.OPENAI.imageRule());
    long charged = (text.length() + 3) / 4 + 4;
    try (FakeProviderServer fake =
            FakeProviderServer.builder().tokenCounting(TokenCounting.CHARS4).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      assertEquals(1.0, client.tokenCalibration("gpt-4.1-mini"), 0);
      for (int i = 0; i < 3; i++) {
        ApiResponse r = client.start(prompt).join();
        assertFalse(r.error().toString(), r.isError());
        assertEquals(charged, r.usage().inputTokens());
      }
      double expected = (double) charged / estimate;
      assertTrue("the provider charges more than the tokenizer counts", expected > 1.05);
      assertEquals(expected, client.tokenCalibration("gpt-4.1-mini"), 1e-9);
    }
  }
}

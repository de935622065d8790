package dev.beamllm.client;

import static org.junit.Assert.assertEquals;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.Usage;
import org.junit.Test;

/** What a provider charges for a prompt against the client's estimate, learnt per model. */
public class TokenCalibrationTest {
  private final ModelSpec openAi = ModelRegistry.defaults().lookup("gpt-4.1-mini");
  private final ModelSpec claude = ModelRegistry.defaults().lookup("claude-4.5-haiku");

  @Test
  public void reservationsFollowWhatTheProviderCharges() {
    TokenCalibration c = new TokenCalibration();
    assertEquals("before any answer, the estimate", 1_000, c.reserve("m", 1_000));
    c.learn("m", openAi, 1_000, new Usage(1_100, 50, 0, 0));
    assertEquals(1.1, c.ratio("m"), 1e-9);
    assertEquals(1_100, c.reserve("m", 1_000));
    c.learn("m", openAi, 1_000, new Usage(1_200, 50, 0, 0));
    assertEquals("a weighted mean, 0.2 for the newest", 1.12, c.ratio("m"), 1e-9);
    assertEquals("each model its own", 1.0, c.ratio("other"), 0);
  }

  @Test
  public void cacheReadsCountAsThePromptWhereTheProviderReportsThemApart() {
    TokenCalibration c = new TokenCalibration();
    c.learn("claude", claude, 1_000, new Usage(100, 10, 800, 150));
    assertEquals(1.05, c.ratio("claude"), 1e-9);
    c.learn("gpt", openAi, 1_000, new Usage(1_050, 10, 800, 0));
    assertEquals("OpenAI's input already holds its cache reads", 1.05, c.ratio("gpt"), 1e-9);
  }

  @Test
  public void answersThatSayLittleAreBoundedOrIgnored() {
    TokenCalibration c = new TokenCalibration();
    c.learn("m", openAi, 10, new Usage(400, 1, 0, 0));
    assertEquals("a tiny prompt teaches nothing", 1.0, c.ratio("m"), 0);
    c.learn("m", openAi, 1_000, new Usage(0, 5, 0, 0));
    assertEquals("no usage teaches nothing", 1.0, c.ratio("m"), 0);
    c.learn("m", openAi, 1_000, new Usage(9_000, 5, 0, 0));
    assertEquals("bounded", 4.0, c.ratio("m"), 0);
  }
}

package dev.beamllm.model;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import org.junit.Test;

/** Each provider's fee for the tools it runs, by its own unit: a search, a container, an answer. */
public class ServerToolFeesTest {
  private static double fee(String model, Map<String, Integer> calls) {
    return ServerToolFees.of(ModelRegistry.defaults().lookup(model), calls);
  }

  @Test
  public void eachProviderChargesByItsOwnUnit() {
    assertEquals(0.03, fee("claude-4.5-sonnet", Map.of("web_search", 3)), 1e-12);
    assertEquals(
        0.02 + 0.03, fee("gpt-4.1", Map.of("web_search", 2, "code_interpreter", 4)), 1e-12);
    assertEquals(
        "per grounded answer", 0.035, fee("gemini-2.5-flash", Map.of("web_search", 3)), 1e-12);
    assertEquals(
        "per query on Gemini 3",
        0.042,
        fee("gemini-3-flash-preview", Map.of("web_search", 3)),
        1e-12);
    assertEquals(0, fee("gemini-2.5-flash", Map.of("code_interpreter", 2)), 0);
    assertEquals(0, fee("claude-4.5-sonnet", Map.of("mcp", 5)), 0);
    assertEquals(0, fee("claude-4.5-sonnet", Map.of()), 0);
  }
}

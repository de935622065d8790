package dev.beamllm.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import org.junit.Test;

/**
 * Which reasoning efforts a model takes, from its registry entry (OpenAI's reference: gpt-5.1 takes
 * none, the models before it do not; o-series take low, medium, high; gpt-5-pro only high).
 */
public class EffortSupportTest {
  private final ModelRegistry registry = ModelRegistry.defaults();

  private Optional<String> refusal(String model, ReasoningEffort effort) {
    return EffortSupport.refusal(registry.lookup(model), effort);
  }

  @Test
  public void aModelThatListsEffortsTakesExactlyThose() {
    assertEquals(
        Optional.of(
            "model 'gpt-5' does not take reasoning effort none; it takes minimal, low, medium,"
                + " high"),
        refusal("gpt-5", ReasoningEffort.NONE));
    assertTrue(refusal("gpt-5.1", ReasoningEffort.NONE).isEmpty());
    assertTrue(refusal("gpt-5.1", ReasoningEffort.MINIMAL).isPresent());
    assertTrue(refusal("o3", ReasoningEffort.MINIMAL).isPresent());
    assertTrue(refusal("o3", ReasoningEffort.XHIGH).isPresent());
    assertTrue(refusal("gpt-5.2", ReasoningEffort.XHIGH).isEmpty());
    assertEquals(
        Optional.of("model 'gpt-5-pro' does not take reasoning effort low; it takes high"),
        refusal("gpt-5-pro", ReasoningEffort.LOW));
    assertTrue(
        "on the set, whatever the format", refusal("azure-o3", ReasoningEffort.NONE).isPresent());
  }

  @Test
  public void aModelThatListsNoneTakesAnyEffortOnlyWhereItBecomesABudget() {
    for (ReasoningEffort e : ReasoningEffort.values()) {
      assertTrue(refusal("claude-4.5-sonnet", e).isEmpty());
      assertTrue(refusal("gemini-2.5-pro", e).isEmpty());
      assertTrue(refusal("bedrock-claude-4-sonnet", e).isEmpty());
      assertTrue("a model that does not reason gets no effort", refusal("gpt-4.1", e).isEmpty());
    }
    assertEquals(
        Optional.of(
            "model 'grok-4' does not take reasoning effort high; it takes no reasoning effort (its"
                + " capabilities.reasoning_efforts is empty)"),
        refusal("grok-4", ReasoningEffort.HIGH));
    assertTrue(refusal("o1-mini", ReasoningEffort.LOW).isPresent());
  }

  @Test
  public void theEffortOfARequestIsItsOwnElseTheIdSuffix() {
    ModelSpec o3High = registry.lookup("o3-high");
    assertEquals(
        Optional.of(ReasoningEffort.HIGH),
        EffortSupport.effective(o3High, SamplingParams.defaults()));
    assertEquals(
        Optional.of(ReasoningEffort.LOW),
        EffortSupport.effective(
            o3High, SamplingParams.defaults().withReasoningEffort(ReasoningEffort.LOW)));
    assertTrue(
        refusal("o3-minimal", registry.lookup("o3-minimal").reasoningEffort().orElseThrow())
            .isPresent());
  }
}

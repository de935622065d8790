package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ApiResponseJson;
import dev.beamllm.response.Usage;
import dev.beamllm.testing.FakeProviderServer;
import org.junit.Test;

/**
 * An answer is priced by the service tier it reports: the fake answers with the tier asked for, as
 * OpenAI does, through chat completions (plain and streamed) and the Responses API.
 */
public class ServiceTierCostTest {
  private static final Conversation PROMPT = Conversation.user("Summarize the tiers, please.");

  private static ApiResponse ask(FakeProviderServer fake, String tier, boolean responses) {
    LlmClient.Builder b = ClientTestSupport.client(fake, "gpt-5").responsesApi(responses);
    if (tier != null) {
      b.serviceTier(tier);
    }
    try (LlmClient client = b.build()) {
      ApiResponse r = client.start(PROMPT).join();
      assertFalse(r.error().toString(), r.isError());
      return r;
    }
  }

  private static ApiResponse stream(FakeProviderServer fake, String tier) {
    try (LlmClient client = ClientTestSupport.client(fake, "gpt-5").serviceTier(tier).build()) {
      ApiResponse r = client.stream(PROMPT, text -> {}).join();
      assertFalse(r.error().toString(), r.isError());
      return r;
    }
  }

  /** gpt-5 standard: $1.25 in, $10 out per million; flex at Batch rates, priority $2.50 / $20. */
  private static double dollars(Usage u, double in, double out) {
    return (u.inputTokens() * in + u.outputTokens() * out) / 1e6;
  }

  @Test
  public void flexCostsHalfAndPriorityThePublishedPrice() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (boolean responses : new boolean[] {false, true}) {
        ApiResponse standard = ask(fake, null, responses);
        ApiResponse flex = ask(fake, "flex", responses);
        ApiResponse priority = ask(fake, "priority", responses);
        Usage u = standard.usage();
        assertEquals(u, flex.usage());
        assertEquals(u, priority.usage());

        assertEquals("default", standard.serviceTier().orElseThrow());
        assertEquals("flex", flex.serviceTier().orElseThrow());
        assertEquals("priority", priority.serviceTier().orElseThrow());
        assertEquals(dollars(u, 1.25, 10), standard.cost(), 1e-12);
        assertEquals(dollars(u, 0.625, 5), flex.cost(), 1e-12);
        assertEquals(dollars(u, 2.50, 20), priority.cost(), 1e-12);
        assertEquals(standard.cost() / 2, flex.cost(), 1e-12);
      }
    }
  }

  @Test
  public void aStreamedAnswerIsPricedByItsTierToo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ApiResponse flex = stream(fake, "flex");
      assertEquals("flex", flex.serviceTier().orElseThrow());
      assertEquals(dollars(flex.usage(), 0.625, 5), flex.cost(), 1e-12);
      // "auto" on a project without Priority is served, and priced, at the default tier.
      ApiResponse auto = stream(fake, "auto");
      assertEquals("default", auto.serviceTier().orElseThrow());
      assertEquals(dollars(auto.usage(), 1.25, 10), auto.cost(), 1e-12);
    }
  }

  @Test
  public void theTierTravelsWithTheResponseAndItsCostMatchesTheRegistry() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ApiResponse flex = ask(fake, "flex", false);
      ModelSpec spec = ModelRegistry.defaults().lookup("gpt-5");
      assertEquals(spec.cost(flex.usage(), "flex"), flex.cost(), 1e-15);
      ApiResponse back = ApiResponseJson.fromJson(ApiResponseJson.toJson(flex));
      assertEquals(flex, back);
      assertEquals("flex", back.serviceTier().orElseThrow());
    }
  }
}

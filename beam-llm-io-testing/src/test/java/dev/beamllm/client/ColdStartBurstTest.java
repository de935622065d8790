package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.SamplingParams;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.FakeServerStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * A job's first burst empties the client's full token bucket, but its requests reach the provider
 * late (connections opening on a busy machine), while the provider's bucket, still full, earns
 * nothing. The client's bucket must not earn meanwhile either: what it earned would go out as soon
 * as the burst is answered, beyond what the provider has, and come back as 429s (issue 12, point 5:
 * the 429s of the chars/4 runs fell in the burst's last second).
 */
public class ColdStartBurstTest {
  private static final long TOKENS_PER_MINUTE = 24_000;

  @Test
  public void aBurstThatArrivesLateDrawsNoRateLimits() {
    int n = 100;
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add("Prompt " + i + ": " + "summarise the river stone cloud maple. ".repeat(18));
    }
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .tokensPerMinute(TOKENS_PER_MINUTE)
                .coldStart(Duration.ofSeconds(3))
                .latency(FakeLatency.fixed(Duration.ofMillis(100)))
                .recordRequests(false)
                .start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .limits(new Limits(0, TOKENS_PER_MINUTE, 1_000))
                .samplingParams(SamplingParams.defaults().withMaxNewTokens(100))
                .maxAttempts(10)
                .build()) {
      List<ApiResponse> out = client.processPrompts(prompts);

      assertEquals(n, out.stream().filter(r -> !r.isError()).count());
      FakeServerStats stats = fake.stats();
      long charged = stats.inputTokens() + stats.outputTokens();
      assertTrue(
          "the job needs more than the provider's full bucket, so it runs into the limit: "
              + charged,
          charged > TOKENS_PER_MINUTE * 1.04);
      assertEquals(
          "429s by second: " + java.util.Arrays.toString(stats.rateLimitedPerSecond()),
          0,
          stats.rateLimited());
      assertEquals(n, stats.accepted());
    }
  }
}

package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.Limits;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RedisServer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.junit.Test;

/** LlmIO with its limits held on a real redis-server, on the DirectRunner. */
public class LlmIOSharedLimitsTest {

  /**
   * The job's quota is the whole quota on every worker (not a share), held under the job's name,
   * and it holds: the provider enforcing the same quota refuses next to nothing.
   */
  @Test(timeout = 120_000)
  public void theJobsLimitsAreHeldInRedisUnderTheJobsName() throws Exception {
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake =
            FakeProviderServer.builder().requestsPerMinute(300).recordRequests(false).start()) {
      PipelineOptions options = PipelineOptionsFactory.create();
      options.setJobName("nightly eval");
      Pipeline p = Pipeline.create(options);
      LlmIO.Complete io =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(LlmIOTest.registry(fake))
              .withLimits(Limits.perMinute(300, 0))
              .withNumWorkers(4)
              .withSharedLimits(redis.uri());
      LlmResult result = p.apply(Create.of(LlmIOTest.conversations(320))).apply(io);
      PAssert.thatSingleton(result.responses().apply(Count.globally())).isEqualTo(320L);
      PAssert.that(result.failures()).empty();
      p.run().waitUntilFinish();

      // At a quota this small the 0.5% reserve is under two requests, and a busy machine's delays
      // can exceed it: the local limiter draws the odd 429 here too. A storm would be dozens.
      assertTrue("429s: " + fake.stats().rateLimited(), fake.stats().rateLimited() <= 3);
      assertEquals(320, fake.stats().accepted());
      // The whole 300/min, not a quarter of it: a quarter would let only 75 go in the first burst.
      long[] perSecond = fake.stats().acceptedPerSecond();
      long firstSeconds = 0;
      for (int i = 0; i < Math.min(5, perSecond.length); i++) {
        firstSeconds += perSecond[i];
      }
      assertTrue("accepted in the first seconds: " + firstSeconds, firstSeconds > 150);
      String level = redis.command("HGET beamllm:nightly-eval:nokey:bucket:requests level");
      assertTrue("the job's bucket lives under its name: " + level, level.startsWith("$"));
    }
  }

  /**
   * Split statically, each of three workers may spend a third of the cap; held in Redis, the whole
   * cap is every worker's, as one ledger counts them all.
   */
  @Test
  public void theSpendingCapIsSplitByWorkersUnlessItIsHeldInRedis() {
    LlmIO.Complete io =
        LlmIO.complete().withModels("gpt-4.1-mini").withNumWorkers(3).withMaxCost(3.0);
    PipelineOptions options = PipelineOptionsFactory.create();
    assertEquals(1.0, io.workerConfig(options).maxCost().orElseThrow(), 1e-9);
    assertEquals(
        3.0,
        io.withSharedLimits("redis://127.0.0.1:6379").workerConfig(options).maxCost().orElseThrow(),
        1e-9);
  }

  @Test
  public void displayDataNamesTheServerButNeverItsPassword() {
    LlmIO.Complete io =
        LlmIO.complete()
            .withModels("gpt-4.1-mini")
            .withSharedLimits("redis://:hunter2@10.0.0.5:6379");
    String shown = DisplayData.from(io).toString();
    assertTrue(shown, shown.contains("10.0.0.5:6379"));
    assertFalse(shown, shown.contains("hunter2"));
  }
}

package dev.beamllm.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RedisServer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.junit.Rule;
import org.junit.Test;

/**
 * LlmIO with a Redis cache on the DirectRunner: the cache travels to the DoFns as settings, a
 * second run is answered from Redis without sending, and the display data masks the password.
 */
public class LlmIORedisCacheTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test(timeout = 120_000)
  public void aSecondRunIsAnsweredFromRedisWithoutSending() throws Exception {
    String secret = "beam-s3cret";
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake =
            FakeProviderServer.builder().requestsPerMinute(100).recordRequests(false).start()) {
      redis.command("CONFIG SET requirepass " + secret);
      LlmIO.Complete io =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(LlmIOTest.registry(fake))
              .withCache(
                  ResponseCache.redis(
                      "redis://:" + secret + "@127.0.0.1:" + redis.port() + "?namespace=llmio"));
      String display = DisplayData.from(io).toString();
      assertThat(display, not(containsString(secret)));
      assertThat(display, containsString("RedisCache{redis://:***@127.0.0.1"));

      Pipeline first = Pipeline.create(PipelineOptionsFactory.create());
      first.apply(Create.of(LlmIOTest.conversations(40))).apply(io);
      first.run().waitUntilFinish();
      assertEquals(40, fake.stats().accepted());
      fake.reset();

      LlmResult result = pipeline.apply(Create.of(LlmIOTest.conversations(40))).apply(io);
      PAssert.that(result.responses())
          .satisfies(
              rs -> {
                int n = 0;
                for (ApiResponse r : rs) {
                  n++;
                  assertTrue(r.cacheHit());
                  assertEquals(
                      "Echo: prompt " + r.conversationId().orElseThrow().substring(3),
                      r.completion());
                }
                assertEquals(40, n);
                return null;
              });
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();
      assertEquals("the provider received nothing", 0, fake.stats().received());
    }
  }
}

package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.BatchSettings;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import java.time.Duration;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.complete().withBatchApi(...)} on the DirectRunner against the fake provider: every
 * row is answered through the batch API at the batch tier, the shards make several batches, and
 * what a batch fails to answer is answered online; no row is lost.
 */
public class LlmIOBatchApiTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final BatchSettings SETTINGS =
      BatchSettings.defaults()
          .withMaxRequestsPerBatch(10)
          .withPollInterval(Duration.ofMillis(50), Duration.ofMillis(200));

  @Test(timeout = 120_000)
  public void everyRowIsAnsweredThroughBatchesAndFailedItemsOnline() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().batchFailEvery(4).start()) {
      LlmResult result =
          pipeline
              .apply(Create.of(LlmIOTest.conversations(60)))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(LlmIOTest.registry(fake))
                      .withBatchApi(SETTINGS));
      PAssert.that(result.responses())
          .satisfies(
              rs -> {
                int n = 0;
                int batched = 0;
                for (ApiResponse r : rs) {
                  n++;
                  assertFalse(r.isError());
                  assertEquals(
                      "Echo: prompt " + r.conversationId().orElseThrow().substring(3),
                      r.completion());
                  if ("batch".equals(r.serviceTier().orElse(null))) {
                    batched++;
                  }
                }
                assertEquals(60, n);
                assertTrue("most rows answered by batch: " + batched, batched >= 40);
                assertTrue("failed items answered online: " + batched, batched < 60);
                return null;
              });
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();
      assertTrue("shards of at most 10: " + fake.batchesCreated(), fake.batchesCreated() >= 6);
    }
  }
}

package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;

import dev.beamllm.client.RerankQuery;
import dev.beamllm.response.Ranking;
import dev.beamllm.testing.FakeProviderServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.rerank(...)} on the DirectRunner against the fake: every query ranked, top-n kept.
 */
public class LlmIORerankTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test(timeout = 120_000)
  public void everyQueryGetsItsTopDocuments() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<RerankQuery> queries = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        queries.add(
            new RerankQuery(
                "q" + i,
                "topic " + i,
                List.of("nothing here", "all about topic " + i, "topic elsewhere")));
      }
      RerankResult result =
          pipeline
              .apply(Create.of(queries).withCoder(SerializableCoder.of(RerankQuery.class)))
              .apply(
                  LlmIO.rerank("rerank-v3.5").withRegistry(LlmIOTest.registry(fake)).withTopN(1));
      PAssert.that(result.rankings())
          .satisfies(
              rs -> {
                int n = 0;
                for (Ranking r : rs) {
                  n++;
                  assertEquals(1, r.results().size());
                  assertEquals(1, r.results().get(0).index());
                }
                assertEquals(50, n);
                return null;
              });
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();
    }
  }
}

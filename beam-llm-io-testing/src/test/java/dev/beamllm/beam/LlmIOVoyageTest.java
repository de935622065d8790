package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.RerankQuery;
import dev.beamllm.client.TextInput;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.response.Embedding;
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
 * {@code LlmIO.rerank(...)} and {@code LlmIO.embed(...)} with Voyage AI models on the DirectRunner
 * against the fake: nothing Voyage-specific outside the provider layer, costs from the tokens
 * billed.
 */
public class LlmIOVoyageTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** The fake's registry, the Voyage models needing no key (the fake is keyless). */
  private static ModelRegistry registry(FakeProviderServer fake) {
    ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
    List<ModelSpec> open = new ArrayList<>();
    for (String id : List.of("rerank-2.5", "voyage-3.5-lite")) {
      open.add(r.lookup(id).toBuilder().setApiKeyEnv(null).build());
    }
    return r.withModels(open);
  }

  @Test(timeout = 120_000)
  public void voyageRanksAndEmbedsInAPipeline() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<RerankQuery> queries = new ArrayList<>();
      List<TextInput> texts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        queries.add(
            new RerankQuery(
                "q" + i,
                "topic " + i,
                List.of("nothing here", "all about topic " + i, "topic elsewhere")));
        texts.add(new TextInput("t" + i, "support ticket " + i));
      }
      RerankResult ranked =
          pipeline
              .apply(
                  "queries", Create.of(queries).withCoder(SerializableCoder.of(RerankQuery.class)))
              .apply(LlmIO.rerank("rerank-2.5").withRegistry(registry(fake)).withTopN(1));
      EmbedResult embedded =
          pipeline
              .apply("texts", Create.of(texts).withCoder(TextInputCoder.of()))
              .apply(
                  LlmIO.embed("voyage-3.5-lite").withRegistry(registry(fake)).withDimensions(256));
      PAssert.that(ranked.rankings())
          .satisfies(
              rs -> {
                int n = 0;
                for (Ranking r : rs) {
                  n++;
                  assertEquals(1, r.results().size());
                  assertEquals(1, r.results().get(0).index());
                  assertTrue("priced by its tokens", r.cost() > 0 || r.cacheHit());
                }
                assertEquals(20, n);
                return null;
              });
      PAssert.that(ranked.failures()).empty();
      PAssert.that(embedded.embeddings())
          .satisfies(
              es -> {
                int n = 0;
                for (Embedding e : es) {
                  n++;
                  assertFalse(e.isError());
                  assertEquals(256, e.dimensions());
                }
                assertEquals(20, n);
                return null;
              });
      PAssert.that(embedded.failures()).empty();
      pipeline.run().waitUntilFinish();
    }
  }
}

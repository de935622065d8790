package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import dev.beamllm.testing.FakeProviderServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/**
 * {@link LlmClient#rerank} against the fake provider's Cohere rerank over real sockets: documents
 * ranked best first with the provider's scores (the fake scores by word overlap), top-n kept, the
 * search units priced, the cache serving a repeat without a request, and a chat model refused.
 */
public class RerankTest {
  private static final RerankQuery PARCELS =
      new RerankQuery(
          "q1",
          "where is my parcel",
          List.of(
              "the weather is nice today",
              "my parcel is late, where is it",
              "parcel tracking explained",
              "recipes for dinner"));

  @Test(timeout = 60_000)
  public void documentsComeBestFirstWithTopNAndACost() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.memory()).build()) {
      Ranking r =
          client
              .rerank(List.of(PARCELS), RerankSettings.of("rerank-v3.5").withTopN(2))
              .get(0)
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("q1", r.id());
      assertEquals(2, r.results().size());
      assertEquals("the document sharing most words first", 1, r.results().get(0).index());
      assertEquals(2, r.results().get(1).index());
      assertTrue(r.results().get(0).score() > r.results().get(1).score());
      assertEquals(1, r.searchUnits());
      assertEquals(2.0 / 1000, r.cost(), 1e-12);
      assertTrue(fake.requests().get(0).body().contains("\"top_n\":2"));

      Ranking again =
          client
              .rerank(List.of(PARCELS), RerankSettings.of("rerank-v3.5").withTopN(2))
              .get(0)
              .join();
      assertTrue(again.cacheHit());
      assertEquals(r.results(), again.results());
      assertEquals("served from the cache", 1, fake.requests().size());
    }
  }

  @Test(timeout = 60_000)
  public void manyQueriesEachGetTheirRankingAndAChatModelIsRefused() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<RerankQuery> queries =
          List.of(
              PARCELS,
              new RerankQuery("q2", "dinner recipes", PARCELS.documents()),
              new RerankQuery("q3", "anything", List.of()));
      List<Ranking> out =
          client.rerank(queries, RerankSettings.of("rerank-v3.5")).stream()
              .map(CompletableFuture::join)
              .toList();
      assertEquals(4, out.get(0).results().size());
      assertEquals(3, out.get(1).results().get(0).index());
      assertTrue("no documents, nothing sent", out.get(2).results().isEmpty());
      assertEquals(2, fake.requests().size());

      Ranking refused =
          client.rerank(List.of(PARCELS), RerankSettings.of("gpt-4.1-mini")).get(0).join();
      assertEquals(ErrorKind.UNSUPPORTED, refused.error().kind());
    }
  }
}

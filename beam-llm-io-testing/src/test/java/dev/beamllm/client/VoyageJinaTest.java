package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.provider.EmbeddingRequest.InputType;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Ranking;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * Voyage AI and Jina AI through {@link LlmClient#rerank} and {@link LlmClient#embedTexts} against
 * the fake over real sockets: the fields each API names top-n, input type and vector length with,
 * rankings priced by the tokens billed at the model's price per million, a repeat served from the
 * cache, a refusal classified from the provider's {@code detail}, and a chat request refused.
 */
public class VoyageJinaTest {
  private static final RerankQuery PARCELS =
      new RerankQuery(
          "q1",
          "where is my parcel",
          List.of(
              "the weather is nice today",
              "my parcel is late, where is it",
              "parcel tracking explained",
              "recipes for dinner"));

  private static RecordedRequest last(FakeProviderServer fake) {
    List<RecordedRequest> all = fake.requests();
    return all.get(all.size() - 1);
  }

  private static void rankedByTokens(
      FakeProviderServer fake, LlmClient client, String model, double perMillion, String top) {
    Ranking r = client.rerank(List.of(PARCELS), RerankSettings.of(model).withTopN(2)).get(0).join();
    assertFalse(String.valueOf(r.error()), r.isError());
    assertEquals(2, r.results().size());
    assertEquals("the document sharing most words first", 1, r.results().get(0).index());
    assertEquals(2, r.results().get(1).index());
    assertTrue(r.results().get(0).score() > r.results().get(1).score());
    assertEquals("token-billed: no search units", 0, r.searchUnits());
    long tokens = fake.stats().inputTokens();
    assertTrue(tokens > 0);
    assertEquals(tokens * perMillion / 1e6, r.cost(), 1e-15);
    assertTrue(last(fake).body(), last(fake).body().contains("\"" + top + "\":2"));
    assertTrue("a bearer key", last(fake).headers().get("authorization").startsWith("Bearer "));

    Ranking again =
        client.rerank(List.of(PARCELS), RerankSettings.of(model).withTopN(2)).get(0).join();
    assertTrue(again.cacheHit());
    assertEquals(r.results(), again.results());
    assertEquals(0, again.cost(), 0);
    assertEquals("served from the cache", 1, fake.requests().size());
  }

  @Test(timeout = 60_000)
  public void voyageRerankIsPricedByTheTokensBilledAndCached() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.memory()).build()) {
      rankedByTokens(fake, client, "rerank-2.5", 0.05, "top_k");
      assertTrue(last(fake).path().endsWith("/voyage/v1/rerank"));
    }
  }

  @Test(timeout = 60_000)
  public void jinaRerankIsPricedByTheTokensBilledAndCached() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.memory()).build()) {
      rankedByTokens(fake, client, "jina-reranker-v2-base-multilingual", 0.05, "top_n");
      assertTrue(last(fake).path().endsWith("/jina/v1/rerank"));
      assertTrue(last(fake).body().contains("\"return_documents\":false"));
    }
  }

  @Test(timeout = 60_000)
  public void voyageEmbeddingsSendInputTypeAndDimensionAndArePricedByTheirTokens() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<Embedding> out =
          client.embedTexts(
              List.of("where is my parcel", "refund policy"),
              EmbedSettings.of("voyage-3.5").withDimensions(512).withInputType(InputType.QUERY));
      long tokens = 0;
      double cost = 0;
      for (Embedding e : out) {
        assertFalse(String.valueOf(e.error()), e.isError());
        assertEquals(512, e.dimensions());
        tokens += e.inputTokens();
        cost += e.cost();
      }
      assertEquals(fake.stats().inputTokens(), tokens, 2);
      assertEquals(tokens * 0.06 / 1e6, cost, 1e-12);
      String body = last(fake).body();
      assertTrue(last(fake).path().endsWith("/voyage/v1/embeddings"));
      assertTrue(body, body.contains("\"input_type\":\"query\""));
      assertTrue(body, body.contains("\"output_dimension\":512"));
    }
  }

  @Test(timeout = 60_000)
  public void jinaEmbeddingsSendTheRetrievalTaskAndDimensions() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<Embedding> out =
          client.embedTexts(
              List.of("a stored passage"),
              EmbedSettings.of("jina-embeddings-v3")
                  .withDimensions(256)
                  .withInputType(InputType.DOCUMENT));
      assertFalse(String.valueOf(out.get(0).error()), out.get(0).isError());
      assertEquals(256, out.get(0).dimensions());
      assertTrue(out.get(0).cost() > 0);
      String body = last(fake).body();
      assertTrue(body, body.contains("\"task\":\"retrieval.passage\""));
      assertTrue(body, body.contains("\"dimensions\":256"));
    }
  }

  @Test(timeout = 60_000)
  public void aRefusalIsClassifiedFromItsDetailAndChatIsRefusedBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "rerank-2.5").maxAttempts(1).build()) {
      List<String> docs = new ArrayList<>();
      for (int i = 0; i < 1001; i++) {
        docs.add("document " + i);
      }
      Ranking refused =
          client
              .rerank(List.of(new RerankQuery("big", "q", docs)), RerankSettings.of("rerank-2.5"))
              .get(0)
              .join();
      assertEquals(ErrorKind.BAD_REQUEST, refused.error().kind());
      assertEquals(400, refused.error().status());
      assertTrue(
          refused.error().message(), refused.error().message().contains("cannot exceed 1000"));

      int sent = fake.requests().size();
      ApiResponse chat = ClientTestSupport.once(client, "hello");
      assertTrue(chat.isError());
      assertEquals(ErrorKind.UNSUPPORTED, chat.error().orElseThrow().kind());
      assertTrue(
          chat.error().orElseThrow().message(),
          chat.error().orElseThrow().message().contains("not chat"));
      assertEquals("nothing sent for chat", sent, fake.requests().size());
    }
  }
}

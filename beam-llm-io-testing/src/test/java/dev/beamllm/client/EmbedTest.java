package dev.beamllm.client;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * {@link LlmClient#embed} end to end against the fake provider over real sockets: texts go in
 * requests of as many as the settings and the provider allow, every text gets its deterministic
 * vector under its id and its share of the tokens and cost, identical texts are sent once, the
 * cache serves a second run without a request, a text too long fails alone, and a 503 is retried.
 */
public class EmbedTest {
  private static List<TextInput> texts(int n) {
    List<TextInput> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new TextInput("t" + i, "document number " + i + " about parcels and refunds"));
    }
    return out;
  }

  private static List<Embedding> join(List<java.util.concurrent.CompletableFuture<Embedding>> fs) {
    return fs.stream().map(java.util.concurrent.CompletableFuture::join).toList();
  }

  private static long calls(FakeProviderServer fake, String pathEnd) {
    return fake.requests().stream()
        .map(RecordedRequest::path)
        .filter(p -> p.endsWith(pathEnd))
        .count();
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f * f;
    }
    return Math.sqrt(s);
  }

  @Test(timeout = 60_000)
  public void openAiTextsGoInRequestsOfTheSettingsSizeEachWithItsVectorTokensAndCost() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      EmbedSettings settings =
          EmbedSettings.of("text-embedding-3-small").withMaxInputsPerRequest(100);
      List<Embedding> out = join(client.embed(texts(250), settings));
      assertEquals("250 texts, 100 a request", 3, calls(fake, "/v1/embeddings"));
      long tokens = 0;
      double cost = 0;
      for (int i = 0; i < out.size(); i++) {
        Embedding e = out.get(i);
        assertFalse(String.valueOf(e.error()), e.isError());
        assertEquals("t" + i, e.id().orElseThrow());
        assertEquals(1536, e.dimensions());
        assertEquals(1.0, norm(e.vector()), 1e-3);
        tokens += e.inputTokens();
        cost += e.cost();
      }
      assertEquals(
          "the tokens the provider counted, shared out", fake.stats().inputTokens(), tokens, 3);
      assertEquals(tokens * 0.02 / 1e6, cost, 1e-9);
      // The same text gives the same vector; another text another one.
      List<Embedding> again =
          client.embedTexts(
              List.of(texts(1).get(0).text()), EmbedSettings.of("text-embedding-3-small"));
      assertArrayEquals(out.get(0).vector(), again.get(0).vector(), 0f);
      assertFalse(java.util.Arrays.equals(out.get(0).vector(), out.get(1).vector()));
    }
  }

  @Test(timeout = 60_000)
  public void dimensionsAndInputTypeReachTheProviderAndIdenticalTextsGoOnce() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<Embedding> short256 =
          client.embedTexts(
              List.of("a", "b", "a"),
              EmbedSettings.of("text-embedding-3-small").withDimensions(256));
      assertEquals(256, short256.get(0).dimensions());
      assertArrayEquals(short256.get(0).vector(), short256.get(2).vector(), 0f);
      assertTrue("the repeat is served without sending it", short256.get(2).cacheHit());
      String body =
          fake.requests().stream()
              .filter(r -> r.path().endsWith("/v1/embeddings"))
              .findFirst()
              .orElseThrow()
              .body();
      assertTrue(body, body.contains("\"dimensions\":256"));
      assertTrue("two texts sent, not three: " + body, body.contains("\"input\":[\"a\",\"b\"]"));

      List<Embedding> cohere =
          client.embedTexts(
              List.of("where is my parcel?"),
              EmbedSettings.of("embed-v4.0").withInputType(EmbeddingRequest.InputType.QUERY));
      assertFalse(String.valueOf(cohere.get(0).error()), cohere.get(0).isError());
      String cohereBody =
          fake.requests().stream()
              .filter(r -> r.path().endsWith("/v2/embed"))
              .findFirst()
              .orElseThrow()
              .body();
      assertTrue(cohereBody, cohereBody.contains("\"input_type\":\"search_query\""));
    }
  }

  @Test(timeout = 60_000)
  public void aSecondRunIsServedFromTheCacheWithoutARequest() throws Exception {
    Path db = Files.createTempDirectory("embed-cache").resolve("cache.db");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      EmbedSettings settings = EmbedSettings.of("embed-v4.0");
      List<Embedding> first;
      try (LlmClient client =
          ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.sqlite(db)).build()) {
        first = join(client.embed(texts(200), settings));
      }
      assertEquals("Cohere takes 96 texts a request", 3, calls(fake, "/v2/embed"));
      fake.reset();
      try (LlmClient client =
          ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.sqlite(db)).build()) {
        List<Embedding> second = join(client.embed(texts(200), settings));
        for (int i = 0; i < 200; i++) {
          assertTrue(second.get(i).cacheHit());
          assertEquals(0, second.get(i).cost(), 0);
          assertEquals("t" + i, second.get(i).id().orElseThrow());
          assertArrayEquals(first.get(i).vector(), second.get(i).vector(), 0f);
        }
      }
      assertEquals("nothing was sent", 0, fake.requests().size());
    }
  }

  @Test(timeout = 60_000)
  public void aTextTooLongFailsAloneAnUnknownModelFailsEveryTextAndA503IsRetried() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(FaultPlan.none().withScript("text-embedding-3-small", Fault.UNAVAILABLE))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      String huge = "word ".repeat(10_000);
      List<Embedding> out =
          client.embedTexts(List.of("short one", huge), EmbedSettings.of("text-embedding-3-small"));
      assertFalse(String.valueOf(out.get(0).error()), out.get(0).isError());
      assertEquals(ErrorKind.TOO_LARGE, out.get(1).error().orElseThrow().kind());
      assertEquals("the 503, then the retry", 2, calls(fake, "/v1/embeddings"));

      List<Embedding> chat = client.embedTexts(List.of("x"), EmbedSettings.of("gpt-4.1-mini"));
      assertEquals(ErrorKind.UNSUPPORTED, chat.get(0).error().orElseThrow().kind());
    }
  }

  @Test(timeout = 60_000)
  public void everyProvidersEmbeddingApiAnswersThroughTheClient() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      dev.beamllm.model.ModelRegistry registry =
          fake.pointRegistry(dev.beamllm.model.ModelRegistry.defaults());
      java.util.Map<String, String> keys = new java.util.HashMap<>();
      registry.models().forEach(m -> m.apiKeyEnv().ifPresent(v -> keys.put(v, "k")));
      keys.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
      keys.put("AWS_SECRET_ACCESS_KEY", "secret");
      record Case(String model, int dimensions, String path) {}
      List<Case> cases =
          List.of(
              new Case("gemini-embedding-001", 3072, ":batchEmbedContents"),
              new Case("mistral-embed", 1024, "/mistral/v1/embeddings"),
              new Case("bedrock-titan-embed-text-v2", 1024, "/invoke"),
              new Case("bedrock-cohere-embed-english-v3", 1024, "/invoke"),
              new Case("embed-english-v3.0", 1024, "/v2/embed"));
      try (LlmClient client =
          LlmClient.builder()
              .models("gpt-4.1-mini")
              .registry(registry)
              .apiKeys(ApiKeys.of(keys))
              .progress(StatusTracker.Display.NONE)
              .build()) {
        for (Case c : cases) {
          fake.reset();
          List<Embedding> out =
              client.embedTexts(
                  List.of("first text", "second text", "third text"),
                  EmbedSettings.of(c.model()).withInputType(EmbeddingRequest.InputType.DOCUMENT));
          for (Embedding e : out) {
            assertFalse(c.model() + ": " + e.error(), e.isError());
            assertEquals(c.model(), c.dimensions(), e.dimensions());
          }
          assertFalse(
              c.model() + " reached " + c.path(),
              fake.requests().stream().noneMatch(r -> r.path().endsWith(c.path())));
        }
        assertEquals("Titan takes one text a request", 3, countInvokes(client, fake));
      }
    }
  }

  private static long countInvokes(LlmClient client, FakeProviderServer fake) {
    fake.reset();
    client.embedTexts(List.of("a", "b", "c"), EmbedSettings.of("bedrock-titan-embed-text-v2"));
    return fake.requests().stream().filter(r -> r.path().endsWith("/invoke")).count();
  }

  @Test(timeout = 60_000)
  public void aMissingKeyFailsEveryTextWithTheVariableToSet() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .apiKeys(ApiKeys.of(java.util.Map.of()))
                .build()) {
      List<Embedding> out =
          client.embedTexts(List.of("a", "b"), EmbedSettings.of("text-embedding-3-small"));
      for (Embedding e : out) {
        assertEquals(ErrorKind.AUTH, e.error().orElseThrow().kind());
        assertTrue(
            e.error().orElseThrow().message(),
            e.error().orElseThrow().message().contains("OPENAI_API_KEY"));
      }
      assertEquals(0, fake.requests().size());
    }
  }
}

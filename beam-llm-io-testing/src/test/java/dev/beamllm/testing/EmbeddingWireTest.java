package dev.beamllm.testing;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.EmbeddingApi.Embedded;
import dev.beamllm.provider.EmbeddingRequest;
import dev.beamllm.provider.EmbeddingRequest.InputType;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.RerankApi.Reranked;
import dev.beamllm.provider.RerankApi.Scored;
import dev.beamllm.provider.RerankRequest;
import dev.beamllm.response.ErrorKind;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.Test;

/**
 * The adapters' embedding and rerank calls, sent exactly as built over real HTTP to the fake
 * provider's OpenAI {@code /v1/embeddings}, Cohere {@code /v2/embed} and {@code /v2/rerank}, and
 * their answers read back by the same APIs: the fake, which validates each request as the provider
 * documents it, takes what the adapters send.
 */
public class EmbeddingWireTest {
  private static final String KEY = "sk-embed-test";
  private static final List<String> TEXTS =
      List.of("The cat sat on the mat.", "Dogs bark at night.", "The cat sat on the mat.");

  private static ModelSpec model(FakeProviderServer fake, String id) {
    return fake.pointRegistry(ModelRegistry.defaults()).lookup(id);
  }

  private static EmbeddingRequest request(
      ModelSpec model, Integer dimensions, InputType type, String key) {
    return new EmbeddingRequest(
        model, TEXTS, dimensions, type, Credentials.apiKey(key), Map.of("x-team", "embed"));
  }

  /** Sends a call exactly as built (method, URL, headers, body). */
  private static HttpAnswer send(HttpCall call) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.uri())
            .timeout(Duration.ofSeconds(20))
            .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    HttpResponse<String> r = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> headers = new TreeMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new HttpAnswer(r.statusCode(), headers, r.body());
  }

  private static Embedded embed(EmbeddingRequest r) throws Exception {
    EmbeddingApi api = Adapters.embeddingApi(r.model().wireFormat()).orElseThrow();
    assertTrue(r.model().id(), api.embeds(r.model()));
    HttpCall call = api.embed(r);
    HttpAnswer answer = send(call);
    assertTrue(call + ": " + answer.status() + " " + answer.body(), answer.ok());
    return api.parse(r, answer);
  }

  private static void assertUnitVectors(String what, Embedded e, int dimensions) {
    assertEquals(what, TEXTS.size(), e.vectors().size());
    for (float[] v : e.vectors()) {
      assertEquals(what, dimensions, v.length);
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      assertEquals(what + " unit length", 1.0, Math.sqrt(norm), 1e-3);
    }
    // The fake embeds a text the same way every time, and different texts differently: the
    // vectors came back in the texts' order.
    assertArrayEquals(what, e.vectors().get(0), e.vectors().get(2), 0f);
    assertFalse(what, java.util.Arrays.equals(e.vectors().get(0), e.vectors().get(1)));
    assertTrue(what + " tokens", e.inputTokens().orElseThrow() > 0);
  }

  @Test
  public void openAiEmbeddingsAtNativeAndShortenedLengths() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      assertUnitVectors(
          "3-small", embed(request(model(fake, "text-embedding-3-small"), null, null, KEY)), 1536);
      assertUnitVectors(
          "3-large at 256",
          embed(request(model(fake, "text-embedding-3-large"), 256, InputType.QUERY, KEY)),
          256);
      assertUnitVectors(
          "ada-002 at its own length",
          embed(request(model(fake, "text-embedding-ada-002"), 1536, null, KEY)),
          1536);
    }
  }

  @Test
  public void cohereEmbedAsQueriesAndDocumentsAndShortened() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      assertUnitVectors(
          "english-v3 documents",
          embed(request(model(fake, "embed-english-v3.0"), null, null, KEY)),
          1024);
      assertUnitVectors(
          "v4 queries at 512",
          embed(request(model(fake, "embed-v4.0"), 512, InputType.QUERY, KEY)),
          512);
    }
  }

  @Test
  public void cohereRerankScoresTheDocumentsItWasSent() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      ModelSpec model = model(fake, "rerank-v3.5");
      RerankApi api = Adapters.rerankApi(model.wireFormat()).orElseThrow();
      assertTrue(api.reranks(model));
      List<String> documents =
          List.of("Paris is in France.", "Dogs bark.", "The capital of France is Paris.");
      for (Integer topN : new Integer[] {2, null}) {
        RerankRequest r =
            new RerankRequest(
                model,
                "What is the capital of France?",
                documents,
                topN,
                Credentials.apiKey(KEY),
                Map.of());
        HttpCall call = api.rerank(r);
        HttpAnswer answer = send(call);
        assertTrue(call + ": " + answer.status() + " " + answer.body(), answer.ok());
        Reranked out = api.parse(r, answer);
        assertEquals(topN == null ? documents.size() : topN, out.results().size());
        Set<Integer> seen = new HashSet<>();
        double last = Double.MAX_VALUE;
        for (Scored s : out.results()) {
          assertTrue(s.toString(), seen.add(s.index()));
          assertTrue("best first: " + out.results(), s.score() <= last);
          last = s.score();
        }
        assertTrue("search units", out.searchUnits() >= 1);
      }
    }
  }

  @Test
  public void aWrongKeyIsClassifiedByTheFormatsAdapter() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      for (String id : List.of("text-embedding-3-small", "embed-english-v3.0")) {
        ModelSpec model = model(fake, id);
        HttpCall call =
            Adapters.embeddingApi(model.wireFormat())
                .orElseThrow()
                .embed(request(model, null, null, "sk-wrong"));
        HttpAnswer answer = send(call);
        assertFalse(id, answer.ok());
        assertEquals(
            id + " " + answer.status() + " " + answer.body(),
            ErrorKind.AUTH,
            Adapters.forFormat(model.wireFormat()).error(answer).kind());
      }
    }
  }
}

package dev.beamllm.provider;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.EmbeddingApi.Embedded;
import dev.beamllm.provider.EmbeddingApi.Limits;
import dev.beamllm.provider.EmbeddingRequest.InputType;
import dev.beamllm.provider.RerankApi.Reranked;
import dev.beamllm.provider.RerankApi.Scored;
import dev.beamllm.response.ErrorKind;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.Test;

/**
 * Each embedding and rerank API reading the sample answers its provider documents, its documented
 * limits, and the requests it refuses before sending.
 */
public class EmbeddingAnswersTest {
  private static final ModelRegistry REGISTRY = ModelRegistry.defaults();
  private static final List<String> TWO = List.of("The cat sat.", "Dogs bark.");

  private static EmbeddingApi api(String model) {
    return Adapters.embeddingApi(REGISTRY.lookup(model).wireFormat()).orElseThrow();
  }

  private static EmbeddingRequest request(String model, List<String> texts, Integer dimensions) {
    return new EmbeddingRequest(
        REGISTRY.lookup(model), texts, dimensions, null, Credentials.apiKey("k"), Map.of());
  }

  private static HttpAnswer ok(String body) {
    return new HttpAnswer(200, Map.of(), body);
  }

  private static Embedded parse(String model, List<String> texts, HttpAnswer answer) {
    return api(model).parse(request(model, texts, null), answer);
  }

  @Test
  public void openAiVectorsComeInInputOrderWithTheirTokens() {
    // platform.openai.com/docs/api-reference/embeddings/object, two items given out of order.
    Embedded e =
        parse(
            "text-embedding-3-small",
            TWO,
            ok(
                "{\"object\":\"list\",\"data\":["
                    + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-0.25]},"
                    + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023064255,-0.009327292]}],"
                    + "\"model\":\"text-embedding-3-small\","
                    + "\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}"));
    assertArrayEquals(new float[] {0.0023064255f, -0.009327292f}, e.vectors().get(0), 0f);
    assertArrayEquals(new float[] {0.5f, -0.25f}, e.vectors().get(1), 0f);
    assertEquals(OptionalLong.of(8), e.inputTokens());
  }

  @Test
  public void mistralAnswersAsOpenAiDoes() {
    Embedded e =
        parse(
            "mistral-embed",
            List.of("Embed this sentence."),
            ok(
                "{\"id\":\"embd-aad6fc62b17349b192ef09225058bc45\",\"object\":\"list\","
                    + "\"data\":[{\"object\":\"embedding\",\"embedding\":[-0.0165,0.0703],\"index\":0}],"
                    + "\"model\":\"mistral-embed\","
                    + "\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6,\"completion_tokens\":0}}"));
    assertArrayEquals(new float[] {-0.0165f, 0.0703f}, e.vectors().get(0), 0f);
    assertEquals(OptionalLong.of(6), e.inputTokens());
  }

  @Test
  public void cohereFloatsAndBilledTokens() {
    // docs.cohere.com/reference/embed, response with embedding_types ["float"].
    Embedded e =
        parse(
            "embed-v4.0",
            TWO,
            ok(
                "{\"id\":\"da6e531f-54c6-4a73-bf92-f60566d8d753\","
                    + "\"embeddings\":{\"float\":[[0.016296387,-0.008354187],[-0.04663086,0.015457153]]},"
                    + "\"texts\":[\"the cat sat.\",\"dogs bark.\"],"
                    + "\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"input_tokens\":8}},"
                    + "\"response_type\":\"embeddings_by_type\"}"));
    assertArrayEquals(new float[] {0.016296387f, -0.008354187f}, e.vectors().get(0), 0f);
    assertArrayEquals(new float[] {-0.04663086f, 0.015457153f}, e.vectors().get(1), 0f);
    assertEquals(OptionalLong.of(8), e.inputTokens());
  }

  @Test
  public void geminiValuesWithoutTokens() {
    // ai.google.dev/api/embeddings#response-body_1 (BatchEmbedContentsResponse).
    Embedded e =
        parse(
            "gemini-embedding-001",
            TWO,
            ok("{\"embeddings\":[{\"values\":[0.1,0.2]},{\"values\":[0.3,0.4]}]}"));
    assertArrayEquals(new float[] {0.3f, 0.4f}, e.vectors().get(1), 0f);
    assertEquals(OptionalLong.empty(), e.inputTokens());
  }

  @Test
  public void titanVectorAndItsTokenCount() {
    Embedded e =
        parse(
            "bedrock-titan-embed-text-v2",
            List.of("The cat sat."),
            ok(
                "{\"embedding\":[0.25,-0.5],\"inputTextTokenCount\":5,"
                    + "\"embeddingsByType\":{\"float\":[0.25,-0.5]}}"));
    assertArrayEquals(new float[] {0.25f, -0.5f}, e.vectors().get(0), 0f);
    assertEquals(OptionalLong.of(5), e.inputTokens());
  }

  @Test
  public void cohereOnBedrockInBothShapesWithTheTokensHeader() {
    HttpAnswer floats =
        new HttpAnswer(
            200,
            Map.of("x-amzn-bedrock-input-token-count", List.of("7")),
            "{\"embeddings\":[[0.1,0.2],[0.3,0.4]],\"id\":\"a1\","
                + "\"response_type\":\"embeddings_floats\",\"texts\":[\"the cat sat.\",\"dogs bark.\"]}");
    Embedded e = parse("bedrock-cohere-embed-english-v3", TWO, floats);
    assertArrayEquals(new float[] {0.3f, 0.4f}, e.vectors().get(1), 0f);
    assertEquals(OptionalLong.of(7), e.inputTokens());
    Embedded byType =
        parse(
            "bedrock-cohere-embed-english-v3",
            TWO,
            ok(
                "{\"embeddings\":{\"float\":[[0.1,0.2],[0.3,0.4]]},\"id\":\"a2\","
                    + "\"response_type\":\"embeddings_by_type\",\"texts\":[\"a\",\"b\"]}"));
    assertArrayEquals(new float[] {0.1f, 0.2f}, byType.vectors().get(0), 0f);
    assertEquals(OptionalLong.empty(), byType.inputTokens());
  }

  @Test
  public void cohereRerankScoresBestFirstAndSearchUnits() {
    // docs.cohere.com/reference/rerank, response.
    ModelSpec model = REGISTRY.lookup("rerank-v3.5");
    RerankApi rerank = Adapters.rerankApi(WireFormat.COHERE).orElseThrow();
    RerankRequest r =
        new RerankRequest(model, "Which animal barks?", TWO, null, Credentials.none(), Map.of());
    Reranked out =
        rerank.parse(
            r,
            ok(
                "{\"results\":[{\"index\":1,\"relevance_score\":0.999071},"
                    + "{\"index\":0,\"relevance_score\":0.32713068}],"
                    + "\"id\":\"07734bd2-2473-4f07-94e1-0d9f0e6843cf\","
                    + "\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"search_units\":1}}}"));
    assertEquals(List.of(new Scored(1, 0.999071), new Scored(0, 0.32713068)), out.results());
    assertEquals(1, out.searchUnits());
    ProviderException bad =
        assertThrows(
            ProviderException.class,
            () -> rerank.parse(r, ok("{\"results\":[{\"index\":2,\"relevance_score\":0.5}]}")));
    assertEquals(ErrorKind.INVALID_RESPONSE, bad.error().kind());
  }

  @Test
  public void unreadableOrShortAnswersAreInvalidResponses() {
    for (String body :
        List.of(
            "not json",
            "{\"data\":[{\"index\":0,\"embedding\":[0.1]}]}",
            "{\"data\":[{\"index\":0,\"embedding\":[0.1]},{\"index\":0,\"embedding\":[0.2]}]}",
            "{\"data\":[{\"index\":0,\"embedding\":\"AAAA\"},{\"index\":1,\"embedding\":[0.2]}]}")) {
      ProviderException e =
          assertThrows(
              body, ProviderException.class, () -> parse("text-embedding-3-small", TWO, ok(body)));
      assertEquals(body, ErrorKind.INVALID_RESPONSE, e.error().kind());
    }
    ProviderException cohere =
        assertThrows(
            ProviderException.class,
            () -> parse("embed-v4.0", TWO, ok("{\"embeddings\":{\"float\":[[0.1]]}}")));
    assertEquals(ErrorKind.INVALID_RESPONSE, cohere.error().kind());
    ProviderException gemini =
        assertThrows(ProviderException.class, () -> parse("gemini-embedding-001", TWO, ok("{}")));
    assertEquals(ErrorKind.INVALID_RESPONSE, gemini.error().kind());
  }

  @Test
  public void lengthsAModelCannotGiveAreRefusedBeforeSending() {
    String[][] refused = {
      {"text-embedding-ada-002", "256"},
      {"mistral-embed", "512"},
      {"embed-english-v3.0", "512"},
      {"embed-v4.0", "300"},
      {"bedrock-titan-embed-text-v2", "300"},
      {"bedrock-cohere-embed-english-v3", "512"},
    };
    for (String[] c : refused) {
      List<String> texts = c[0].contains("titan") ? List.of("one") : TWO;
      assertThrows(
          c[0],
          UnsupportedOperationException.class,
          () -> api(c[0]).embed(request(c[0], texts, Integer.valueOf(c[1]))));
    }
    // The native length is no shortening: sent as nothing.
    String ada =
        api("text-embedding-ada-002").embed(request("text-embedding-ada-002", TWO, 1536)).body();
    assertFalse(ada, ada.contains("dimensions"));
    assertThrows(
        UnsupportedOperationException.class,
        () ->
            api("bedrock-titan-embed-text-v2")
                .embed(request("bedrock-titan-embed-text-v2", TWO, null)));
    assertThrows(
        IllegalArgumentException.class, () -> request("text-embedding-3-small", List.of(), null));
  }

  @Test
  public void theDocumentedLimits() {
    assertEquals(
        new Limits(2048, 300_000, 8192),
        api("text-embedding-3-small").limits(REGISTRY.lookup("text-embedding-3-small")));
    assertEquals(96, api("embed-v4.0").limits(REGISTRY.lookup("embed-v4.0")).maxInputs());
    assertEquals(
        512,
        api("embed-english-v3.0")
            .limits(REGISTRY.lookup("embed-english-v3.0"))
            .maxTokensPerInput());
    assertEquals(
        new Limits(100, 204_800, 2048),
        api("gemini-embedding-001").limits(REGISTRY.lookup("gemini-embedding-001")));
    assertEquals(
        new Limits(1, 8192, 8192),
        api("bedrock-titan-embed-text-v2").limits(REGISTRY.lookup("bedrock-titan-embed-text-v2")));
    assertEquals(
        new Limits(96, 96 * 512, 512),
        api("bedrock-cohere-embed-english-v3")
            .limits(REGISTRY.lookup("bedrock-cohere-embed-english-v3")));
  }

  @Test
  public void eachApiServesItsOwnKindOfModel() {
    for (ModelSpec m : REGISTRY.models()) {
      boolean embeds = Adapters.embeddingApi(m.wireFormat()).map(a -> a.embeds(m)).orElse(false);
      assertEquals(m.id(), m.kind() == ModelKind.EMBEDDING, embeds);
      boolean reranks = Adapters.rerankApi(m.wireFormat()).map(a -> a.reranks(m)).orElse(false);
      assertEquals(m.id(), m.kind() == ModelKind.RERANK, reranks);
      if (embeds) {
        assertTrue(m.id() + " dimensions", m.dimensions() > 0);
      }
    }
    assertTrue(Adapters.embeddingApi(WireFormat.ANTHROPIC).isEmpty());
    assertTrue(Adapters.rerankApi(WireFormat.OPENAI).isEmpty());
  }

  @Test
  public void bedrockEmbeddingsAreSignedWithSigV4LikeItsChat() {
    EmbeddingRequest r =
        new EmbeddingRequest(
            REGISTRY.lookup("bedrock-titan-embed-text-v2"),
            List.of("The cat sat."),
            null,
            InputType.DOCUMENT,
            Credentials.aws("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null),
            Map.of("x-team", "embed"));
    HttpCall call = api("bedrock-titan-embed-text-v2").embed(r);
    String auth = call.headers().get("Authorization");
    assertTrue(
        String.valueOf(call.headers()),
        auth != null && auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    assertTrue(auth, auth.contains("/bedrock/aws4_request"));
    assertTrue(call.headers().containsKey("X-Amz-Date"));
    assertEquals("embed", call.headers().get("x-team"));
    assertEquals("{\"inputText\":\"The cat sat.\"}", call.body());
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Titan Text Embeddings through Bedrock InvokeModel on the fake server: one text per request,
 * dimensions 256/512/1024, normalize, embeddingTypes, Bedrock's schema errors.
 */
public class BedrockTitanEmbedDialectTest {
  private static final String PATH = "/model/amazon.titan-embed-text-v2%3A0/invoke";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(SigV4Headers.ACCESS_KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  static Http.Reply invoke(FakeProviderServer fake, String path, String body) throws Exception {
    return Http.post(
        fake.baseUrl() + path,
        body,
        SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)));
  }

  private static Http.Reply invoke(String body) throws Exception {
    return invoke(server, PATH, body);
  }

  private static JsonNode ok(String body) throws Exception {
    Http.Reply r = invoke(body);
    assertEquals(r.body(), 200, r.status());
    return r.json();
  }

  private static String malformed(String body) throws Exception {
    return BedrockInvokeDialectTest.error(invoke(body), 400, "ValidationException");
  }

  @Test
  public void oneTextGetsADeterministic1024DimensionUnitVector() throws Exception {
    Http.Reply r = invoke("{\"inputText\":\"The quick brown fox\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    float[] v = Vectors.of(j.get("embedding"));
    assertEquals(1024, v.length);
    assertEquals(1.0, Vectors.dot(v, v), 1e-5);
    assertArrayEquals(
        "embeddingsByType always holds the floats",
        v,
        Vectors.of(j.at("/embeddingsByType/float")),
        0f);
    int tokens = TokenCounter.count("The quick brown fox");
    assertEquals(tokens, j.get("inputTextTokenCount").asInt());
    assertEquals(String.valueOf(tokens), r.header("x-amzn-bedrock-input-token-count"));
    assertArrayEquals(
        v, Vectors.of(ok("{\"inputText\":\"The quick brown fox\"}").get("embedding")), 0f);
  }

  @Test
  public void dimensionsGiveAUnitPrefixOfTheFullVector() throws Exception {
    float[] full = Vectors.of(ok("{\"inputText\":\"shorten\"}").get("embedding"));
    for (int d : new int[] {256, 512}) {
      float[] v =
          Vectors.of(ok("{\"inputText\":\"shorten\",\"dimensions\":" + d + "}").get("embedding"));
      assertEquals(d, v.length);
      assertEquals(1.0, Vectors.dot(v, v), 1e-5);
      assertEquals(1.0, Vectors.cosineWithPrefix(full, v), 1e-5);
    }
    assertEquals(
        "Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat"
            + " your input and try again.",
        malformed("{\"inputText\":\"x\",\"dimensions\":100}"));
  }

  @Test
  public void normalizeFalseKeepsTheDirectionAtAnotherLength() throws Exception {
    float[] unit = Vectors.of(ok("{\"inputText\":\"raw\"}").get("embedding"));
    float[] raw = Vectors.of(ok("{\"inputText\":\"raw\",\"normalize\":false}").get("embedding"));
    assertThat(Vectors.norm(raw), greaterThan(1.5));
    assertEquals(1.0, Vectors.dot(unit, raw) / Vectors.norm(raw), 1e-5);
    assertArrayEquals(
        raw, Vectors.of(ok("{\"inputText\":\"raw\",\"normalize\":false}").get("embedding")), 0f);
  }

  @Test
  public void binaryEmbeddingsAreOneBitPerDimension() throws Exception {
    JsonNode j = ok("{\"inputText\":\"bits\",\"embeddingTypes\":[\"binary\"]}");
    float[] v = Vectors.of(j.get("embedding"));
    JsonNode bits = j.at("/embeddingsByType/binary");
    assertEquals(1024, bits.size());
    for (int i = 0; i < v.length; i++) {
      assertEquals(v[i] > 0 ? 1 : 0, bits.get(i).asInt());
    }
    assertFalse("only the types asked for", j.get("embeddingsByType").has("float"));
    JsonNode both = ok("{\"inputText\":\"bits\",\"embeddingTypes\":[\"float\",\"binary\"]}");
    assertTrue(both.get("embeddingsByType").has("float"));
    assertTrue(both.get("embeddingsByType").has("binary"));
  }

  @Test
  public void itTakesOneTextOnly() throws Exception {
    assertEquals(
        "Malformed input request: #: extraneous key [texts] is not permitted, please reformat your"
            + " input and try again.",
        malformed("{\"inputText\":\"a\",\"texts\":[\"b\"]}"));
    assertEquals(
        "Malformed input request: #/inputText: expected type: String, found: JSONArray, please"
            + " reformat your input and try again.",
        malformed("{\"inputText\":[\"a\",\"b\"]}"));
    assertEquals(
        "Malformed input request: #: required key [inputText] not found, please reformat your"
            + " input and try again.",
        malformed("{}"));
    assertEquals(
        "Malformed input request: #/inputText: expected minLength: 1, actual: 0, please reformat"
            + " your input and try again.",
        malformed("{\"inputText\":\"\"}"));
  }

  @Test
  public void longInputsAreRefused() throws Exception {
    String tooManyChars = "a".repeat(BedrockTitanEmbedDialect.MAX_CHARS + 1);
    assertEquals(
        "Malformed input request: #/inputText: expected maxLength: 50000, actual: 50001, please"
            + " reformat your input and try again.",
        malformed("{\"inputText\":\"" + tooManyChars + "\"}"));
    String tooManyTokens = "word ".repeat(9000);
    String message = malformed("{\"inputText\":\"" + tooManyTokens + "\"}");
    assertEquals(
        "Too many input tokens. Max input tokens: 8192, request input token count: "
            + TokenCounter.count(tooManyTokens),
        message);
  }

  @Test
  public void g1TakesOnlyInputTextAndAnswers1536Floats() throws Exception {
    Http.Reply r =
        invoke(server, "/model/amazon.titan-embed-text-v1/invoke", "{\"inputText\":\"g1\"}");
    assertEquals(r.body(), 200, r.status());
    assertEquals(1536, r.json().get("embedding").size());
    assertFalse(r.json().has("embeddingsByType"));
    Http.Reply dims =
        invoke(
            server,
            "/model/amazon.titan-embed-text-v1/invoke",
            "{\"inputText\":\"g1\",\"dimensions\":256}");
    assertEquals(dims.body(), 400, dims.status());
  }

  @Test
  public void claudeStillAnswersOnTheSameOperation() throws Exception {
    Http.Reply r =
        invoke(
            server,
            "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke",
            "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: hi", r.json().at("/content/0/text").asText());
  }
}

package dev.beamllm.testing;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Cohere Embed v3 through Bedrock InvokeModel on the fake server: up to 96 texts, input_type
 * required, embedding_types, the same vectors as Cohere's own endpoint.
 */
public class BedrockCohereEmbedDialectTest {
  private static final String PATH = "/model/cohere.embed-english-v3/invoke";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(SigV4Headers.ACCESS_KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply invoke(String path, String body) throws Exception {
    return BedrockTitanEmbedDialectTest.invoke(server, path, body);
  }

  private static String malformed(String body) throws Exception {
    return BedrockInvokeDialectTest.error(invoke(PATH, body), 400, "ValidationException");
  }

  private static String texts(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"text ").append(i).append('"');
    }
    return b.append(']').toString();
  }

  @Test
  public void textsGetFloatEmbeddingsInOrder() throws Exception {
    Http.Reply r =
        invoke(
            PATH,
            "{\"texts\":[\"alpha\",\"beta gamma\",\"alpha\"],\"input_type\":\"search_document\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("embeddings_floats", j.get("response_type").asText());
    assertTrue(
        j.get("id")
            .asText()
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertEquals("beta gamma", j.at("/texts/1").asText());
    JsonNode embeddings = j.get("embeddings");
    assertEquals(3, embeddings.size());
    float[] alpha = Vectors.of(embeddings.get(0));
    assertEquals(1024, alpha.length);
    assertEquals(1.0, Vectors.dot(alpha, alpha), 1e-5);
    assertArrayEquals(alpha, Vectors.of(embeddings.get(2)), 0f);
    int tokens = 2 * TokenCounter.count("alpha") + TokenCounter.count("beta gamma");
    assertEquals(String.valueOf(tokens), r.header("x-amzn-bedrock-input-token-count"));
  }

  @Test
  public void theVectorsAreCoheresOwn() throws Exception {
    float[] onBedrock =
        Vectors.of(
            invoke(PATH, "{\"texts\":[\"same model\"],\"input_type\":\"search_query\"}")
                .json()
                .at("/embeddings/0"));
    Http.Reply direct =
        Http.post(
            server.baseUrl() + "/v2/embed",
            "{\"model\":\"embed-english-v3.0\",\"texts\":[\"same model\"],"
                + "\"input_type\":\"search_query\",\"embedding_types\":[\"float\"]}",
            "authorization",
            "Bearer " + SigV4Headers.ACCESS_KEY);
    assertEquals(direct.body(), 200, direct.status());
    assertArrayEquals(onBedrock, Vectors.of(direct.json().at("/embeddings/float/0")), 0f);
  }

  @Test
  public void embeddingTypesAnswerByType() throws Exception {
    JsonNode j =
        invoke(
                "/model/cohere.embed-multilingual-v3/invoke",
                "{\"texts\":[\"typed\"],\"input_type\":\"clustering\","
                    + "\"embedding_types\":[\"float\",\"int8\"]}")
            .json();
    assertEquals("embeddings_by_type", j.get("response_type").asText());
    assertEquals(1024, j.at("/embeddings/float/0").size());
    assertEquals(1024, j.at("/embeddings/int8/0").size());
    assertTrue(j.at("/embeddings/int8/0/0").isInt());
  }

  @Test
  public void inputTypeIsRequired() throws Exception {
    assertEquals(
        "Malformed input request: #: required key [input_type] not found, please reformat your"
            + " input and try again.",
        malformed("{\"texts\":[\"x\"]}"));
    assertEquals(
        "Malformed input request: #/input_type: search is not a valid enum value, please reformat"
            + " your input and try again.",
        malformed("{\"texts\":[\"x\"],\"input_type\":\"search\"}"));
  }

  @Test
  public void atMost96TextsOfAtMost2048Characters() throws Exception {
    Http.Reply ok = invoke(PATH, "{\"texts\":" + texts(96) + ",\"input_type\":\"classification\"}");
    assertEquals(ok.body(), 200, ok.status());
    assertEquals(96, ok.json().get("embeddings").size());
    assertEquals(
        "Malformed input request: #/texts: expected maximum item count: 96, found: 97, please"
            + " reformat your input and try again.",
        malformed("{\"texts\":" + texts(97) + ",\"input_type\":\"classification\"}"));
    assertEquals(
        "Malformed input request: #/texts/0: expected maxLength: 2048, actual: 2049, please"
            + " reformat your input and try again.",
        malformed("{\"texts\":[\"" + "a".repeat(2049) + "\"],\"input_type\":\"classification\"}"));
  }

  @Test
  public void otherKeysAreRefused() throws Exception {
    assertEquals(
        "Malformed input request: #: extraneous key [model] is not permitted, please reformat your"
            + " input and try again.",
        malformed(
            "{\"model\":\"embed-english-v3.0\",\"texts\":[\"x\"],\"input_type\":\"clustering\"}"));
    assertEquals(
        "Malformed input request: #/truncate: MIDDLE is not a valid enum value, please reformat"
            + " your input and try again.",
        malformed("{\"texts\":[\"x\"],\"input_type\":\"clustering\",\"truncate\":\"MIDDLE\"}"));
  }
}

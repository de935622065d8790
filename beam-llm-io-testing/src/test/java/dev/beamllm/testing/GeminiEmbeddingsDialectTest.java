package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.util.Arrays;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Gemini embedContent and batchEmbedContents on the fake server: deterministic 3072-dimension
 * vectors, truncation by outputDimensionality, the 100-request batch limit, Google's errors.
 */
public class GeminiEmbeddingsDialectTest {
  private static final String KEY = "gemini-key";
  private static final String MODEL = "gemini-embedding-001";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply embed(String body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1beta/models/" + MODEL + ":embedContent",
        body,
        "x-goog-api-key",
        KEY);
  }

  private static Http.Reply batch(String body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1beta/models/" + MODEL + ":batchEmbedContents?key=" + KEY, body);
  }

  private static String content(String text) {
    return "{\"parts\":[{\"text\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(text))
        + "}]}";
  }

  private static String request(String text, String extra) {
    return "{\"model\":\"models/" + MODEL + "\",\"content\":" + content(text) + extra + "}";
  }

  private static String batchOf(int n) {
    StringBuilder b = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(request("text " + i, ""));
    }
    return b.append("]}").toString();
  }

  private static float[] single(String text, String extra) throws Exception {
    Http.Reply r = embed("{\"content\":" + content(text) + extra + "}");
    assertEquals(r.body(), 200, r.status());
    return Vectors.of(r.json().at("/embedding/values"));
  }

  /** Asserts Google's error shape and returns the message. */
  private static String error(Http.Reply r, int code, String status) {
    assertEquals(r.body(), code, r.status());
    JsonNode e = r.json().get("error");
    assertEquals(code, e.get("code").asInt());
    assertEquals(status, e.get("status").asText());
    return e.get("message").asText();
  }

  @Test
  public void theSameTextGetsTheSameFullSizeUnitVector() throws Exception {
    Http.Reply r = embed("{\"content\":" + content("The quick brown fox") + "}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("only the embedding", 1, j.size());
    float[] v = Vectors.of(j.at("/embedding/values"));
    assertEquals(3072, v.length);
    assertEquals(1.0, Vectors.dot(v, v), 1e-5);
    assertArrayEquals(v, single("The quick brown fox", ""), 0f);
    assertThat(Math.abs(Vectors.dot(v, single("A lazy dog", ""))), lessThan(0.2));
  }

  @Test
  public void theTaskTypeIsCheckedButKeepsTheVector() throws Exception {
    float[] plain = single("query me", "");
    assertArrayEquals(plain, single("query me", ",\"taskType\":\"RETRIEVAL_QUERY\""), 0f);
    assertArrayEquals(
        plain,
        single("query me", ",\"embedContentConfig\":{\"taskType\":\"SEMANTIC_SIMILARITY\"}"),
        0f);
    String message =
        error(
            embed("{\"content\":" + content("x") + ",\"taskType\":\"RETRIEVAL\"}"),
            400,
            "INVALID_ARGUMENT");
    assertThat(message, containsString("Invalid value at 'task_type'"));
    assertThat(message, containsString("\"RETRIEVAL\""));
  }

  @Test
  public void outputDimensionalityTruncatesWithoutNormalizingAgain() throws Exception {
    float[] full = single("shorten me", "");
    float[] shortened = single("shorten me", ",\"outputDimensionality\":768");
    assertEquals(768, shortened.length);
    assertArrayEquals(
        "Gemini truncates: the full vector's prefix", Arrays.copyOf(full, 768), shortened, 0f);
    assertThat("only the full size is unit length", Vectors.norm(shortened), lessThan(0.9));
    assertArrayEquals(
        shortened,
        single("shorten me", ",\"embedContentConfig\":{\"outputDimensionality\":768}"),
        0f);
    String message =
        error(
            embed("{\"content\":" + content("x") + ",\"outputDimensionality\":4000}"),
            400,
            "INVALID_ARGUMENT");
    assertThat(message, containsString("output_dimensionality"));
  }

  @Test
  public void aBatchAnswersEachRequestInOrderAsEmbedContentWould() throws Exception {
    Http.Reply r =
        batch(
            "{\"requests\":["
                + request("first", ",\"taskType\":\"RETRIEVAL_DOCUMENT\",\"title\":\"T\"")
                + ","
                + request("second", ",\"outputDimensionality\":256")
                + ","
                + request("first", "")
                + "]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode embeddings = r.json().get("embeddings");
    assertEquals(3, embeddings.size());
    assertArrayEquals(single("first", ""), Vectors.of(embeddings.at("/0/values")), 0f);
    assertArrayEquals(
        single("second", ",\"outputDimensionality\":256"),
        Vectors.of(embeddings.at("/1/values")),
        0f);
    assertArrayEquals(
        Vectors.of(embeddings.at("/0/values")), Vectors.of(embeddings.at("/2/values")), 0f);
  }

  @Test
  public void aBatchHoldsAtMost100Requests() throws Exception {
    Http.Reply ok = batch(batchOf(100));
    assertEquals(ok.body(), 200, ok.status());
    assertEquals(100, ok.json().get("embeddings").size());
    String message = error(batch(batchOf(101)), 400, "INVALID_ARGUMENT");
    assertEquals(
        "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n",
        message);
    assertEquals(
        "requests",
        batch(batchOf(101)).json().at("/error/details/0/fieldViolations/0/field").asText());
  }

  @Test
  public void eachBatchRequestMustNameThePathsModel() throws Exception {
    String missing =
        error(
            batch("{\"requests\":[{\"content\":" + content("x") + "}]}"), 400, "INVALID_ARGUMENT");
    assertEquals(
        "* BatchEmbedContentsRequest.requests[0].model: unexpected model name format\n", missing);
    String other =
        error(
            batch(
                "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":"
                    + content("x")
                    + "}]}"),
            400,
            "INVALID_ARGUMENT");
    assertThat(other, containsString("requests[0].model"));
  }

  @Test
  public void badBodiesGetGooglesErrors() throws Exception {
    assertThat(
        error(embed("{\"content\":" + content("x") + ",\"dims\":3}"), 400, "INVALID_ARGUMENT"),
        containsString("Unknown name \"dims\""));
    assertThat(
        error(embed("{\"content\":{\"parts\":[]}}"), 400, "INVALID_ARGUMENT"),
        containsString("content"));
    assertThat(error(embed("{}"), 400, "INVALID_ARGUMENT"), containsString("content"));
    assertThat(
        error(batch("{\"requests\":[]}"), 400, "INVALID_ARGUMENT"), containsString("requests"));
  }

  @Test
  public void theKeyIsGeminis() throws Exception {
    Http.Reply wrong =
        Http.post(
            server.baseUrl() + "/v1beta/models/" + MODEL + ":embedContent",
            "{\"content\":" + content("x") + "}",
            "x-goog-api-key",
            "nope");
    assertEquals(
        "API_KEY_INVALID", wrong.json().at("/error/details/0/reason").asText(wrong.body()));
    Http.Reply byQuery =
        Http.post(
            server.baseUrl() + "/v1beta/models/" + MODEL + ":embedContent?key=" + KEY,
            "{\"content\":" + content("x") + "}");
    assertEquals(byQuery.body(), 200, byQuery.status());
  }

  @Test
  public void olderModelsHave768Dimensions() throws Exception {
    Http.Reply r =
        Http.post(
            server.baseUrl() + "/v1beta/models/text-embedding-004:embedContent",
            "{\"content\":" + content("x") + "}",
            "x-goog-api-key",
            KEY);
    assertEquals(768, r.json().at("/embedding/values").size());
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Mistral embeddings on the fake server ({@code /mistral/v1/embeddings}): mistral-embed's 1024
 * dimensions, output_dimension and output_dtype, Mistral's 422 for fields it does not know.
 */
public class MistralEmbeddingsDialectTest {
  private static FakeProviderServer server;
  private static String url;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey("mistral-key").start();
    url = server.baseUrl() + "/mistral/v1/embeddings";
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply embed(String body) throws Exception {
    return Http.post(url, body, "authorization", "Bearer mistral-key");
  }

  private static float[] vector(String body) throws Exception {
    Http.Reply r = embed(body);
    assertEquals(r.body(), 200, r.status());
    return Vectors.of(r.json().at("/data/0/embedding"));
  }

  /** Asserts a 422 naming the field, as pydantic does, and returns its error type. */
  private static String schemaError(Http.Reply r, String field) {
    assertEquals(r.body(), 422, r.status());
    JsonNode detail = r.json().at("/message/detail/0");
    assertEquals("body", detail.at("/loc/0").asText());
    assertEquals(field, detail.at("/loc/1").asText());
    return detail.get("type").asText();
  }

  @Test
  public void aStringGetsADeterministic1024DimensionUnitVector() throws Exception {
    Http.Reply r = embed("{\"model\":\"mistral-embed\",\"input\":\"Embed this sentence.\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertThat(j.get("id").asText(), startsWith("embd-"));
    assertEquals("list", j.get("object").asText());
    assertEquals("mistral-embed", j.get("model").asText());
    assertEquals("embedding", j.at("/data/0/object").asText());
    assertEquals(0, j.at("/data/0/index").asInt());
    float[] v = Vectors.of(j.at("/data/0/embedding"));
    assertEquals(1024, v.length);
    assertEquals(1.0, Vectors.dot(v, v), 1e-5);
    int tokens = TokenCounter.count("Embed this sentence.");
    assertEquals(tokens, j.at("/usage/prompt_tokens").asInt());
    assertEquals(tokens, j.at("/usage/total_tokens").asInt());
    assertEquals(0, j.at("/usage/completion_tokens").asInt());
    assertTrue(r.header("mistral-correlation-id") != null);
    assertArrayEquals(
        v, vector("{\"model\":\"mistral-embed\",\"input\":[\"Embed this sentence.\"]}"), 0f);
    float[] other = vector("{\"model\":\"mistral-embed\",\"input\":\"As well as this one.\"}");
    assertThat(Math.abs(Vectors.dot(v, other)), lessThan(0.2));
  }

  @Test
  public void aListGetsOneVectorPerInputInOrder() throws Exception {
    JsonNode data =
        embed("{\"model\":\"mistral-embed\",\"input\":[\"a\",\"b c\",\"a\"]}").json().get("data");
    assertEquals(3, data.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, data.get(i).get("index").asInt());
    }
    assertArrayEquals(Vectors.of(data.at("/0/embedding")), Vectors.of(data.at("/2/embedding")), 0f);
  }

  @Test
  public void outputDimensionShortensToAUnitPrefix() throws Exception {
    float[] full = vector("{\"model\":\"codestral-embed\",\"input\":\"def f(): pass\"}");
    assertEquals(1536, full.length);
    float[] small =
        vector(
            "{\"model\":\"codestral-embed\",\"input\":\"def f(): pass\",\"output_dimension\":256}");
    assertEquals(256, small.length);
    assertEquals(1.0, Vectors.dot(small, small), 1e-5);
    assertEquals(1.0, Vectors.cosineWithPrefix(full, small), 1e-5);
    assertEquals(
        3072,
        vector("{\"model\":\"codestral-embed\",\"input\":\"x\",\"output_dimension\":3072}").length);
    Http.Reply tooBig =
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\",\"output_dimension\":2048}");
    assertEquals(tooBig.body(), 400, tooBig.status());
    assertEquals("error", tooBig.json().get("object").asText());
  }

  @Test
  public void outputDtypeAndEncodingFormatEncodeTheSameVector() throws Exception {
    String body = "{\"model\":\"mistral-embed\",\"input\":\"quantize me\"";
    float[] v = vector(body + "}");
    JsonNode int8 = embed(body + ",\"output_dtype\":\"int8\"}").json().at("/data/0/embedding");
    assertEquals(1024, int8.size());
    int largest = 0;
    for (int i = 0; i < v.length; i++) {
      int q = int8.get(i).asInt();
      assertTrue(int8.get(i).isInt());
      // Small components round to 0; the others keep their sign.
      assertTrue(q == 0 || Math.signum(v[i]) == Math.signum(q));
      largest = Math.max(largest, Math.abs(q));
    }
    assertEquals("the largest component scales to 127", 127, largest);
    JsonNode ubinary =
        embed(body + ",\"output_dtype\":\"ubinary\"}").json().at("/data/0/embedding");
    assertEquals("eight dimensions a byte", 128, ubinary.size());
    String b64 =
        embed(body + ",\"encoding_format\":\"base64\"}").json().at("/data/0/embedding").asText();
    ByteBuffer bytes =
        ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1024 * 4, bytes.remaining());
    for (float x : v) {
      assertEquals(x, bytes.getFloat(), 0f);
    }
  }

  @Test
  public void openAisDimensionsIsAnExtraField() throws Exception {
    assertEquals(
        "extra_forbidden",
        schemaError(
            embed("{\"model\":\"mistral-embed\",\"input\":\"x\",\"dimensions\":256}"),
            "dimensions"));
  }

  @Test
  public void badInputsGetPydanticsErrors() throws Exception {
    assertEquals("missing", schemaError(embed("{\"model\":\"mistral-embed\"}"), "input"));
    assertEquals("missing", schemaError(embed("{\"input\":\"x\"}"), "model"));
    assertEquals(
        "too_short", schemaError(embed("{\"model\":\"mistral-embed\",\"input\":[]}"), "input"));
    schemaError(embed("{\"model\":\"mistral-embed\",\"input\":[1,2]}"), "input");
    schemaError(
        embed("{\"model\":\"mistral-embed\",\"input\":\"x\",\"output_dtype\":\"fp16\"}"),
        "output_dtype");
  }

  @Test
  public void tooManyTokensInOneRequestAreRefused() throws Exception {
    String text = "word ".repeat(MistralEmbeddingsDialect.MAX_REQUEST_TOKENS);
    Http.Reply r = embed("{\"model\":\"mistral-embed\",\"input\":[\"" + text + "\"]}");
    assertEquals(r.body(), 400, r.status());
    assertEquals(
        "Too many tokens overall, split into more batches.", r.json().get("message").asText());
    assertEquals("invalid_request_prompt", r.json().get("type").asText());
    assertEquals("3210", r.json().get("code").asText());
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.beamllm.prompt.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * OpenAI embeddings on the fake server: deterministic unit vectors, dimensions, base64, usage,
 * errors.
 */
public class OpenAiEmbeddingsDialectTest {
  private static FakeProviderServer server;
  private static String url;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey("sk-test-123").start();
    url = server.baseUrl() + "/v1/embeddings";
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply embed(String body) throws Exception {
    return Http.post(url, body, "authorization", "Bearer sk-test-123");
  }

  private static float[] floats(JsonNode embedding) {
    float[] out = new float[embedding.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) embedding.get(i).asDouble();
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  @Test
  public void aStringGetsADeterministicUnitVectorAndCl100kUsage() throws Exception {
    Http.Reply r =
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\"}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("list", j.get("object").asText());
    assertEquals("text-embedding-3-small", j.get("model").asText());
    assertEquals(1, j.get("data").size());
    assertEquals("embedding", j.at("/data/0/object").asText());
    assertEquals(0, j.at("/data/0/index").asInt());
    float[] v = floats(j.at("/data/0/embedding"));
    assertEquals(1536, v.length);
    assertEquals(1.0, dot(v, v), 1e-5);
    int tokens = TokenCounter.count("The quick brown fox", TokenCounter.Tokenizer.CL100K);
    assertEquals(tokens, j.at("/usage/prompt_tokens").asInt());
    assertEquals(tokens, j.at("/usage/total_tokens").asInt());
    assertNotNull(r.header("x-request-id"));

    float[] again =
        floats(
            embed("{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\"}")
                .json()
                .at("/data/0/embedding"));
    assertArrayEquals(v, again, 0f);
    float[] other =
        floats(
            embed("{\"model\":\"text-embedding-3-small\",\"input\":\"A lazy dog\"}")
                .json()
                .at("/data/0/embedding"));
    assertThat(Math.abs(dot(v, other)), lessThan(0.2));
  }

  @Test
  public void anArrayGetsOneVectorPerInputInOrder() throws Exception {
    Http.Reply r =
        embed(
            "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta gamma\",\"alpha\"]}");
    JsonNode data = r.json().get("data");
    assertEquals(3, data.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, data.get(i).get("index").asInt());
    }
    assertArrayEquals(
        floats(data.get(0).get("embedding")), floats(data.get(2).get("embedding")), 0f);
    int tokens =
        2 * TokenCounter.count("alpha", TokenCounter.Tokenizer.CL100K)
            + TokenCounter.count("beta gamma", TokenCounter.Tokenizer.CL100K);
    assertEquals(tokens, r.json().at("/usage/prompt_tokens").asInt());
  }

  @Test
  public void shortenedVectorsAreThePrefixOfTheFullOneAtUnitLength() throws Exception {
    float[] full =
        floats(
            embed("{\"model\":\"text-embedding-3-large\",\"input\":\"shorten me\"}")
                .json()
                .at("/data/0/embedding"));
    assertEquals(3072, full.length);
    float[] shortened =
        floats(
            embed(
                    "{\"model\":\"text-embedding-3-large\",\"dimensions\":256,\"input\":\"shorten me\"}")
                .json()
                .at("/data/0/embedding"));
    assertEquals(256, shortened.length);
    assertEquals(1.0, dot(shortened, shortened), 1e-5);
    double prefixNorm = Math.sqrt(dot(Arrays.copyOf(full, 256), Arrays.copyOf(full, 256)));
    assertEquals(
        "same direction as the full vector's prefix", 1.0, dot(full, shortened) / prefixNorm, 1e-5);
  }

  @Test
  public void base64IsLittleEndianFloat32OfTheSameVector() throws Exception {
    String body = "{\"model\":\"text-embedding-3-small\",\"dimensions\":64,\"input\":\"encode me\"";
    float[] expected = floats(embed(body + "}").json().at("/data/0/embedding"));
    Http.Reply r = embed(body + ",\"encoding_format\":\"base64\"}");
    assertEquals(r.body(), 200, r.status());
    ByteBuffer bytes =
        ByteBuffer.wrap(Base64.getDecoder().decode(r.json().at("/data/0/embedding").asText()))
            .order(ByteOrder.LITTLE_ENDIAN);
    float[] decoded = new float[bytes.remaining() / 4];
    for (int i = 0; i < decoded.length; i++) {
      decoded[i] = bytes.getFloat();
    }
    assertArrayEquals(expected, decoded, 0f);
  }

  @Test
  public void tokenArraysEmbedLikeTheirText() throws Exception {
    IntArrayList ids =
        Encodings.newLazyEncodingRegistry()
            .getEncoding(EncodingType.CL100K_BASE)
            .encodeOrdinary("hello world");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < ids.size(); i++) {
      json.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    json.append(']');
    Http.Reply tokens = embed("{\"model\":\"text-embedding-3-small\",\"input\":[" + json + "]}");
    assertEquals(tokens.body(), 200, tokens.status());
    Http.Reply text = embed("{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}");
    assertArrayEquals(
        floats(text.json().at("/data/0/embedding")),
        floats(tokens.json().at("/data/0/embedding")),
        0f);
    assertEquals(ids.size(), tokens.json().at("/usage/prompt_tokens").asInt());
  }

  @Test
  public void embeddingsProduceNoOutputTokens() throws Exception {
    server.reset();
    embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"one\",\"two\"]}");
    FakeServerStats stats = server.stats();
    assertEquals(1, stats.accepted());
    assertEquals(0, stats.outputTokens());
    assertEquals(2 * TokenCounter.count("one", TokenCounter.Tokenizer.CL100K), stats.inputTokens());
  }

  @Test
  public void invalidInputsGetOpenAisErrors() throws Exception {
    for (String input :
        new String[] {"[]", "\"\"", "[\"\"]", "[\"a\",\"\"]", "[{\"text\":\"a\"}]", "[-1]"}) {
      Http.Reply r = embed("{\"model\":\"text-embedding-3-small\",\"input\":" + input + "}");
      assertEquals(input, 400, r.status());
      assertThat(
          input, r.json().at("/error/message").asText(), containsString("'$.input' is invalid"));
      assertEquals("invalid_request_error", r.json().at("/error/type").asText());
    }
    Http.Reply format =
        embed(
            "{\"model\":\"text-embedding-3-small\",\"encoding_format\":\"int8\",\"input\":\"x\"}");
    assertEquals("encoding_format", format.json().at("/error/param").asText());
    Http.Reply ada =
        embed("{\"model\":\"text-embedding-ada-002\",\"dimensions\":256,\"input\":\"x\"}");
    assertEquals(
        "This model does not support specifying dimensions.",
        ada.json().at("/error/message").asText());
    assertEquals(
        "dimensions",
        embed("{\"model\":\"text-embedding-3-small\",\"dimensions\":2000,\"input\":\"x\"}")
            .json()
            .at("/error/param")
            .asText());
    assertEquals(
        "you must provide a model parameter",
        embed("{\"input\":\"x\"}").json().at("/error/message").asText());
    Http.Reply tooLong =
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"" + " word".repeat(9000) + "\"}");
    assertEquals(400, tooLong.status());
    assertThat(
        tooLong.json().at("/error/message").asText(),
        containsString("maximum context length is 8192 tokens"));
  }

  @Test
  public void aMissingKeyGetsOpenAis401() throws Exception {
    Http.Reply none = Http.post(url, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");
    assertEquals(401, none.status());
    assertThat(
        none.json().at("/error/message").asText(), containsString("You didn't provide an API key"));
  }
}

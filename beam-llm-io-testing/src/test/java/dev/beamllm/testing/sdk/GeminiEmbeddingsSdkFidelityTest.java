package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.HttpOptions;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Google's Gen AI Java SDK's embeddings, pointed at the fake server, send and parse without error:
 * the SDK sends even one text as a batchEmbedContents call.
 */
public class GeminiEmbeddingsSdkFidelityTest {
  private static final String MODEL = "gemini-embedding-001";
  private static FakeProviderServer fake;
  private static Client client;

  @BeforeClass
  public static void start() {
    fake = FakeProviderServer.builder().apiKey("AIza-fake").start();
    client =
        Client.builder()
            .apiKey("AIza-fake")
            .httpOptions(HttpOptions.builder().baseUrl(fake.baseUrl()).build())
            .build();
  }

  @AfterClass
  public static void stop() {
    fake.close();
  }

  @Test
  public void textsWithATaskTypeAndASize() {
    EmbedContentResponse r =
        client.models.embedContent(
            MODEL,
            List.of("first text", "second text", "first text"),
            EmbedContentConfig.builder()
                .taskType("RETRIEVAL_DOCUMENT")
                .outputDimensionality(256)
                .build());
    List<ContentEmbedding> embeddings = r.embeddings().orElseThrow();
    assertEquals(3, embeddings.size());
    assertEquals(256, embeddings.get(0).values().orElseThrow().size());
    assertEquals(embeddings.get(0).values(), embeddings.get(2).values());
  }

  @Test
  public void oneTextAtFullSize() {
    EmbedContentResponse r = client.models.embedContent(MODEL, "only me", null);
    assertEquals(3072, r.embeddings().orElseThrow().get(0).values().orElseThrow().size());
    List<RecordedRequest> log = fake.requests();
    String path = log.get(log.size() - 1).path();
    assertEquals("/v1beta/models/" + MODEL + ":batchEmbedContents", path.replaceAll("\\?.*", ""));
  }

  @Test
  public void moreThan100TextsAreRefused() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      texts.add("text " + i);
    }
    ClientException e =
        assertThrows(ClientException.class, () -> client.models.embedContent(MODEL, texts, null));
    assertEquals(400, e.code());
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;

import dev.beamllm.prompt.TokenCounter;
import java.util.List;
import org.junit.Test;

/**
 * The embedding and transcription endpoints count in the fake's stats and show in its request log
 * like the other model endpoints.
 */
public class FakeEmbeddingAndAudioStatsTest {

  @Test
  public void eachNewEndpointIsCountedAndLogged() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      String base = fake.baseUrl();
      String sig = "Bearer bedrock-key";
      assertEquals(
          200,
          Http.post(
                  base + "/v1beta/models/gemini-embedding-001:embedContent",
                  "{\"content\":{\"parts\":[{\"text\":\"one two\"}]}}")
              .status());
      assertEquals(
          200,
          Http.post(
                  base + "/v1beta/models/gemini-embedding-001:batchEmbedContents",
                  "{\"requests\":[{\"model\":\"models/gemini-embedding-001\","
                      + "\"content\":{\"parts\":[{\"text\":\"three\"}]}}]}")
              .status());
      assertEquals(
          200,
          Http.post(
                  base + "/mistral/v1/embeddings",
                  "{\"model\":\"mistral-embed\",\"input\":[\"four\",\"five six\"]}")
              .status());
      assertEquals(
          200,
          Http.post(
                  base + "/model/amazon.titan-embed-text-v2:0/invoke",
                  "{\"inputText\":\"seven\"}",
                  "authorization",
                  sig)
              .status());
      assertEquals(
          200,
          Http.post(
                  base + "/model/cohere.embed-english-v3/invoke",
                  "{\"texts\":[\"eight\"],\"input_type\":\"search_query\"}",
                  "authorization",
                  sig)
              .status());
      // Six seconds of 16 kHz 16-bit audio: more than the log keeps of an upload.
      byte[] audio = OpenAiTranscriptionDialectTest.wav(6.0, "TRANSCRIPT:nine");
      Http.Reply heard =
          OpenAiTranscriptionDialectTest.post(
              fake,
              OpenAiTranscriptionDialectTest.form("clip.wav", audio, "model", "gpt-4o-transcribe"),
              "multipart/form-data; boundary=----fake15boundary");
      assertEquals(heard.body(), 200, heard.status());

      FakeServerStats stats = fake.stats();
      assertEquals(6, stats.received());
      assertEquals(6, stats.accepted());
      long tokens =
          TokenCounter.count("one two")
              + TokenCounter.count("three")
              + TokenCounter.count("four")
              + TokenCounter.count("five six")
              + TokenCounter.count("seven")
              + TokenCounter.count("eight")
              + 60;
      assertEquals(tokens, stats.inputTokens());

      List<RecordedRequest> log = fake.requests();
      assertEquals(6, log.size());
      assertEquals("/v1beta/models/gemini-embedding-001:embedContent", log.get(0).path());
      assertEquals("/mistral/v1/embeddings", log.get(2).path());
      assertEquals("/model/cohere.embed-english-v3/invoke", log.get(4).path());
      assertEquals("/v1/audio/transcriptions", log.get(5).path());
      assertThat(log.get(5).body().length(), lessThan(audio.length));
      assertThat(log.get(5).body(), endsWith(" bytes]"));
    }
  }
}

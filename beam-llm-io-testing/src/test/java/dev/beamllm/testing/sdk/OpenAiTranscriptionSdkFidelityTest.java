package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.transcriptions.Transcription;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The official OpenAI Java SDK's audio transcriptions, pointed at the fake server, upload and parse
 * without error: the multipart form it writes, and the usage union it reads.
 */
public class OpenAiTranscriptionSdkFidelityTest {
  @Rule public TemporaryFolder dir = new TemporaryFolder();

  private static FakeProviderServer fake;
  private static OpenAIClient client;

  @BeforeClass
  public static void start() {
    fake = FakeProviderServer.builder().apiKey("sk-fake").start();
    client =
        OpenAIOkHttpClient.builder()
            .apiKey("sk-fake")
            .baseUrl(fake.baseUrl() + "/v1")
            .maxRetries(0)
            .build();
  }

  @AfterClass
  public static void stop() {
    fake.close();
  }

  private Path file(String name, String content) throws Exception {
    Path p = dir.getRoot().toPath().resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  public void whisperJsonWithDurationUsage() throws Exception {
    Transcription t =
        client
            .audio()
            .transcriptions()
            .create(
                TranscriptionCreateParams.builder()
                    .file(file("clip.wav", "audio TRANSCRIPT:Hello from the SDK\n more"))
                    .model(AudioModel.WHISPER_1)
                    .build())
            .asTranscription();
    assertEquals("Hello from the SDK", t.text());
    assertTrue(t.usage().orElseThrow().isDuration());
    assertEquals(1.0, t.usage().orElseThrow().asDuration().seconds(), 0);
  }

  @Test
  public void gpt4oJsonWithTokenUsage() throws Exception {
    Transcription t =
        client
            .audio()
            .transcriptions()
            .create(
                TranscriptionCreateParams.builder()
                    .file(file("good_morning.mp3", "not really audio"))
                    .model(AudioModel.GPT_4O_TRANSCRIBE)
                    .prompt("A greeting.")
                    .responseFormat(AudioResponseFormat.JSON)
                    .build())
            .asTranscription();
    assertEquals("good morning", t.text());
    Transcription.Usage.Tokens usage = t.usage().orElseThrow().asTokens();
    assertEquals(usage.inputTokens() + usage.outputTokens(), usage.totalTokens());
    assertTrue(usage.inputTokenDetails().orElseThrow().textTokens().orElseThrow() > 0);
  }

  @Test
  public void anUnsupportedFileIsABadRequest() throws Exception {
    BadRequestException e =
        assertThrows(
            BadRequestException.class,
            () ->
                client
                    .audio()
                    .transcriptions()
                    .create(
                        TranscriptionCreateParams.builder()
                            .file(file("notes.txt", "hi"))
                            .model(AudioModel.WHISPER_1)
                            .build()));
    assertTrue(e.getMessage(), e.getMessage().contains("Invalid file format."));
  }
}

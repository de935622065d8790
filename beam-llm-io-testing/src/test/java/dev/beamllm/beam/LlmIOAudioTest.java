package dev.beamllm.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import dev.beamllm.client.TranscribeTest;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.PromptRows;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A JSONL prompts file with audio parts (by path relative to the file, and as base64) through
 * {@link LlmIO#complete} on the DirectRunner, against the fake provider: the audio travels through
 * the Beam coder to the worker and the answers are what the fake hears; a format the model does not
 * take fails as its row, unsent.
 */
public class LlmIOAudioTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static String audioRow(String id, String audioField) {
    return "{\"id\":\""
        + id
        + "\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"Repeat what is said\"},"
        + "{\"type\":\"audio\","
        + audioField
        + "}]}]}";
  }

  @Test
  public void jsonlRowsWithAudioAreAnsweredAndAnUnsupportedFormatFailsUnsent() throws Exception {
    Path dir = tmp.newFolder("job").toPath();
    Files.write(dir.resolve("clip.wav"), TranscribeTest.wav(1.0, "TRANSCRIPT: hello world"));
    String morning =
        Base64.getEncoder().encodeToString(TranscribeTest.wav(0.5, "TRANSCRIPT: good morning"));
    byte[] flac = new byte[64];
    System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, flac, 0, 4);
    Path prompts = dir.resolve("prompts.jsonl");
    Files.writeString(
        prompts,
        String.join(
            "\n",
            audioRow("by-path", "\"path\":\"clip.wav\""),
            audioRow("by-data", "\"data\":\"" + morning + "\""),
            audioRow("flac", "\"data\":\"" + Base64.getEncoder().encodeToString(flac) + "\"")));
    List<Conversation> rows = new ArrayList<>();
    for (PromptRows.Line line : PromptRows.read(prompts)) {
      rows.add(((PromptRows.Row) line).conversation());
    }
    // The job must not need the files once read: the coder carries the bytes.
    Files.delete(dir.resolve("clip.wav"));

    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
      ModelRegistry registry =
          r.withModels(
              List.of(r.lookup("gpt-4o-audio-preview").toBuilder().setApiKeyEnv(null).build()));
      LlmResult result =
          pipeline
              .apply(Create.of(rows))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4o-audio-preview")
                      .withMaxAttempts(1)
                      .withRegistry(registry));
      PAssert.that(result.responses())
          .satisfies(
              responses -> {
                Map<String, String> answers = new HashMap<>();
                for (ApiResponse a : responses) {
                  answers.put(a.conversationId().orElseThrow(), a.completion());
                }
                assertEquals(
                    Map.of(
                        "by-path", "Echo: Repeat what is said\n[audio: hello world]",
                        "by-data", "Echo: Repeat what is said\n[audio: good morning]"),
                    answers);
                return null;
              });
      PAssert.that(result.failures())
          .satisfies(
              failures -> {
                int n = 0;
                for (LlmFailure f : failures) {
                  n++;
                  assertEquals("flac", f.input().id().orElseThrow());
                  assertEquals(ErrorKind.UNSUPPORTED, f.error().kind());
                  assertThat(f.error().message(), containsString("only wav and mp3"));
                }
                assertEquals(1, n);
                return null;
              });
      pipeline.run().waitUntilFinish();
      assertEquals("the FLAC row was never sent", 2, fake.requests().size());
      for (var sent : fake.requests()) {
        assertEquals(
            "wav", Json.parse(sent.body()).at("/messages/0/content/1/input_audio/format").asText());
      }
    }
  }
}

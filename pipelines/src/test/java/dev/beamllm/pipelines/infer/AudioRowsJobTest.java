package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.JobRunner.Run;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Rows with audio parts through the main job against the fake provider: an audio model hears the
 * file, the answer line reports the audio tokens, and a row naming a model that cannot hear fails
 * alone, unsent, naming that model.
 */
public class AudioRowsJobTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static Path testdata(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p.resolve("testdata").resolve(name);
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  @Test(timeout = 120_000)
  public void anAudioRowIsHeardAndARowForADeafModelFailsAlone() throws Exception {
    Path dir = tmp.newFolder("audio").toPath();
    Files.copy(testdata("audio/hello-world.wav"), dir.resolve("hello-world.wav"));
    String audio =
        "[{\"type\":\"text\",\"text\":\"Repeat what is said\"},"
            + "{\"type\":\"audio\",\"path\":\"hello-world.wav\"}]";
    Path input = dir.resolve("rows.jsonl");
    Files.write(
        input,
        List.of(
            "{\"id\":\"heard\",\"messages\":[{\"role\":\"user\",\"content\":" + audio + "}]}",
            "{\"id\":\"deaf\",\"model\":\"claude-3-haiku\",\"messages\":[{\"role\":\"user\","
                + "\"content\":"
                + audio
                + "}]}"),
        StandardCharsets.UTF_8);
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--models=gpt-4o-audio-preview,claude-3-haiku");
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());

      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(1, answers.size());
      JsonNode heard = answers.get("heard");
      assertEquals(
          "Echo: Repeat what is said\n[audio: hello world]", heard.get("completion").asText());
      assertTrue(heard.toString(), heard.at("/usage/audio_input_tokens").asLong() > 0);

      List<JsonNode> failures = lines(dir.resolve("failures.jsonl"));
      assertEquals(1, failures.size());
      assertEquals("deaf", failures.get(0).get("id").asText());
      assertEquals("unsupported", failures.get(0).get("error_kind").asText());
      assertEquals("claude-3-haiku", failures.get(0).get("model").asText());
      assertEquals("only the heard row was sent", 1, fake.requests().size());
    }
  }
}

package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.JobRunner.Run;
import dev.beamllm.testing.FakeProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The main job with {@code --task=embed} ({@code ./run.sh embed}) against the fake provider: a line
 * per text with its vector, a broken row in the failures, a second run from the checkpoint sending
 * nothing, and wrong flags stopping the job in one line.
 */
public class EmbedTaskTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static Path input(Path dir, int n) throws Exception {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add("{\"id\":\"e" + i + "\",\"prompt\":\"text number " + i + " about refunds\"}");
    }
    rows.add("{\"id\":\"broken\",\"prompt\":");
    Path file = dir.resolve("texts.jsonl");
    Files.write(file, rows, StandardCharsets.UTF_8);
    return file;
  }

  @Test(timeout = 120_000)
  public void everyTextGetsAVectorLineAndASecondRunSendsNothing() throws Exception {
    Path dir = tmp.newFolder("embed").toPath();
    Path input = input(dir, 500);
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--task=embed", "--models=text-embedding-3-small", "--dimensions=32"));
      Run first = runHere(args);
      assertEquals(first.all(), 0, first.code());
      Map<String, JsonNode> lines = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(500, lines.size());
      JsonNode one = lines.get("e7");
      assertEquals(32, one.get("embedding").size());
      assertEquals(32, one.get("dimensions").asInt());
      assertTrue(one.get("input_tokens").asLong() > 0);
      List<JsonNode> failures = lines(dir.resolve("failures.jsonl"));
      assertEquals(1, failures.size());
      assertEquals("invalid_input", failures.get(0).get("error_kind").asText());
      long requests = fake.requests().size();
      assertTrue("texts go many a request: " + requests, requests >= 1 && requests <= 10);
      assertThat(first.out(), containsString("succeeded       500"));
      // An embedding has no output to price: one figure, not a range.
      assertTrue(
          first.out(),
          java.util.regex.Pattern.compile(
                  "text-embedding-3-small +[\\d,]+ input tokens; \\$[\\d.]+\n")
              .matcher(first.out())
              .find());
      // The summary counts the HTTP requests, many texts each, not the texts.
      assertTrue(
          first.out(),
          java.util.regex.Pattern.compile("requests sent\\s+" + requests + "\\b")
              .matcher(first.out())
              .find());

      fake.reset();
      Run second = runHere(args);
      assertEquals(second.all(), 0, second.code());
      assertEquals("the checkpoint served every vector", 0, fake.requests().size());
      assertThat(second.out(), containsString("every answer came from the cache"));
      Map<String, JsonNode> again = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(lines.get("e7").get("embedding"), again.get("e7").get("embedding"));
      assertTrue(again.get("e7").get("cache_hit").asBoolean());
    }
  }

  @Test(timeout = 60_000)
  public void wrongEmbeddingFlagsStopTheJobInOneLine() throws Exception {
    Path dir = tmp.newFolder("flags").toPath();
    Path input = input(dir, 3);
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<List<String>> wrong =
          List.of(
              List.of("--task=embed", "--models=gpt-4.1-mini"),
              List.of("--task=embed", "--models=text-embedding-3-small", "--inputType=both"),
              List.of("--task=vectors"),
              List.of("--dimensions=8"));
      List<String> expected =
          List.of(
              "--models: 'gpt-4.1-mini' is not an embedding model",
              "--inputType: must be query or document, got 'both'",
              "--task: must be complete, embed, extract, translate, classify or score, got 'vectors'",
              "--dimensions: applies to --task=embed only");
      for (int i = 0; i < wrong.size(); i++) {
        List<String> args = baseArgs(dir, input, fake.baseUrl());
        args.addAll(wrong.get(i));
        Run run = runHere(args);
        assertEquals(run.all(), 2, run.code());
        assertThat(run.err(), containsString(expected.get(i)));
        assertEquals(run.err(), 1, run.err().strip().lines().count());
      }
      assertEquals("nothing was sent", 0, fake.requests().size());
    }
  }
}

package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

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
 * The main job with {@code --task=extract} ({@code ./run.sh extract --schema F}) against the fake
 * provider: a line per row with its id and the validated object, a row fixed by its repair turn, a
 * row that stays invalid among the failures with its answer, and wrong flags stopping the job in
 * one line.
 */
public class ExtractTaskTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
          + "\"population\":{\"type\":\"integer\",\"minimum\":1000}},"
          + "\"required\":[\"city\",\"population\"],\"additionalProperties\":false}";

  private static Path input(Path dir) throws Exception {
    Path file = dir.resolve("cities.jsonl");
    Files.write(
        file,
        List.of(
            "{\"id\":\"x1\",\"prompt\":\"Lyon\"}",
            "{\"id\":\"x2\",\"prompt\":\"INVALID_JSON Porto\"}",
            "{\"id\":\"x3\",\"prompt\":\"ALWAYS_INVALID Oslo\"}"),
        StandardCharsets.UTF_8);
    return file;
  }

  @Test(timeout = 120_000)
  public void everyRowGetsItsValidatedObjectOrAFailureWithItsAnswer() throws Exception {
    Path dir = tmp.newFolder("extract").toPath();
    Path input = input(dir);
    Path schema = dir.resolve("schema.json");
    Files.writeString(schema, SCHEMA);
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--task=extract", "--schema=" + schema, "--models=gpt-4.1-mini"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> rows = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(2, rows.size());
      assertEquals(
          "{\"id\":\"x1\",\"city\":\"Lyon\",\"population\":1000}", rows.get("x1").toString());
      assertEquals(
          "{\"id\":\"x2\",\"city\":\"INVALID_JSON Porto\",\"population\":1000}",
          rows.get("x2").toString());
      List<JsonNode> failures = lines(dir.resolve("failures.jsonl"));
      assertEquals(1, failures.size());
      JsonNode f = failures.get(0);
      assertEquals("x3", f.get("id").asText());
      assertEquals("invalid_output", f.get("error_kind").asText());
      assertEquals("{\"unexpected\":true}", f.get("answer").asText());
      assertThat(f.get("message").asText(), containsString("city"));
      assertEquals(2, f.get("turn").asInt());
      // One request for the valid row, two (answer and repair) for each of the others.
      assertEquals(5, fake.requests().stream().filter(r -> r.path().contains("/chat")).count());
      assertThat(run.out(), containsString("succeeded       2"));
      assertThat(run.out(), containsString("failed          1"));
      // Porto and Oslo: both first answers were invalid.
      assertThat(run.out(), containsString("repaired        2 rows (66.7%)"));
    }
  }

  @Test(timeout = 60_000)
  public void wrongExtractFlagsStopTheJobInOneLine() throws Exception {
    Path dir = tmp.newFolder("flags").toPath();
    Path input = input(dir);
    Path notJson = dir.resolve("not-a-schema.json");
    Files.writeString(notJson, "{\"type\": ");
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<List<String>> wrong =
          List.of(
              List.of("--task=extract", "--models=gpt-4.1-mini"),
              List.of("--task=extract", "--models=gpt-4.1-mini", "--schema=" + dir.resolve("no")),
              List.of("--task=extract", "--models=gpt-4.1-mini", "--schema=" + notJson),
              List.of("--schema=" + notJson));
      List<String> expected =
          List.of(
              "--schema: --task=extract needs --schema=FILE",
              "--schema: cannot read '" + dir.resolve("no") + "'",
              "--schema: '" + notJson + "': the JSON schema is not valid JSON",
              "--schema: applies to --task=extract only");
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

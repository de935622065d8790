package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
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
 * The main job with {@code --task=translate}, {@code classify} and {@code score} against the fake
 * provider: a line per row, a row already in the target language not sent, and wrong flags stopping
 * the job in one line before anything is sent.
 */
public class HelperTaskTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static Path input(Path dir, String... prompts) throws Exception {
    Path file = dir.resolve("rows.jsonl");
    List<String> rows = new java.util.ArrayList<>();
    for (int i = 0; i < prompts.length; i++) {
      rows.add(
          "{\"id\":\"r"
              + (i + 1)
              + "\",\"prompt\":"
              + dev.beamllm.prompt.internal.Json.write(
                  com.fasterxml.jackson.databind.node.TextNode.valueOf(prompts[i]))
              + "}");
    }
    Files.write(file, rows, StandardCharsets.UTF_8);
    return file;
  }

  private static long chatRequests(FakeProviderServer fake) {
    return fake.requests().stream().filter(r -> r.path().contains("/chat")).count();
  }

  @Test(timeout = 120_000)
  public void translateKeepsRowsAlreadyInTheLanguageAndTranslatesTheOthers() throws Exception {
    Path dir = tmp.newFolder("translate").toPath();
    Path input =
        input(
            dir,
            "Le chat dort sur le canapé pendant que la pluie tombe doucement dehors.",
            "The cat is sleeping on the sofa while the rain falls gently outside.");
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--task=translate", "--targetLanguage=fr", "--models=gpt-4.1-mini"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> rows = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(2, rows.size());
      assertEquals(false, rows.get("r1").get("sent").asBoolean());
      assertEquals("fr", rows.get("r1").get("source_language").asText());
      assertEquals(
          "[fr] The cat is sleeping on the sofa while the rain falls gently outside.",
          rows.get("r2").get("text").asText());
      assertEquals("en", rows.get("r2").get("source_language").asText());
      assertEquals(1, chatRequests(fake));
      // Both rows are accounted for, the kept one as answered without a request.
      assertThat(run.out(), containsString("succeeded       2"));
      assertThat(run.out(), containsString("not sent        1 row already in the target language"));
      assertThat(run.out(), not(containsString("UNACCOUNTED")));
    }
  }

  @Test(timeout = 120_000)
  public void classifyAndScoreGiveALinePerRow() throws Exception {
    Path dir = tmp.newFolder("classify").toPath();
    Path input = input(dir, "all about politics", "a sports story", "PROB=0.83 hello");
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(
          List.of("--task=classify", "--classLabels=sports, politics", "--models=gpt-4.1-mini"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> rows = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals("politics", rows.get("r1").get("label").asText());
      assertEquals("sports", rows.get("r2").get("label").asText());
      assertEquals("sports", rows.get("r3").get("label").asText());
    }
    Path scored = tmp.newFolder("score").toPath();
    Path again = input(scored, "PROB=0.83 thank you", "PROB=0.1 go away", "no rule: an echo");
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<String> args = baseArgs(scored, again, fake.baseUrl());
      args.addAll(List.of("--task=score", "--question=Is it polite?", "--models=gpt-4.1-mini"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> rows = byId(lines(scored.resolve("answers.jsonl")));
      assertEquals("yes", rows.get("r1").get("answer").asText());
      assertEquals(0.83, rows.get("r1").get("probability_yes").asDouble(), 1e-9);
      assertEquals(true, rows.get("r1").get("from_logprobs").asBoolean());
      assertEquals("no", rows.get("r2").get("answer").asText());
      assertEquals(0.1, rows.get("r2").get("probability_yes").asDouble(), 1e-9);
      // An answer neither yes nor no is a failure, and the summary says so.
      List<JsonNode> failures = lines(scored.resolve("failures.jsonl"));
      assertEquals(1, failures.size());
      assertEquals("r3", failures.get(0).get("id").asText());
      assertEquals("invalid_output", failures.get(0).get("error_kind").asText());
      assertThat(run.out(), containsString("succeeded       2"));
      assertThat(run.out(), containsString("failed          1"));
      assertThat(run.out(), not(containsString("UNACCOUNTED")));
    }
  }

  @Test(timeout = 60_000)
  public void wrongHelperFlagsStopTheJobInOneLine() throws Exception {
    Path dir = tmp.newFolder("flags").toPath();
    Path input = input(dir, "hello");
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start()) {
      List<List<String>> wrong =
          List.of(
              List.of("--task=translate"),
              List.of("--task=translate", "--targetLanguage=french"),
              List.of("--task=classify"),
              List.of("--task=classify", "--classLabels=a,b,a"),
              List.of("--task=score", "--question= "),
              List.of("--classLabels=a,b"),
              List.of("--task=summarize"));
      List<String> expected =
          List.of(
              "--targetLanguage: --task=translate needs --targetLanguage=CODE",
              "--targetLanguage: an ISO 639-1 code such as \"fr\"",
              "--classLabels: --task=classify needs --classLabels=A,B,C",
              "--classLabels: \"a\" is given twice",
              "--question: must not be null or blank",
              "--classLabels: applies to --task=classify only",
              "--task: must be complete, embed, extract, translate, classify or score");
      for (int i = 0; i < wrong.size(); i++) {
        List<String> args = baseArgs(dir, input, fake.baseUrl());
        args.add("--models=gpt-4.1-mini");
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

package dev.beamllm.pipelines.infer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/** The main job end to end through the embedded fake provider, on the DirectRunner and on Flink. */
public class BatchInferenceTest {

  private static Path testdata(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p.resolve("testdata").resolve(name);
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  /**
   * A prompts file: the 56 good rows plus a malformed line, a missing image and an unknown model.
   */
  private static Path mixedInput(Path dir) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(testdata("prompts.jsonl")));
    lines.add("{\"id\":\"bad-json\",\"prompt\": \"unterminated");
    lines.add(
        "{\"id\":\"bad-image\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":\"images/missing.png\"}]}]}");
    lines.add("{\"id\":\"bad-model\",\"prompt\":\"hi\",\"model\":\"gpt-9-imaginary\"}");
    Path file = dir.resolve("prompts.jsonl");
    Files.write(file, lines);
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("docs"));
    for (String f :
        List.of("images/red-square.png", "images/photo.jpg", "docs/sample.pdf", "docs/notes.txt")) {
      Files.copy(testdata(f), dir.resolve(f));
    }
    return file;
  }

  private record Outcome(int code, String out, List<JsonNode> answers, List<JsonNode> failures) {
    long summary(String label) {
      Matcher m = Pattern.compile("  " + label + "\\s+([\\d,]+)").matcher(out);
      assertTrue("summary has " + label + ":\n" + out, m.find());
      return Long.parseLong(m.group(1).replace(",", ""));
    }

    long fakeReceived() {
      Matcher m = Pattern.compile("the fake provider received ([\\d,]+)").matcher(out);
      assertTrue(out, m.find());
      return Long.parseLong(m.group(1).replace(",", ""));
    }
  }

  private static Outcome run(Path dir, Path input, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input=" + input,
                "--fakeProvider=true",
                "--progress=none",
                "--output=" + dir.resolve("answers.jsonl"),
                "--failures=" + dir.resolve("failures.jsonl")));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchInference.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
    return new Outcome(
        code,
        out.toString(StandardCharsets.UTF_8),
        read(dir.resolve("answers.jsonl")),
        read(dir.resolve("failures.jsonl")));
  }

  private static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(Json.parse(line));
      }
    }
    return out;
  }

  private static void assertOutcome(Outcome o) {
    assertEquals(56, o.answers().size());
    Set<String> ids = new HashSet<>();
    for (JsonNode a : o.answers()) {
      assertTrue("one line per row", ids.add(a.get("id").asText()));
      assertTrue(
          "an answer has text or tool calls: " + a,
          a.get("completion").asText().startsWith("Echo: ")
              || a.get("completion").asText().startsWith("Tool results: ")
              || a.get("tool_calls").size() > 0);
      assertTrue(a.get("usage").get("input_tokens").asLong() > 0 || a.get("cache_hit").asBoolean());
      assertTrue(
          a.has("finish_reason")
              && a.has("cost_usd")
              && a.has("latency_ms")
              && a.has("attempts")
              && a.has("tool_calls"));
    }
    for (int i = 1; i <= 56; i++) {
      assertTrue(ids.contains(String.format("p%02d", i)));
    }
    Map<String, JsonNode> failures = new HashMap<>();
    for (JsonNode f : o.failures()) {
      failures.put(f.get("id").asText(), f);
    }
    assertEquals(Set.of("line-57", "bad-image", "bad-model"), failures.keySet());
    assertThat(failures.get("line-57").get("message").asText(), containsString("malformed JSON"));
    assertEquals(
        "{\"id\":\"bad-json\",\"prompt\": \"unterminated",
        failures.get("line-57").get("row").asText());
    assertThat(
        failures.get("bad-image").get("message").asText(), containsString("image file not found"));
    assertEquals(58, failures.get("bad-image").get("line").asInt());
    // The row's model goes with the row into the one LlmIO; the client refuses a model it does not
    // know.
    assertEquals("invalid_input", failures.get("bad-model").get("error_kind").asText());
    assertThat(
        failures.get("bad-model").get("message").asText(), containsString("gpt-9-imaginary"));
    assertEquals(
        "the row as written",
        "{\"id\":\"bad-model\",\"prompt\":\"hi\",\"model\":\"gpt-9-imaginary\"}",
        failures.get("bad-model").get("row").asText());
    assertEquals(59, o.summary("rows"));
    assertEquals(56, o.summary("succeeded"));
    assertEquals(3, o.summary("failed"));
  }

  @Test
  public void directRunnerAnswersEveryGoodRowAndAccountsForEveryBadOne() throws Exception {
    Path dir = Files.createTempDirectory("infer-direct");
    Outcome o = run(dir, mixedInput(dir));
    assertOutcome(o);
    assertEquals(
        "the summary's requests are what the provider received",
        o.fakeReceived(),
        o.summary("requests sent"));
    assertEquals(56, o.fakeReceived());
    long tokens =
        o.answers().stream().mapToLong(a -> a.get("usage").get("input_tokens").asLong()).sum();
    assertEquals(tokens, o.summary("input tokens"));
  }

  @Test
  public void aModelWithoutItsKeyStopsTheJobInOneLineNamingTheVariableAndTheFake()
      throws Exception {
    assumeTrue("OPENAI_API_KEY is set here", System.getenv("OPENAI_API_KEY") == null);
    Path dir = Files.createTempDirectory("infer-nokey");
    assumeTrue("a .env in the working directory could hold a key", !Files.exists(Path.of(".env")));
    JobRunner.Run run =
        JobRunner.runHere(
            List.of(
                "--input=" + testdata("prompts.jsonl"),
                "--models=gpt-4.1-mini",
                "--runner=DirectRunner",
                "--output=" + dir.resolve("answers.jsonl"),
                "--failures=" + dir.resolve("failures.jsonl")));
    assertEquals(run.all(), 2, run.code());
    assertEquals(run.err(), 1, run.err().strip().lines().count());
    assertThat(
        run.err(), containsString("no API key for model 'gpt-4.1-mini': set OPENAI_API_KEY"));
    assertThat(run.err(), containsString("--fakeProvider=true"));
    assertTrue("nothing was written", !Files.exists(dir.resolve("answers.jsonl")));
  }

  @Test
  public void flinkRunsTheSameJob() throws Exception {
    Path dir = Files.createTempDirectory("infer-flink");
    Outcome o =
        run(
            dir,
            mixedInput(dir),
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=2");
    assertOutcome(o);
    assertEquals(o.fakeReceived(), o.summary("requests sent"));
  }

  @Test
  public void aSecondRunWithACacheSendsNothingAndSaysSo() throws Exception {
    Path dir = Files.createTempDirectory("infer-cache");
    Path input = mixedInput(dir);
    String cache = "--cache=" + dir.resolve("cache.db");
    assertEquals(56, run(dir, input, cache).fakeReceived());
    Outcome second = run(dir, input, "--cache", dir.resolve("cache.db").toString());
    assertEquals(0, second.fakeReceived());
    assertEquals(0, second.summary("requests sent"));
    assertEquals(56, second.summary("cache hits"));
    assertThat(second.out(), containsString("every answer came from the cache"));
    assertTrue(second.answers().stream().allMatch(a -> a.get("cache_hit").asBoolean()));
  }

  @Test
  public void csvInputAndYamlConfig() throws Exception {
    Path dir = Files.createTempDirectory("infer-csv");
    Path csv = dir.resolve("prompts.csv");
    Files.writeString(
        csv, "id,prompt,system\nq1,\"What is 2+2, exactly?\",Be terse.\nq2,Hello,\n,Third row,\n");
    Path yaml = dir.resolve("job.yaml");
    Files.writeString(yaml, "models: gpt-4.1-nano\nmaxNewTokens: 32\n");
    Outcome o = run(dir, csv, "--config", yaml.toString());
    assertEquals(3, o.answers().size());
    Map<String, JsonNode> byId = new HashMap<>();
    o.answers().forEach(a -> byId.put(a.get("id").asText(), a));
    assertEquals("Echo: What is 2+2, exactly?", byId.get("q1").get("completion").asText());
    assertEquals("gpt-4.1-nano", byId.get("q2").get("model").asText());
    assertTrue(byId.containsKey("line-4"));
  }

  @Test
  public void rowsSharingASystemPromptReadItFromThePromptCache() throws Exception {
    String system = "You label messages. " + "Rule: be exact and brief. ".repeat(400);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(
          Json.write(
              Json.object()
                  .put("id", "r" + i)
                  .put("system", system)
                  .put("prompt", "Message " + i + ": late order.")));
    }
    Path plainDir = Files.createTempDirectory("infer-cache-plain");
    Path cachedDir = Files.createTempDirectory("infer-cache-on");
    Files.write(plainDir.resolve("rows.jsonl"), rows);
    Files.write(cachedDir.resolve("rows.jsonl"), rows);
    Outcome plain =
        run(
            plainDir,
            plainDir.resolve("rows.jsonl"),
            "--models=claude-4.5-sonnet",
            "--maxConcurrent=1");
    Outcome cached =
        run(
            cachedDir,
            cachedDir.resolve("rows.jsonl"),
            "--models=claude-4.5-sonnet",
            "--maxConcurrent=1",
            "--promptCache=system_and_tools");
    assertEquals(20, cached.answers().size());
    assertTrue(plain.out(), !plain.out().contains("prompt cache"));
    Matcher m =
        Pattern.compile("prompt cache\\s+([\\d,]+) input tokens read, ([\\d,]+) written")
            .matcher(cached.out());
    assertTrue(cached.out(), m.find());
    long read = Long.parseLong(m.group(1).replace(",", ""));
    long written = Long.parseLong(m.group(2).replace(",", ""));
    assertEquals("19 rows read what the first wrote", 19 * written, read);
    double plainCost =
        plain.answers().stream().mapToDouble(a -> a.get("cost_usd").asDouble()).sum();
    double cachedCost =
        cached.answers().stream().mapToDouble(a -> a.get("cost_usd").asDouble()).sum();
    assertTrue(plainCost + " vs " + cachedCost, cachedCost < plainCost / 3);
    assertEquals(
        written,
        cached.answers().stream()
            .mapToLong(a -> a.path("usage").path("cache_write_tokens").asLong())
            .sum());
  }

  @Test
  public void rowsPastTheSpendingCapBecomeBudgetFailuresUnsent() throws Exception {
    Path dir = Files.createTempDirectory("infer-budget");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add("{\"id\":\"r" + i + "\",\"prompt\":\"Row " + i + ": " + "word ".repeat(100) + "\"}");
    }
    Files.write(dir.resolve("rows.jsonl"), rows);
    Outcome o =
        run(
            dir,
            dir.resolve("rows.jsonl"),
            "--models=gpt-4.1",
            "--maxNewTokens=200",
            "--maxCost=0.02");
    long budget =
        o.failures().stream().filter(f -> "budget".equals(f.path("error_kind").asText())).count();
    assertEquals("none lost", 200, o.answers().size() + o.failures().size());
    assertEquals("every failure is the budget's", o.failures().size(), budget);
    assertTrue(o.out(), budget > 0 && !o.answers().isEmpty());
    assertEquals("the refused rows were not sent", o.answers().size(), o.fakeReceived());
    double spent = o.answers().stream().mapToDouble(a -> a.get("cost_usd").asDouble()).sum();
    assertTrue(spent + " of $0.02", spent <= 0.02);
  }
}

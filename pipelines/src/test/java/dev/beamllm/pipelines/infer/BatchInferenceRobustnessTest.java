package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.checkpointRows;
import static dev.beamllm.pipelines.infer.JobRunner.freePortWithNothingListening;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runChild;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static dev.beamllm.pipelines.infer.JobRunner.startChild;
import static dev.beamllm.pipelines.infer.JobRunner.uniqueRows;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.JobRunner.Run;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hamcrest.Matchers;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The main job against the points of issue 9 that a user meets first: a real {@code kill -9} and a
 * second run, input that forgives, per-row settings in one transform under one job-wide limit,
 * in-run dedupe, job-level mistakes found before anything is sent, models that cannot be used, and
 * a quiet console whose last progress line agrees with the summary. The fake provider runs in this
 * JVM so every test can count what the job really sent.
 */
public class BatchInferenceRobustnessTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  // ------------------------------------------------- 1. kill -9 and resume

  /**
   * Issue 9, point 3: a real {@code kill -9} halfway, the same command again. The checkpoint holds
   * exactly the answers that arrived, the second run sends exactly the rows it lacks, and the
   * output holds every row once.
   */
  @Test(timeout = 150_000)
  public void killNineHalfwayThenTheSameCommandSendsOnlyTheRowsWithoutAnAnswer() throws Exception {
    int rows = 1500;
    int maxConcurrent = 16;
    Path dir = tmp.newFolder("kill").toPath();
    Path input = uniqueRows(dir, "k", rows);
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(40)))
            .recordRequests(false)
            .start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--maxConcurrent=" + maxConcurrent);

      Process first = startChild(dir, "first", args);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (fake.stats().accepted() < 500) {
          assertTrue(
              "the first run ended before it was killed:\n"
                  + Files.readString(dir.resolve("first.stderr")),
              first.isAlive());
          assertTrue(
              "the first run did not reach 500 answers in 60 s", System.nanoTime() < deadline);
          Thread.sleep(2);
        }
      } finally {
        first.destroyForcibly(); // SIGKILL on Linux
      }
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      assertEquals("killed by SIGKILL", 128 + 9, first.exitValue());
      long received1 = fake.stats().received();
      assertFalse(
          "the killed run wrote no answers file", Files.exists(dir.resolve("answers.jsonl")));

      long checkpointed = checkpointRows(dir.resolve("answers.checkpoint.db"));
      assertTrue(
          "killed halfway: " + checkpointed + " answers checkpointed of " + rows,
          checkpointed >= 400 && checkpointed < rows);
      assertTrue(
          "the checkpoint holds no answer the provider did not give: "
              + checkpointed
              + " > "
              + received1,
          checkpointed <= received1);
      assertThat(
          "received but not checkpointed = in flight at the kill (received "
              + received1
              + ", checkpointed "
              + checkpointed
              + ")",
          received1 - checkpointed,
          lessThanOrEqualTo((long) maxConcurrent));

      System.out.printf(
          Locale.ROOT, "kill -9: received %d, checkpointed %d%n", received1, checkpointed);
      Run second = runChild(dir, "second", args, Duration.ofSeconds(90));
      assertEquals(second.all(), 0, second.code());
      long received2 = fake.stats().received() - received1;
      assertEquals(
          "the second run sent exactly the rows with no answer in the checkpoint",
          rows - checkpointed,
          received2);

      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(rows, answers.size());
      for (int i = 0; i < rows; i++) {
        assertTrue(answers.containsKey(String.format(Locale.ROOT, "k%04d", i)));
      }
      long fromCheckpoint =
          answers.values().stream().filter(a -> a.get("cache_hit").asBoolean()).count();
      assertEquals("the checkpointed answers are reused, each once", checkpointed, fromCheckpoint);
      assertEquals(List.of(), lines(dir.resolve("failures.jsonl")));
      assertEquals(rows, checkpointRows(dir.resolve("answers.checkpoint.db")));
    }
  }

  // ------------------------------------------------- 2. input that forgives

  /** Issue 9, point 6: BOM, CRLF, an invalid UTF-8 byte, empty and blank prompts, a blank line. */
  @Test(timeout = 60_000)
  public void aBomCrlfABadByteAndEmptyPromptsFailOnlyTheirOwnRows() throws Exception {
    Path dir = tmp.newFolder("forgiving").toPath();
    Path input = dir.resolve("prompts.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String crlf = "\r\n";
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write(
        ("{\"id\":\"first\",\"prompt\":\"hello after the BOM\"}" + crlf)
            .getBytes(StandardCharsets.UTF_8)); // line 1
    bytes.write("{\"id\":\"bad-byte\",\"prompt\":\"caf".getBytes(StandardCharsets.UTF_8)); // line 2
    bytes.write(0xFF);
    bytes.write(("\"}" + crlf).getBytes(StandardCharsets.UTF_8));
    String empty = "{\"id\": \"empty\",  \"prompt\": \"\"}";
    String blank = "{\"id\": \"blank\", \"prompt\": \"   \\t  \"}";
    bytes.write((empty + crlf).getBytes(StandardCharsets.UTF_8)); // line 3
    bytes.write((blank + crlf).getBytes(StandardCharsets.UTF_8)); // line 4
    bytes.write(("   " + crlf).getBytes(StandardCharsets.UTF_8)); // line 5: blank, skipped
    bytes.write(
        ("{\"id\":\"six\",\"prompt\":\"the sixth line\"}" + crlf)
            .getBytes(StandardCharsets.UTF_8)); // line 6
    bytes.write(
        "{\"id\":\"seven\",\"system\":\"Be terse.\",\"prompt\":\"no newline at the end\"}"
            .getBytes(StandardCharsets.UTF_8)); // line 7
    Files.write(input, bytes.toByteArray());

    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      Run run = runHere(baseArgs(dir, input, fake.baseUrl()));
      assertEquals(run.all(), 0, run.code());

      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(Set.of("first", "six", "seven"), answers.keySet());
      assertEquals(
          "the BOM is skipped and the first row answered normally",
          "Echo: hello after the BOM",
          answers.get("first").get("completion").asText());
      assertEquals(
          "CRLF is a line end, not part of the row",
          "Echo: the sixth line",
          answers.get("six").get("completion").asText());
      assertEquals("nothing else was sent", answers.size(), fake.stats().received());

      Map<String, JsonNode> failures = byId(lines(dir.resolve("failures.jsonl")));
      assertEquals(
          "the bad-byte row keeps the id its text shows",
          Set.of("bad-byte", "empty", "blank"),
          failures.keySet());
      JsonNode badByte = failures.get("bad-byte");
      assertThat(badByte.get("message").asText(), containsString("UTF-8"));
      assertEquals(2, badByte.get("line").asInt());
      assertThat(badByte.get("file").asText(), containsString("prompts.jsonl"));
      assertEquals("invalid_input", badByte.get("error_kind").asText());

      for (String id : List.of("empty", "blank")) {
        JsonNode f = failures.get(id);
        assertThat(f.toString(), f.get("message").asText(), containsString("empty prompt"));
        assertThat(f.get("file").asText(), containsString("prompts.jsonl"));
      }
      assertEquals(3, failures.get("empty").get("line").asInt());
      assertEquals(4, failures.get("blank").get("line").asInt());
      assertEquals(
          "a failure carries the row as written", empty, failures.get("empty").get("row").asText());
      assertEquals(blank, failures.get("blank").get("row").asText());

      assertEquals(6, run.summary("rows"));
      assertEquals(3, run.summary("succeeded"));
      assertEquals(3, run.summary("failed"));
    }
  }

  // ------------------------------------------------- 3. per-row settings travel with the row

  /**
   * Issue 9, point 4: a row's model, output limit, temperature, schema and metadata reach the
   * provider and the output.
   */
  @Test(timeout = 60_000)
  public void eachRowsOwnSettingsReachTheProviderAndTheOutput() throws Exception {
    Path dir = tmp.newFolder("settings").toPath();
    Path input = dir.resolve("prompts.jsonl");
    String badModelRow =
        "{\"id\": \"bad-model\",   \"prompt\": \"hi there\", \"model\": \"gpt-9-imaginary\"}";
    Files.write(
        input,
        List.of(
            // The same prompt with and without an output limit: two requests, two answers.
            "{\"id\":\"limited\",\"prompt\":\"write at length #tokens=40\",\"max_new_tokens\":20}",
            "{\"id\":\"unlimited\",\"prompt\":\"write at length #tokens=40\"}",
            "{\"id\":\"claude-limited\",\"prompt\":\"claude writes #tokens=40\",\"max_new_tokens\":20,\"model\":\"claude-3.5-haiku\"}",
            "{\"id\":\"warm\",\"prompt\":\"a warm prompt\",\"temperature\":0.7}",
            "{\"id\":\"schema\",\"prompt\":\"a capital as JSON\",\"json_schema\":{\"type\":\"object\","
                + "\"properties\":{\"capital_city\":{\"type\":\"string\"}},\"required\":[\"capital_city\"]}}",
            "{\"id\":\"meta\",\"prompt\":\"with metadata\",\"metadata\":{\"source\":\"faq\",\"n\":3}}",
            "{\"id\":\"gemini\",\"prompt\":\"hi gemini\",\"model\":\"gemini-2.0-flash\"}",
            "{\"id\":\"flexed\",\"prompt\":\"flex me\",\"service_tier\":\"flex\"}",
            "{\"id\":\"preferring\",\"prompt\":\"prefer nano\",\"prefer_model\":\"gpt-4.1-nano\"}",
            badModelRow),
        StandardCharsets.UTF_8);

    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      Run run = runHere(baseArgs(dir, input, fake.baseUrl()));
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(
          Set.of(
              "limited",
              "unlimited",
              "claude-limited",
              "warm",
              "schema",
              "meta",
              "gemini",
              "flexed",
              "preferring"),
          answers.keySet());
      assertEquals("gpt-4.1-nano", answers.get("preferring").get("model").asText());
      assertEquals(
          "the tier that served is on the answer line",
          "flex",
          answers.get("flexed").get("service_tier").asText());
      assertTrue(
          fake.requests().stream()
              .anyMatch(
                  r ->
                      r.body().contains("flex me")
                          && "flex".equals(Json.parse(r.body()).path("service_tier").asText())));

      Set<String> lengthLike = Set.of("length", "max_tokens", "MAX_TOKENS");
      for (String id : List.of("limited", "claude-limited")) {
        JsonNode a = answers.get(id);
        assertEquals(a.toString(), 20, a.get("usage").get("output_tokens").asInt());
        assertTrue(a.toString(), lengthLike.contains(a.get("finish_reason").asText()));
      }
      assertEquals(
          "the same prompt without a limit is its own request",
          40,
          answers.get("unlimited").get("usage").get("output_tokens").asInt());
      assertFalse(lengthLike.contains(answers.get("unlimited").get("finish_reason").asText()));
      assertEquals("claude-3.5-haiku", answers.get("claude-limited").get("model").asText());
      assertEquals("gemini-2.0-flash", answers.get("gemini").get("model").asText());
      assertEquals("gpt-4.1-mini", answers.get("warm").get("model").asText());
      assertEquals(Json.parse("{\"source\":\"faq\",\"n\":3}"), answers.get("meta").get("metadata"));
      JsonNode structured = Json.parse(answers.get("schema").get("completion").asText());
      assertTrue(
          "the answer follows the row's schema: " + structured,
          structured.path("capital_city").isTextual());

      Map<String, List<JsonNode>> sent = new HashMap<>();
      for (RecordedRequest r : fake.requests()) {
        for (String marker :
            List.of(
                "write at length",
                "claude writes",
                "a warm prompt",
                "a capital as JSON",
                "hi gemini")) {
          if (r.body().contains(marker)) {
            sent.computeIfAbsent(marker, k -> new ArrayList<>()).add(Json.parse(r.body()));
          }
        }
      }
      Set<Integer> limits = new TreeSet<>();
      sent.get("write at length")
          .forEach(
              b ->
                  limits.add(
                      b.has("max_completion_tokens")
                          ? b.get("max_completion_tokens").asInt()
                          : b.get("max_tokens").asInt()));
      assertEquals("the row's limit and the job's default", Set.of(20, 512), limits);
      assertEquals(20, sent.get("claude writes").get(0).get("max_tokens").asInt());
      assertEquals(0.7, sent.get("a warm prompt").get(0).get("temperature").asDouble(), 1e-9);
      assertThat(
          "the row's schema is in the request",
          sent.get("a capital as JSON").get(0).toString(),
          containsString("capital_city"));
      assertEquals(1, sent.get("hi gemini").size());

      Map<String, JsonNode> failures = byId(lines(dir.resolve("failures.jsonl")));
      assertEquals(Set.of("bad-model"), failures.keySet());
      JsonNode bad = failures.get("bad-model");
      assertThat(bad.get("message").asText(), containsString("gpt-9-imaginary"));
      assertEquals("invalid_input", bad.get("error_kind").asText());
      assertEquals("the failure carries the row as written", badModelRow, bad.get("row").asText());
      assertEquals(
          "one request per good row; the unknown model's row was not sent",
          9,
          fake.stats().received());
    }
  }

  /**
   * Issue 9, point 4: rows naming three models go through one transform, so {@code --rpm=600} holds
   * for the whole job (before, each model had its own 600 and all 660 went in the first second).
   */
  @Test(timeout = 90_000)
  public void rpmHoldsForTheWholeJobWhateverModelsTheRowsName() throws Exception {
    Path dir = tmp.newFolder("rpm").toPath();
    Path input = dir.resolve("prompts.jsonl");
    List<String> models = List.of("gpt-4.1-mini", "claude-3.5-haiku", "gemini-2.0-flash");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 660; i++) {
      rows.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"m%03d\",\"prompt\":\"rate question %d\",\"model\":\"%s\"}",
              i,
              i,
              models.get(i % 3)));
    }
    Files.write(input, rows, StandardCharsets.UTF_8);
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--rpm=600");
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(660, answers.size());
      assertEquals(List.of(), lines(dir.resolve("failures.jsonl")));
      Map<String, Integer> perModel = new HashMap<>();
      answers.values().forEach(a -> perModel.merge(a.get("model").asText(), 1, Integer::sum));
      assertEquals(
          Map.of("gpt-4.1-mini", 220, "claude-3.5-haiku", 220, "gemini-2.0-flash", 220), perModel);

      long[] perSecond = fake.stats().acceptedPerSecond();
      long worst = 0;
      for (int i = 0; i < perSecond.length; i++) {
        long window = 0;
        for (int j = i; j < Math.min(perSecond.length, i + 5); j++) {
          window += perSecond[j];
        }
        worst = Math.max(worst, window);
      }
      System.out.println(
          "--rpm=600, accepted per second: "
              + Arrays.toString(perSecond)
              + ", most in 5 s: "
              + worst);
      assertThat(
          "the most accepted in 5 seconds, by second: " + Arrays.toString(perSecond),
          worst,
          lessThanOrEqualTo(650L));
      assertEquals(660, fake.stats().accepted());
    }
  }

  /**
   * Issue 9, point 4: a model's own quota from the config file holds within the job's: rows to
   * claude-3.5-haiku under {@code modelLimits: {claude-3.5-haiku: {rpm: 60}}} go at most 60 in the
   * first seconds (its bucket starts full, then one a second), while the other model's rows are not
   * held back.
   */
  @Test(timeout = 90_000)
  public void aModelsOwnQuotaFromTheConfigFileHolds() throws Exception {
    Path dir = tmp.newFolder("model-quota").toPath();
    Path input = dir.resolve("prompts.jsonl");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 66; i++) {
      rows.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"h%03d\",\"prompt\":\"haiku %d\",\"model\":\"claude-3.5-haiku\"}",
              i,
              i));
      rows.add(String.format(Locale.ROOT, "{\"id\":\"g%03d\",\"prompt\":\"mini %d\"}", i, i));
    }
    Files.write(input, rows, StandardCharsets.UTF_8);
    Path config = dir.resolve("job.yaml");
    Files.writeString(
        config, "models: [gpt-4.1-mini]\nmodelLimits:\n  claude-3.5-haiku: {rpm: 60}\n");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--config=" + config);
      long start = System.nanoTime();
      Run run = runHere(args);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(run.all(), 0, run.code());
      assertEquals(132, lines(dir.resolve("answers.jsonl")).size());
      // 60 at once, then one a second: the last 6 need about 6 seconds more.
      assertThat(
          "the haiku rows waited for their model's quota: " + seconds + " s",
          seconds,
          Matchers.greaterThan(4.0));
      long[] perSecond = fake.stats().acceptedPerSecond();
      assertThat(
          "the first second holds the 66 mini rows and at most 60 haiku rows: "
              + Arrays.toString(perSecond),
          perSecond[0],
          lessThanOrEqualTo(66L + 61L));
    }
  }

  // ------------------------------------------------- 4. dedupe

  /**
   * Issue 9, point 5: 100 identical rows are one request and 100 answers; --dedupe=false sends 100.
   */
  @Test(timeout = 60_000)
  public void identicalRowsAreSentOnceUnlessDedupeIsOff() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(
          String.format(
              Locale.ROOT, "{\"id\":\"same-%03d\",\"prompt\":\"the very same question\"}", i));
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ids.add(String.format(Locale.ROOT, "same-%03d", i));
    }

    Path dir = tmp.newFolder("dedupe").toPath();
    Path input = dir.resolve("prompts.jsonl");
    Files.write(input, rows, StandardCharsets.UTF_8);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      Run run = runHere(baseArgs(dir, input, fake.baseUrl()));
      assertEquals(run.all(), 0, run.code());
      assertEquals(1, fake.stats().received());
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(ids, answers.keySet());
      assertTrue(
          answers.values().stream()
              .allMatch(a -> a.get("completion").asText().equals("Echo: the very same question")));
      assertEquals(
          "one answer was paid for, 99 share it",
          1,
          answers.values().stream().filter(a -> !a.get("cache_hit").asBoolean()).count());
      assertEquals(List.of(), lines(dir.resolve("failures.jsonl")));
      assertEquals(1, run.summary("requests sent"));
    }

    Path dir2 = tmp.newFolder("no-dedupe").toPath();
    Path input2 = dir2.resolve("prompts.jsonl");
    Files.write(input2, rows, StandardCharsets.UTF_8);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<String> args = baseArgs(dir2, input2, fake.baseUrl());
      args.addAll(List.of("--dedupe=false", "--checkpoint=none"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      assertEquals(100, fake.stats().received());
      assertEquals(ids, byId(lines(dir2.resolve("answers.jsonl"))).keySet());
    }
  }

  // ------------------------------------------------- 5. job-level mistakes

  /** The job-level mistakes of issue 9, point 7, with the option each must name. */
  private Map<String, List<String>> mistakes(Path dir) throws IOException {
    Path aFile = dir.resolve("a-regular-file");
    Files.writeString(aFile, "not a directory");
    Path badYaml = dir.resolve("job.yaml");
    Files.writeString(badYaml, "models: [gpt-4.1-mini\nrpm: : :\n  - {\n");
    Path badModels = dir.resolve("models.json");
    Files.writeString(badModels, "{\"models\": [ {\"id\": \"my-vllm\", ");
    Path outDir = dir.resolve("an-existing-dir");
    Files.createDirectories(outDir);
    // Keys are the option the message must name (a trailing space keeps a second case of one option
    // apart).
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("--rpm", List.of("--rpm=-5"));
    cases.put("--weights", List.of("--models=gpt-4.1-mini,claude-3.5-haiku", "--weights=0.5"));
    cases.put("--maxNewTokens", List.of("--maxNewTokens=0"));
    cases.put("--limitShares", List.of("--limitShares=0"));
    cases.put("--limitShares ", List.of("--limitShares=2", "--sharedLimits=redis://127.0.0.1:1"));
    cases.put("--runner", List.of("--runner=NoSuchRunner"));
    cases.put("--output", List.of("--output=" + aFile.resolve("answers.jsonl")));
    cases.put("--output ", List.of("--output=" + outDir));
    cases.put("--failures", List.of("--failures=" + aFile.resolve("failures.jsonl")));
    cases.put("--checkpoint", List.of("--checkpoint=" + aFile.resolve("checkpoint.db")));
    cases.put("--input", List.of("--input=" + dir.resolve("no-such-prompts.jsonl")));
    cases.put("--models", List.of("--models=gpt-9-imaginary"));
    cases.put("--config", List.of("--config=" + badYaml));
    cases.put("--modelsFile", List.of("--modelsFile=" + badModels));
    return cases;
  }

  /** Runs every mistake against a fake that must receive nothing; returns what each printed. */
  private Map<String, Run> runMistakes(
      Path dir, Map<String, List<String>> cases, List<String> problems) throws IOException {
    Path input = uniqueRows(dir, "x", 5);
    Map<String, Run> runs = new LinkedHashMap<>();
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (Map.Entry<String, List<String>> c : cases.entrySet()) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--input=" + input,
                    "--fakeProviderUrl=" + fake.baseUrl(),
                    "--progress=none",
                    "--output=" + dir.resolve("out/answers.jsonl"),
                    "--failures=" + dir.resolve("out/failures.jsonl"),
                    "--runner=DirectRunner"));
        for (String a : c.getValue()) {
          // The case's flag replaces the base one of the same name.
          String name = a.substring(0, a.indexOf('='));
          args.removeIf(b -> b.startsWith(name + "="));
          args.add(a);
        }
        Run run = runHere(args);
        runs.put(c.getKey(), run);
        if (fake.stats().received() != 0) {
          problems.add("something was sent: " + c.getValue() + " -> " + run.all());
        }
      }
    }
    return runs;
  }

  private static String described(List<String> args, Run run) {
    return args + " -> exit " + run.code() + ", stderr: " + run.err() + "stdout: " + run.out();
  }

  /**
   * Issue 9, point 7: each mistake is exit 2 and one line on stderr starting with {@code infer: },
   * without a stack trace, and nothing is sent. The line names the option (the unknown runner's
   * does not yet: see {@link #jobLevelMistakesAreOneLineAUserCanRead}).
   */
  @Test(timeout = 90_000)
  public void jobLevelMistakesStopBeforeAnythingIsSent() throws Exception {
    Path dir = tmp.newFolder("mistakes").toPath();
    Map<String, List<String>> cases = mistakes(dir);
    List<String> problems = new ArrayList<>();
    Map<String, Run> runs = runMistakes(dir, cases, problems);
    for (Map.Entry<String, Run> e : runs.entrySet()) {
      String option = e.getKey().trim();
      Run run = e.getValue();
      String err = run.err().strip();
      String what = described(cases.get(e.getKey()), run);
      if (run.code() != 2) {
        problems.add("exit status is not 2: " + what);
      }
      if (err.isEmpty() || err.contains("\n")) {
        problems.add("not exactly one line: " + what);
      }
      if (!err.startsWith("infer: ")) {
        problems.add("does not start with 'infer: ': " + what);
      }
      if (!option.equals("--runner") && !err.contains(option)) {
        problems.add("does not name " + option + ": " + what);
      }
      if (err.contains("\tat ")
          || err.contains("Exception in thread")
          || err.contains("Caused by")) {
        problems.add("a stack trace: " + what);
      }
    }
    assertTrue(String.join("\n\n", problems), problems.isEmpty());
    assertFalse("no answers file was written", Files.exists(dir.resolve("out/answers.jsonl")));
  }

  /**
   * Issue 9, point 7, the wording: the line names the option and the problem in the user's terms,
   * not a Java exception's name.
   */
  @Test(timeout = 90_000)
  public void jobLevelMistakesAreOneLineAUserCanRead() throws Exception {
    Path dir = tmp.newFolder("mistakes-wording").toPath();
    Map<String, List<String>> cases = mistakes(dir);
    List<String> problems = new ArrayList<>();
    Map<String, Run> runs = runMistakes(dir, cases, problems);
    for (Map.Entry<String, Run> e : runs.entrySet()) {
      String err = e.getValue().err().strip();
      String what = described(cases.get(e.getKey()), e.getValue());
      if (!err.contains(e.getKey().trim())) {
        problems.add("does not name " + e.getKey().trim() + ": " + what);
      }
      if (err.contains("Exception")) {
        problems.add("names a Java exception: " + what);
      }
    }
    assertTrue(String.join("\n\n", problems), problems.isEmpty());
  }

  /**
   * The same as the user sees it: the real main in its own JVM, the whole console one line, exit 2.
   */
  @Test(timeout = 60_000)
  public void aBadNumberFromTheCommandLineIsOneLineAndExitTwo() throws Exception {
    Path dir = tmp.newFolder("mistake-main").toPath();
    Path input = uniqueRows(dir, "y", 3);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--rpm=-5");
      Run run = runChild(dir, "main", args, Duration.ofSeconds(45));
      assertEquals(run.all(), 2, run.code());
      assertEquals(run.all(), "", run.out().strip());
      String err = run.err().strip();
      assertFalse(run.all(), err.contains("\n"));
      assertThat(err, startsWith("infer: --rpm"));
      assertThat(err, not(containsString("Exception")));
      assertEquals(0, fake.stats().received());
    }
  }

  // ------------------------------------------------- 6. never grinds

  /**
   * Issue 9, point 2: a base URL where nothing listens is recognised from the first requests; the
   * remaining rows fail at once, naming the model; the progress never counts a row twice.
   */
  @Test(timeout = 60_000)
  public void aModelThatCannotBeReachedFailsEveryRowInSeconds() throws Exception {
    int rows = 2000;
    Path dir = tmp.newFolder("unreachable").toPath();
    Path input = uniqueRows(dir, "u", rows);
    List<String> args = baseArgs(dir, input, "http://127.0.0.1:" + freePortWithNothingListening());
    args.remove("--progress=none");
    args.add("--progress=lines");
    args.add("--maxConcurrent=50");
    long start = System.nanoTime();
    Run run = runHere(args);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(run.all(), 0, run.code());
    System.out.printf(
        Locale.ROOT,
        "unreachable: %d rows failed in %.1f s, %d attempts%n",
        rows,
        seconds,
        run.summary("requests sent"));
    assertTrue("the job ended in " + seconds + " s", seconds < 20);

    assertEquals(List.of(), lines(dir.resolve("answers.jsonl")));
    Map<String, JsonNode> failures = byId(lines(dir.resolve("failures.jsonl")));
    assertEquals(rows, failures.size());
    Map<String, Integer> messages = new HashMap<>();
    for (JsonNode f : failures.values()) {
      String m = f.get("message").asText();
      if (!(m.contains("gpt-4.1-mini") && m.contains("cannot be reached"))) {
        messages.merge(m, 1, Integer::sum);
      }
    }
    assertTrue(
        "every failure names the model and says it cannot be reached; others: " + messages,
        messages.isEmpty());
    assertEquals(rows, run.summary("failed"));
    assertEquals(0, run.summary("succeeded"));
    // Given up after 20 connection failures in a row, recorded before a slot frees: at most those
    // 20 plus the 50 in flight were attempted (without giving up: 2,000 rows x 5 attempts x 2
    // stages).
    assertThat(
        "attempts: the model is given up after the first connection failures (" + rows + " rows)",
        run.summary("requests sent"),
        lessThanOrEqualTo(70L));
    assertProgressNeverExceedsTotal(run.out(), rows);
  }

  /**
   * Issue 9, point 2: a provider that rejects the key. Pointed at a fake, the job sends no key, so
   * a fake that requires one rejects every request (a wrong key cannot be sent this way: the job
   * strips keys when it points at a fake). The rows that were sent fail with the provider's 401;
   * the model is then given up and every other row fails at once, unsent, naming the model.
   */
  @Test(timeout = 60_000)
  public void aModelThatRejectsTheKeyIsGivenUpAfterTheFirstAnswers() throws Exception {
    int rows = 300;
    int maxConcurrent = 4;
    Path dir = tmp.newFolder("auth").toPath();
    Path input = uniqueRows(dir, "a", rows);
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .apiKey("sk-right")
            .latency(FakeLatency.fixed(Duration.ofMillis(20)))
            .start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--maxConcurrent=" + maxConcurrent);
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      long received = fake.stats().received();
      assertThat(
          "nothing more is sent once the key is rejected",
          received,
          lessThanOrEqualTo(2L * maxConcurrent));
      assertEquals(received, fake.stats().unauthorized());

      Map<String, JsonNode> failures = byId(lines(dir.resolve("failures.jsonl")));
      assertEquals(rows, failures.size());
      assertEquals(List.of(), lines(dir.resolve("answers.jsonl")));
      long sent = 0;
      for (JsonNode f : failures.values()) {
        assertEquals(f.toString(), "auth", f.get("error_kind").asText());
        if (f.get("attempts").asInt() > 0) {
          sent++;
          assertEquals(f.toString(), 401, f.get("status").asInt());
        } else {
          assertThat(
              f.toString(),
              f.get("message").asText(),
              containsString("model 'gpt-4.1-mini' at " + fake.baseUrl()));
          assertThat(f.toString(), f.get("message").asText(), containsString("rejects the key"));
        }
      }
      assertEquals(
          "the rows that failed with the provider's own 401 are the requests it received",
          received,
          sent);
      assertEquals(rows, run.summary("failed"));
    }
  }

  /**
   * Issue 9, point 5 says dedupe works on every runner; on the DirectRunner it also must not cost
   * the job its requests in flight.
   */
  @Test(timeout = 60_000)
  public void dedupeOnTheDirectRunnerKeepsManyRequestsInFlight() throws Exception {
    Path dir = tmp.newFolder("dedupe-concurrency").toPath();
    Path input = uniqueRows(dir, "c", 200);
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(100)))
            .recordRequests(false)
            .start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--maxConcurrent=32");
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      assertEquals(200, lines(dir.resolve("answers.jsonl")).size());
      assertThat(
          "requests in flight at the provider",
          fake.stats().maxConcurrency(),
          Matchers.greaterThanOrEqualTo(16));
    }
  }

  private static void assertProgressNeverExceedsTotal(String out, long total) {
    Matcher m = Pattern.compile("(\\d+)/(\\d+) rows").matcher(out);
    int seen = 0;
    while (m.find()) {
      seen++;
      long done = Long.parseLong(m.group(1));
      assertEquals(total, Long.parseLong(m.group(2)));
      assertThat(
          "a progress line counts more rows than there are:\n" + out,
          done,
          lessThanOrEqualTo(total));
    }
    assertTrue("progress lines were shown:\n" + out, seen > 0);
  }

  // ------------------------------------------------- 7. quiet console, agreement

  /**
   * Issue 9, point 8: on the default runner (embedded Flink) the console holds no runner log lines
   * below ERROR, and the last progress line agrees with the summary on rows, tokens and cost.
   */
  @Test(timeout = 120_000)
  public void onFlinkTheConsoleIsQuietAndTheLastProgressLineAgreesWithTheSummary()
      throws Exception {
    int rows = 300;
    Path dir = tmp.newFolder("quiet").toPath();
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      prompts.add(
          String.format(
              Locale.ROOT,
              "{\"id\":\"q%03d\",\"prompt\":\"question %d, answer at length #tokens=200\"}",
              i,
              i));
    }
    Path input = dir.resolve("prompts.jsonl");
    Files.write(input, prompts, StandardCharsets.UTF_8);
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(10)))
            .recordRequests(false)
            .start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.remove("--runner=DirectRunner");
      args.remove("--progress=none");
      args.add("--progress=lines");
      Run run = runChild(dir, "flink", args, Duration.ofSeconds(100));
      System.out.println("the Flink job's console:\n" + run.all());
      assertEquals(run.all(), 0, run.code());
      String console = run.out() + "\n" + run.err();
      for (String line : console.split("\n")) {
        assertFalse(
            "a runner log line on the console: " + line + "\n" + run.all(),
            line.contains(" WARN ") || line.contains(" INFO "));
      }
      assertEquals(run.all(), "", run.err().strip());

      String out = run.out();
      int summaryAt = out.indexOf("\nSummary");
      assertTrue(run.all(), summaryAt > 0);
      String lastProgress = null;
      for (String line : out.substring(0, summaryAt).split("\n")) {
        if (line.startsWith("[")) {
          lastProgress = line;
        }
      }
      assertNotNull("a progress line before the summary:\n" + out, lastProgress);
      assertProgressNeverExceedsTotal(out, rows);
      Matcher p =
          Pattern.compile("\\] (\\d+)/(\\d+) rows.*tok (\\d+)/(\\d+) \\$([\\d.]+)")
              .matcher(lastProgress);
      assertTrue(lastProgress, p.find());
      assertEquals(lastProgress, rows, Long.parseLong(p.group(1)));
      assertEquals(lastProgress, rows, Long.parseLong(p.group(2)));
      assertEquals(rows, run.summary("succeeded") + run.summary("failed"));
      assertEquals(
          lastProgress + "\n" + out, run.summary("input tokens"), Long.parseLong(p.group(3)));
      assertEquals(
          lastProgress + "\n" + out, run.summary("output tokens"), Long.parseLong(p.group(4)));
      double progressCost = Double.parseDouble(p.group(5));
      assertTrue(lastProgress + "\n" + out, run.summaryCost() > 0.01);
      assertEquals(
          "the cost of the last progress line is the summary's, to its 4 decimals:\n"
              + lastProgress
              + "\n"
              + out,
          run.summaryCost(),
          progressCost,
          0.00005 + 1e-9);
      // And both are what the provider saw.
      assertEquals(fake.stats().inputTokens(), run.summary("input tokens"));
      assertEquals(fake.stats().outputTokens(), run.summary("output tokens"));
      assertEquals(rows, lines(dir.resolve("answers.jsonl")).size());
    }
  }

  /**
   * Bedrock models on the embedded fake: the job sends no keys there, and the fake answers such
   * requests on every API, Bedrock's included (before, every row failed with a 403).
   */
  @Test(timeout = 60_000)
  public void bedrockModelsInRegionsAnswerOnTheEmbeddedFake() throws Exception {
    Path dir = tmp.newFolder("bedrock").toPath();
    Path input = dir.resolve("prompts.jsonl");
    Files.write(
        input,
        List.of("{\"id\":\"a\",\"prompt\":\"hi\"}", "{\"id\":\"b\",\"prompt\":\"there\"}"),
        StandardCharsets.UTF_8);
    Run run =
        runHere(
            List.of(
                "--input=" + input,
                "--fakeProvider=true",
                "--models=bedrock-claude-4.5-sonnet@eu-west-1,global.bedrock-nova-micro",
                "--progress=none",
                "--output=" + dir.resolve("answers.jsonl"),
                "--failures=" + dir.resolve("failures.jsonl"),
                "--runner=DirectRunner"));
    assertEquals(run.all(), 0, run.code());
    assertEquals(Set.of("a", "b"), byId(lines(dir.resolve("answers.jsonl"))).keySet());
  }
}

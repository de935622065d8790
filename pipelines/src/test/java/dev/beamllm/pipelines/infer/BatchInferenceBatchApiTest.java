package dev.beamllm.pipelines.infer;

import static dev.beamllm.pipelines.infer.JobRunner.baseArgs;
import static dev.beamllm.pipelines.infer.JobRunner.byId;
import static dev.beamllm.pipelines.infer.JobRunner.lines;
import static dev.beamllm.pipelines.infer.JobRunner.runChild;
import static dev.beamllm.pipelines.infer.JobRunner.runHere;
import static dev.beamllm.pipelines.infer.JobRunner.startChild;
import static dev.beamllm.pipelines.infer.JobRunner.uniqueRows;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.JobRunner.Run;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The main job with {@code --mode=batch} and {@code auto} against the fake provider's batch APIs:
 * every row answered at half the online price; a real {@code kill -9} while batches are pending,
 * then the same command, which waits for those batches instead of submitting them again; and the
 * mode's wrong flags stopping the job in one line before anything is sent.
 */
public class BatchInferenceBatchApiTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static long online(FakeProviderServer fake) {
    return fake.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith("/messages"))
        .count();
  }

  /** The request keys the checkpoint notes as in a submitted batch; none before it exists. */
  private static Set<String> notedKeys(Path db) {
    Set<String> keys = new HashSet<>();
    if (!Files.exists(db)) {
      return keys;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT key FROM batch_keys")) {
      while (r.next()) {
        keys.add(r.getString(1));
      }
    } catch (SQLException notYet) {
      // The table is created with the checkpoint's first use.
    }
    return keys;
  }

  @Test(timeout = 180_000)
  public void batchModeAnswersEveryRowAtHalfTheOnlinePrice() throws Exception {
    Path dir = tmp.newFolder("batch").toPath();
    Path input = uniqueRows(dir, "b", 300);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--models=claude-3.5-haiku", "--mode=batch", "--batchMaxRequests=100"));
      Run batch = runHere(args);
      assertEquals(batch.all(), 0, batch.code());
      assertThat(batch.out(), containsString("Mode: batch APIs, at most 100 requests a batch"));
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(300, answers.size());
      answers.values().forEach(a -> assertEquals("batch", a.path("service_tier").asText()));
      assertTrue("shards of at most 100: " + fake.batchesCreated(), fake.batchesCreated() >= 3);
      assertEquals("nothing went online", 0, online(fake));

      Path onlineDir = tmp.newFolder("online").toPath();
      List<String> onlineArgs = baseArgs(onlineDir, input, fake.baseUrl());
      onlineArgs.addAll(List.of("--models=claude-3.5-haiku", "--mode=online"));
      Run online = runHere(onlineArgs);
      assertEquals(online.all(), 0, online.code());
      assertEquals(
          "the same rows cost half by batch",
          0.5,
          batch.summaryCost() / online.summaryCost(),
          0.01);
    }
  }

  @Test(timeout = 240_000)
  public void killedWhileBatchesArePendingTheSameCommandWaitsForThemInsteadOfSubmittingAgain()
      throws Exception {
    Path dir = tmp.newFolder("kill").toPath();
    Path input = uniqueRows(dir, "p", 200);
    try (FakeProviderServer fake =
        FakeProviderServer.builder().batchCompletion(Duration.ofSeconds(20)).start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--models=claude-3.5-haiku", "--mode=batch", "--batchMaxRequests=50"));
      Path db = dir.resolve("answers.checkpoint.db");
      Process first = startChild(dir, "first", args);
      try {
        // Killed once a batch is noted in the checkpoint, while it runs at the provider.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (notedKeys(db).isEmpty()) {
          assertTrue("the first run ended before it was killed", first.isAlive());
          assertTrue("no batch noted within 90 s", System.nanoTime() < deadline);
          Thread.sleep(20);
        }
      } finally {
        first.destroyForcibly(); // SIGKILL on Linux
      }
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      assertEquals("killed by SIGKILL", 128 + 9, first.exitValue());
      long submitted = fake.batchesCreated();
      Set<String> pending = notedKeys(db);
      assertTrue("a batch was pending at the kill", pending.size() >= 1);
      assertEquals("nothing was answered online before the kill", 0, online(fake));
      fake.reset();

      Run second = runChild(dir, "second", args, Duration.ofSeconds(120));
      assertEquals(second.all(), 0, second.code());
      Set<String> resubmitted = new HashSet<>();
      for (RecordedRequest r : fake.requests()) {
        if (r.method().equals("POST") && r.path().endsWith("/messages/batches")) {
          Json.parse(r.body())
              .path("requests")
              .forEach(item -> resubmitted.add(item.path("custom_id").asText()));
        }
      }
      resubmitted.retainAll(pending);
      assertEquals(
          "no row of the "
              + pending.size()
              + " in batches pending at the kill was submitted again (the first run submitted "
              + submitted
              + " batches)",
          Set.of(),
          resubmitted);
      assertEquals("nor sent any row online", 0, online(fake));
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(200, answers.size());
      answers.values().forEach(a -> assertEquals("batch", a.path("service_tier").asText()));
      assertEquals(List.of(), lines(dir.resolve("failures.jsonl")));
    }
  }

  @Test(timeout = 120_000)
  public void autoSendsASmallJobOnline() throws Exception {
    Path dir = tmp.newFolder("auto").toPath();
    Path input = uniqueRows(dir, "a", 40);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.addAll(List.of("--models=claude-3.5-haiku", "--mode=auto", "--batchMinRows=100"));
      Run run = runHere(args);
      assertEquals(run.all(), 0, run.code());
      assertThat(run.out(), containsString("Mode: online (auto: 40 rows < --batchMinRows=100)"));
      assertEquals(0, fake.batchesCreated());
      assertEquals(40, online(fake));

      Path big = tmp.newFolder("auto-big").toPath();
      List<String> bigArgs = baseArgs(big, input, fake.baseUrl());
      bigArgs.addAll(
          List.of(
              "--models=claude-3.5-haiku", "--mode=auto", "--batchMinRows=40", "--deadline=2h"));
      Run batch = runHere(bigArgs);
      assertEquals(batch.all(), 0, batch.code());
      assertThat(batch.out(), containsString("Mode: batch APIs (auto: 40 rows)"));
      assertThat(batch.out(), containsString("goes online"));
      assertTrue(fake.batchesCreated() >= 1);
    }
  }

  @Test(timeout = 60_000)
  public void wrongModeFlagsStopTheJobInOneLineBeforeAnythingIsSent() throws Exception {
    Path dir = tmp.newFolder("flags").toPath();
    Path input = uniqueRows(dir, "f", 5);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<List<String>> wrong =
          List.of(
              List.of("--mode=fast"),
              List.of("--mode=batch", "--deadline=soon"),
              List.of("--mode=batch", "--onlineMargin=5m"),
              List.of("--mode=batch", "--deadline=1h", "--onlineMargin=2h"),
              List.of("--mode=batch", "--batchMaxRequests=0"));
      List<String> expected =
          List.of(
              "--mode: must be online, batch or auto, got 'fast'",
              "--deadline: must be a duration such as 6h, 30m or 90s, got 'soon'",
              "--onlineMargin: needs a --deadline to count back from",
              "--onlineMargin: must be shorter than --deadline (1h)",
              "--batchMaxRequests: must be at least 1, got 0");
      for (int i = 0; i < wrong.size(); i++) {
        List<String> args = baseArgs(dir, input, fake.baseUrl());
        args.add("--models=claude-3.5-haiku");
        args.addAll(wrong.get(i));
        Run run = runHere(args);
        assertEquals(run.all(), 2, run.code());
        assertThat(run.all(), run.err(), containsString(expected.get(i)));
        assertThat(run.err(), not(containsString("\tat ")));
      }
      assertEquals("nothing was sent", 0, fake.requests().size());
    }
  }
}

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
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.JobRunner.Run;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The main job with its checkpoint in Redis, as on a cluster: a real {@code kill -9} and the same
 * command again sends only the rows without an answer; an unreachable Redis or a bad URI stops the
 * job before anything is sent, in one line; the password never reaches the console.
 */
public class BatchInferenceRedisCheckpointTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /**
   * The keys in one database: the answers the job stored (the reachability probe deletes its own).
   */
  private static long stored(RedisServer redis, int database) throws IOException {
    try (Socket s = new Socket("127.0.0.1", redis.port())) {
      s.getOutputStream()
          .write(("SELECT " + database + "\r\nDBSIZE\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("+OK", in.readLine());
      return Long.parseLong(in.readLine().substring(1));
    }
  }

  @Test(timeout = 180_000)
  public void killNineThenTheSameCommandSendsOnlyTheRowsWithoutAnAnswerInRedis() throws Exception {
    int rows = 1500;
    int maxConcurrent = 16;
    Path dir = tmp.newFolder("kill").toPath();
    Path input = uniqueRows(dir, "r", rows);
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.fixed(Duration.ofMillis(40)))
                .recordRequests(false)
                .start()) {
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--maxConcurrent=" + maxConcurrent);
      args.add("--checkpoint=" + redis.uri() + "/2");

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
      long checkpointed = stored(redis, 2);
      assertTrue(
          "killed halfway: " + checkpointed + " answers in Redis of " + rows,
          checkpointed >= 400 && checkpointed < rows);
      assertTrue("Redis holds no answer the provider did not give", checkpointed <= received1);
      assertThat(
          "received but not in Redis = in flight at the kill",
          received1 - checkpointed,
          lessThanOrEqualTo((long) maxConcurrent));
      assertEquals("nothing in database 0: the URI's /2 holds", 0, stored(redis, 0));

      Run second = runChild(dir, "second", args, Duration.ofSeconds(120));
      assertEquals(second.all(), 0, second.code());
      assertEquals(
          "the second run sent exactly the rows with no answer in Redis",
          rows - checkpointed,
          fake.stats().received() - received1);
      Map<String, JsonNode> answers = byId(lines(dir.resolve("answers.jsonl")));
      assertEquals(rows, answers.size());
      assertEquals(
          "the answers from Redis are reused, each once",
          checkpointed,
          answers.values().stream().filter(a -> a.get("cache_hit").asBoolean()).count());
      assertThat(second.out(), containsString("checkpoint -> " + redis.uri() + "/2"));
    }
  }

  @Test(timeout = 90_000)
  public void aRedisThatCannotBeUsedStopsTheJobBeforeAnythingIsSent() throws Exception {
    Path dir = tmp.newFolder("mistakes").toPath();
    Path input = uniqueRows(dir, "m", 5);
    String secret = "job-s3cret";
    String gone;
    try (RedisServer stopped = RedisServer.start()) {
      gone = "127.0.0.1:" + stopped.port();
    }
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake = FakeProviderServer.builder().start()) {
      redis.command("CONFIG SET requirepass " + secret);
      Map<String, String> cases = new LinkedHashMap<>();
      cases.put("--checkpoint=redis://:" + secret + "@" + gone, "--checkpoint: cannot reach");
      cases.put("--cache=redis://:" + secret + "@" + gone + "?ttl=1d", "--cache: cannot reach");
      cases.put(
          "--checkpoint=redis://:wrong-" + secret + "@127.0.0.1:" + redis.port(),
          "--checkpoint: redis://:***@127.0.0.1:" + redis.port() + "/0 refused a write");
      cases.put("--cache=http://:" + secret + "@127.0.0.1:1", "must start with redis://");
      cases.put("--checkpoint=redis://127.0.0.1:1?ttl=soon", "ttl must be a duration");
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, String> c : cases.entrySet()) {
        List<String> args = baseArgs(dir, input, fake.baseUrl());
        args.add(c.getKey());
        Run run = runHere(args);
        String err = run.err().strip();
        String what = c.getKey() + " -> exit " + run.code() + "\n" + run.all();
        System.out.println(err);
        if (run.code() != 2) {
          problems.add("exit is not 2: " + what);
        }
        if (!err.startsWith("infer: --") || err.contains("\n") || !err.contains(c.getValue())) {
          problems.add("not one line naming the option and '" + c.getValue() + "': " + what);
        }
        if ((run.out() + run.err()).contains(secret)) {
          problems.add("the password shows: " + what);
        }
        if (err.contains("Exception") || err.contains("\tat ")) {
          problems.add("a Java exception: " + what);
        }
      }
      assertEquals("nothing was sent", 0, fake.stats().received());
      assertTrue(String.join("\n\n", problems), problems.isEmpty());
      assertFalse(Files.exists(dir.resolve("answers.jsonl")));
    }
  }

  @Test(timeout = 90_000)
  public void aPasswordProtectedCacheServesTheNextJobAndNeverShowsThePassword() throws Exception {
    Path dir = tmp.newFolder("password").toPath();
    Path input = uniqueRows(dir, "p", 20);
    String secret = "summary-s3cret";
    try (RedisServer redis = RedisServer.start();
        FakeProviderServer fake = FakeProviderServer.builder().start()) {
      redis.command("CONFIG SET requirepass " + secret);
      List<String> args = baseArgs(dir, input, fake.baseUrl());
      args.add("--cache=redis://:" + secret + "@127.0.0.1:" + redis.port() + "?ttl=1h");
      Run first = runHere(args);
      assertEquals(first.all(), 0, first.code());
      assertEquals(20, fake.stats().received());
      Run second = runHere(args);
      assertEquals(second.all(), 0, second.code());
      assertEquals("the second job is answered from Redis", 20, fake.stats().received());
      assertThat(
          second.out(),
          containsString("checkpoint -> redis://:***@127.0.0.1:" + redis.port() + "/0?ttl=1h"));
      for (Run r : List.of(first, second)) {
        assertThat(r.all(), not(containsString(secret)));
      }
      assertThat(second.err().strip(), not(startsWith("infer:")));
    }
  }
}

package dev.beamllm.pipelines.infer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.util.StringUtils;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code --dryRun=true} on a runner without a translator (the DirectRunner), and the secret search
 * every translated job goes through.
 */
public class DryRunTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static Path testdata(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p.resolve("testdata").resolve(name);
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchInference.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  public void buildsChecksAndStopsWithoutRunningOrContactingRedis() throws Exception {
    Path out = tmp.getRoot().toPath().resolve("out");
    Run r =
        run(
            "--input=" + testdata("prompts.jsonl"),
            "--fakeProviderUrl=http://127.0.0.1:9",
            "--runner=DirectRunner",
            "--dryRun=true",
            "--output=" + out.resolve("answers.jsonl"),
            "--failures=" + out.resolve("failures.jsonl"),
            // Never reached: a dry run contacts no server (.invalid never resolves).
            "--cache=redis://:dry-run-pw-123@redis.invalid:6379/0",
            "--maxCost=0.01");
    assertEquals(r.err, 0, r.code);
    // The estimate comes first, before anything could be sent.
    assertTrue(r.out, r.out.indexOf("Estimate (") < r.out.indexOf("Dry run on"));
    assertThat(r.out, containsString("input tokens; $"));
    assertThat(r.out, containsString("Spending cap: $0.01 (below the estimate's upper bound"));
    assertThat(r.out, containsString("Dry run on DirectRunner"));
    assertThat(r.out, containsString("Rows: 56"));
    assertThat(
        r.out,
        containsString(
            "Steps: ReadPrompts, LlmIO, Answer lines, Write answers, Failure lines, All failures,"
                + " Write failures"));
    assertThat(r.out, containsString("Not contacted: --cache redis://:***@redis.invalid:6379/0"));
    assertThat(r.out + r.err, not(containsString("dry-run-pw-123")));
    assertFalse("nothing ran", Files.exists(out.resolve("answers.jsonl")));
  }

  @Test
  public void badSecretReferencesStopTheJobInOneLine() {
    Run r =
        run(
            "--input=" + testdata("prompts.jsonl"),
            "--runner=DirectRunner",
            "--dryRun=true",
            "--apiKeySecrets=OPENAI_API_KEY=gcp-secret://projects/p");
    assertEquals(2, r.code);
    assertThat(r.err, containsString("--apiKeySecrets: "));
    assertEquals(r.err, 1, r.err.strip().lines().count());
  }

  @Test
  public void aJarWithoutTheDataflowRunnerSaysWhereItIs() {
    String line =
        JobSettings.describeParseError(
            new IllegalArgumentException(
                "Unknown 'runner' specified 'DataflowRunner', supported pipeline runners"
                    + " [DirectRunner, FlinkRunner]"),
            new String[] {"--runner=DataflowRunner"});
    assertThat(line, containsString("the Dataflow runner is not in this jar"));
    assertThat(
        JobSettings.describeParseError(
            new IllegalArgumentException(
                "Unknown 'runner' specified 'SparkRunner', supported pipeline runners"
                    + " [DirectRunner, FlinkRunner]"),
            new String[] {"--runner=SparkRunner"}),
        containsString("unknown runner 'SparkRunner' (known here: DirectRunner, FlinkRunner)"));
  }

  /** Something a runner serializes into a job, holding a secret as a DoFn's config would. */
  record Holder(String uri) implements Serializable {}

  @Test
  public void secretsAreFoundInsideSerializedFunctionsAndBase64() {
    String pw = "hunter2-redis-pw";
    String key = "sk-live-0123456789abcdef";
    String fn =
        StringUtils.byteArrayToJsonString(
            SerializableUtils.serializeToByteArray(new Holder("redis://:" + pw + "@h:6379")));
    String blob =
        Base64.getEncoder()
            .encodeToString(("Authorization: Bearer " + key).getBytes(StandardCharsets.UTF_8));
    String job =
        "{\"steps\":[{\"properties\":{\"serialized_fn\":\""
            + fn.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"}}],\"other\":\""
            + blob
            + "\"}";
    Map<String, List<String>> found =
        SecretScan.find(
            job,
            Map.of("the --cache password", pw, "OPENAI_API_KEY", key, "X", "abcdefgh-not-there"));
    assertThat(found.get("the --cache password"), hasItem("a serialized function"));
    assertEquals(List.of("a base64 value"), found.get("OPENAI_API_KEY"));
    assertFalse(found.containsKey("X"));
    assertTrue(SecretScan.find("{\"a\":\"" + key + "\"}", Map.of("K", key)).containsKey("K"));
  }

  @Test
  public void redisPasswordsAreReadFromUris() {
    assertEquals("s3cret", SecretScan.redisPassword("redis://:s3cret@h:6379/0"));
    assertEquals("p@ss", SecretScan.redisPassword("rediss://user:p%40ss@h:6379"));
    assertEquals("alone", SecretScan.redisPassword("redis://alone@h"));
    assertNull(SecretScan.redisPassword("redis://h:6379"));
    assertNull(SecretScan.redisPassword("not a uri"));
  }
}

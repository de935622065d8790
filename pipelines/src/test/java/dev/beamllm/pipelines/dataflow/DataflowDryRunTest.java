package dev.beamllm.pipelines.dataflow;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.BatchInference;
import dev.beamllm.prompt.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The main job's {@code --runner=DataflowRunner --dryRun=true}: the real Dataflow runner checks the
 * options and translates the job to its JSON, offline. The full run goes in a JVM of its own with
 * an API key in its environment and, where the machine allows it ({@code unshare -n}), no network
 * at all, so the test also proves Google is never contacted.
 */
public class DataflowDryRunTest {
  private static final String KEY = "sk-canary-dataflow-0123456789";
  private static final String REDIS_PW = "canary-redis-pw-42";
  private static final String LIMITS_PW = "canary-limits-pw-43";
  private static final String SECRET_REF = "gcp-secret://projects/demo-project/secrets/anthropic";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static Path testdata(String name) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p.resolve("testdata").resolve(name);
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  private List<String> jobArgs(Path dir) {
    return new ArrayList<>(
        List.of(
            "--input=" + testdata("prompts.jsonl"),
            "--models=gpt-4.1-mini,claude-3.5-haiku",
            "--runner=DataflowRunner",
            "--dryRun=true",
            "--project=demo-project",
            "--region=us-central1",
            "--tempLocation=gs://demo-bucket/tmp",
            "--output=" + dir.resolve("out/answers.jsonl"),
            "--failures=" + dir.resolve("out/failures.jsonl")));
  }

  private static boolean canIsolateNetwork() {
    try {
      Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  public void translatesOfflineWithNoKeyInTheJobAndNamesWhereRedisPasswordsAre() throws Exception {
    Path dir = tmp.getRoot().toPath();
    Path jobFile = dir.resolve("job/dataflow-job.json");
    List<String> cmd = new ArrayList<>();
    boolean isolated = canIsolateNetwork();
    if (isolated) {
      cmd.addAll(List.of("unshare", "-n"));
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(BatchInference.class.getName());
    cmd.addAll(jobArgs(dir));
    cmd.addAll(
        List.of(
            "--jobName=beamllm-dry-run",
            "--maxNumWorkers=8",
            "--numberOfWorkerHarnessThreads=4",
            "--workerMachineType=n2-standard-4",
            "--subnetwork=regions/us-central1/subnetworks/dataflow",
            "--usePublicIps=false",
            "--experiments=shuffle_mode=service",
            "--dataflowJobFile=" + jobFile,
            "--apiKeySecrets=ANTHROPIC_API_KEY=" + SECRET_REF,
            "--cache=redis://:" + REDIS_PW + "@memorystore.invalid:6379/0?ttl=7d",
            "--sharedLimits=redis://:" + LIMITS_PW + "@memorystore.invalid:6379/1"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("OPENAI_API_KEY", KEY);
    pb.environment().remove("ANTHROPIC_API_KEY");
    Process p = pb.start();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue("finished", p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(out, 0, p.exitValue());

    assertThat(out, containsString("Dry run on DataflowRunner"));
    assertThat(out, containsString("Dataflow job: beamllm-dry-run in project demo-project"));
    assertThat(
        out,
        containsString(
            "Workers: n2-standard-4, at most 8 workers, 4 harness threads each, network"
                + " regions/us-central1/subnetworks/dataflow, no public IPs"));
    assertThat(out, containsString("would be uploaded to gs://demo-bucket/tmp/staging/"));
    assertThat(out, containsString("Secrets: not in the translated job"));
    assertThat(out, containsString("OPENAI_API_KEY"));
    assertThat(
        out,
        containsString(
            "the workers read OPENAI_API_KEY from their environment (on Dataflow: a custom"
                + " container's; or give --apiKeySecrets), ANTHROPIC_API_KEY from Secret Manager ("
                + SECRET_REF
                + ")"));
    // Known and documented: the Redis passwords travel inside the serialized transform.
    assertThat(
        out,
        containsString("the --cache password IS in the translated job, in a serialized function"));
    assertThat(out, containsString("Not contacted: --cache redis://:***@memorystore.invalid"));
    assertThat(out, not(containsString(KEY)));
    assertThat(out, not(containsString(REDIS_PW)));
    assertFalse(Files.exists(dir.resolve("out/answers.jsonl")));

    String json = Files.readString(jobFile);
    JsonNode job = Json.parse(json);
    assertThat(job.path("steps").size(), greaterThan(10));
    assertEquals("beamllm-dry-run", job.path("name").asText());
    JsonNode options = job.path("environment").path("sdkPipelineOptions").path("options");
    assertEquals("demo-project", options.path("project").asText());
    assertEquals(8, options.path("maxNumWorkers").asInt());
    // The key in the launcher's environment is nowhere in the job (the dry run's search, above,
    // also looked inside its encodings). The Redis URIs are not among its options; their passwords
    // are inside the serialized transforms (often legible there, Snappy leaves short strings as
    // they are), which is what the output reports.
    assertThat(json, not(containsString(KEY)));
    assertFalse(options.toString().contains(REDIS_PW) || options.toString().contains(LIMITS_PW));
    assertFalse(options.has("cache"));
    assertFalse(options.has("sharedLimits"));
    assertFalse(options.has("checkpoint"));
    assertThat(
        "the reference travels, not the key",
        options.path("apiKeySecrets").asText(),
        containsString(SECRET_REF));
    if (!isolated) {
      System.err.println("DataflowDryRunTest: unshare -n is not available; ran with the network");
    }
  }

  private String failure(String... extra) {
    List<String> args = jobArgs(tmp.getRoot().toPath());
    args.add("--fakeProviderUrl=http://127.0.0.1:9");
    // Each case replaces one of the defaults (Beam refuses a flag given twice).
    for (String e : extra) {
      String name = e.substring(0, e.indexOf('=') + 1);
      args.removeIf(a -> a.startsWith(name));
      args.add(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchInference.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(e + out, 2, code);
    assertEquals(e, 1, e.lines().count());
    return e;
  }

  @Test
  public void wrongFlagsStopInOneLineNamingThem() {
    assertThat(
        failure("--region="), containsString("--region: required with --runner=DataflowRunner"));
    assertThat(
        failure("--tempLocation=/tmp/local"),
        containsString(
            "--tempLocation: required with --runner=DataflowRunner, a Cloud Storage path"));
    assertThat(
        failure("--project=Demo_Project"), containsString("Project ID 'Demo_Project' invalid"));
    assertThat(
        failure("--numberOfWorkerHarnessThreads=-1"),
        containsString("Number of worker harness threads '-1' invalid"));
  }
}

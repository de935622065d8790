package dev.beamllm.pipelines.cluster;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the cluster's integration tests share: the shaded jar and the project root Failsafe names,
 * the main job submitted as a process of its own, its output read back, and the REST look-ups that
 * say where the job's calls ran.
 */
final class ClusterJobs {
  static final ObjectMapper JSON = new ObjectMapper();

  private ClusterJobs() {}

  /** The shaded jar that {@code package} builds; the cluster's members and the jobs run it. */
  static Path jar() {
    Path jar = Path.of(System.getProperty("shadedJar", "target/beam-llm-io-pipelines.jar"));
    assertTrue(
        "the shaded jar " + jar + " is built by mvn package; run this test with mvn verify",
        Files.isRegularFile(jar));
    return jar;
  }

  /** The project's root folder, where the jobs run. */
  static Path root() {
    return Path.of(System.getProperty("projectRoot", "..")).toAbsolutePath().normalize();
  }

  /** An empty folder under {@code target/} for one test's files. */
  static Path workDir(String name) throws IOException {
    Path work = Path.of("target", name).toAbsolutePath();
    deleteTree(work);
    Files.createDirectories(work);
    return work;
  }

  /**
   * Starts the main job ({@code BatchInference}) in a JVM of its own, run from {@code dir} with
   * run.sh's JVM flags, its console going to {@code log}.
   */
  static Process startJob(Path jar, Path dir, Path log, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ClusterConfig.JVM_FLAGS);
    command.add("-cp");
    command.add(jar.toString());
    command.add("dev.beamllm.pipelines.infer.BatchInference");
    command.addAll(args);
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Waits for the job to end; one that does not within {@code timeout} is killed and fails the test
   * with the end of its console.
   */
  static int awaitJob(Process job, Duration timeout, Path log) throws Exception {
    if (!job.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      job.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the job did not end within " + timeout + ":\n" + tail(log));
    }
    return job.exitValue();
  }

  /** How many times each id is in an answers (or failures) file. */
  static Map<String, Integer> idCounts(Path file) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        counts.merge(JSON.readTree(line).path("id").asText(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** One JSON line, parsed; a line that does not parse fails the test. */
  static JsonNode readJson(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  /** The ids of the rows of a JSONL prompts file. */
  static Set<String> inputIds(Path prompts) throws IOException {
    Set<String> ids = new HashSet<>();
    for (String line : Files.readAllLines(prompts)) {
      if (!line.isBlank()) {
        ids.add(JSON.readTree(line).path("id").asText());
      }
    }
    return ids;
  }

  /** The id of the one job the cluster knows of, when there is one. */
  static Optional<JsonNode> onlyJob(int restPort) {
    JsonNode overview = FlinkSessionCluster.rest(restPort, "/jobs/overview");
    if (overview == null || overview.path("jobs").size() != 1) {
      return Optional.empty();
    }
    return Optional.of(overview.path("jobs").get(0));
  }

  /**
   * The TaskManagers ({@code taskmanager-N}) that ran or run the subtasks of the operator that
   * sends the requests, each with the state of its subtasks there ({@code RUNNING}, {@code
   * FINISHED}...); empty while that operator is not deployed.
   */
  static Map<String, String> callTaskManagers(int restPort, String jobId) {
    JsonNode job = FlinkSessionCluster.rest(restPort, "/jobs/" + jobId);
    if (job == null) {
      return Map.of();
    }
    for (JsonNode v : job.path("vertices")) {
      // The chain that ends in the call stage (Beam's stage names are in Flink's vertex names).
      if (v.path("name").asText().contains("FlatMap at LlmIO/Call)")) {
        Map<String, String> ids = new TreeMap<>();
        JsonNode tms =
            FlinkSessionCluster.rest(
                restPort,
                "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers");
        if (tms != null) {
          for (JsonNode t : tms.path("taskmanagers")) {
            ids.put(t.path("taskmanager-id").asText(), t.path("status").asText());
          }
        }
        return ids;
      }
    }
    return Map.of();
  }

  /** The last 30 lines of a log, for a failure's message. */
  static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}

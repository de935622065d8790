package dev.beamllm.pipelines.cluster;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The main job on a real Flink session cluster: a JobManager and two TaskManagers started from the
 * shaded jar as JVMs of their own, the job submitted to it from another JVM with {@code
 * --runner=FlinkRunner --flinkMaster=localhost:PORT}, exactly as {@code ./run.sh flink-cluster
 * start} and {@code ./run.sh infer} do. Run by Failsafe after {@code package}, which builds the
 * jar.
 */
public class FlinkSessionClusterIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

  private Path jar;
  private Path root;
  private Path work;
  private FlinkSessionCluster cluster;

  @Before
  public void setUp() throws IOException {
    jar = ClusterJobs.jar();
    root = ClusterJobs.root();
    work = ClusterJobs.workDir("flink-cluster-it");
    cluster =
        FlinkSessionCluster.in(work.resolve("cluster"))
            .withClasspath(jar.toString())
            .withStartTimeout(Duration.ofMinutes(3));
  }

  @After
  public void stopCluster() throws IOException {
    // Whatever failed above, no cluster JVM outlives the test.
    cluster.stop();
  }

  @Test
  public void theMainJobRunsOnTwoTaskManagerJvmsAndAnswersEveryRowOnce() throws Exception {
    FlinkSessionCluster.Status started = cluster.start();

    long self = ProcessHandle.current().pid();
    List<Long> tms = started.taskManagerPids();
    assertThat(tms, hasSize(2));
    Set<Long> pids = new HashSet<>(tms);
    pids.add(started.jobManagerPid());
    pids.add(self);
    assertEquals("JobManager, 2 TaskManagers and this JVM are 4 processes", 4, pids.size());
    for (long pid : pids) {
      assertTrue(
          "process " + pid + " runs",
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
    assertThat(started.registered(), hasSize(2));
    assertEquals(4, started.slots());
    IllegalStateException twice = assertThrows(IllegalStateException.class, cluster::start);
    assertThat(twice.getMessage(), containsString("already running at " + started.flinkMaster()));

    // The job runs from the project root with the input given relative to it; the TaskManagers run
    // in this module's folder, so they find the files only through the paths the job made absolute.
    Path out = work.resolve("out");
    Path log = work.resolve("job.log");
    Process job =
        ClusterJobs.startJob(
            jar,
            root,
            log,
            List.of(
                "--input=testdata/prompts.jsonl",
                "--fakeProvider=true",
                "--runner=FlinkRunner",
                "--flinkMaster=" + started.flinkMaster(),
                "--output=" + out.resolve("answers.jsonl"),
                "--failures=" + out.resolve("failures.jsonl"),
                "--progress=lines"));
    assertEquals(
        "the job's exit status; its output:\n" + ClusterJobs.tail(log),
        0,
        ClusterJobs.awaitJob(job, JOB_TIMEOUT, log));
    assertThat(Files.readString(log), containsString("(parallelism 4)"));

    Map<String, Integer> answered = ClusterJobs.idCounts(out.resolve("answers.jsonl"));
    Set<String> asked = ClusterJobs.inputIds(root.resolve("testdata/prompts.jsonl"));
    assertEquals("every row answered", asked, answered.keySet());
    assertEquals(
        "no row answered twice",
        Map.of(),
        answered.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertThat(Files.readAllLines(out.resolve("failures.jsonl")), empty());

    // The job ran on the cluster, and the calls on both TaskManagers.
    JsonNode jobs = FlinkSessionCluster.rest(started.restPort(), "/jobs/overview").path("jobs");
    assertEquals(1, jobs.size());
    assertEquals("FINISHED", jobs.get(0).path("state").asText());
    assertEquals(
        Set.of("taskmanager-1", "taskmanager-2"),
        ClusterJobs.callTaskManagers(started.restPort(), jobs.get(0).path("jid").asText())
            .keySet());

    assertTrue("stop finds the cluster running", cluster.stop());
    for (long pid : pids) {
      if (pid != self) {
        assertFalse(
            "process " + pid + " is gone",
            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      }
    }
    assertTrue(cluster.status().isEmpty());
    assertFalse("a second stop finds nothing to stop", cluster.stop());
    assertThat(
        Files.list(cluster.dir()).map(p -> p.getFileName().toString()).toList(),
        not(org.hamcrest.Matchers.hasItem(ClusterState.FILE)));
  }
}

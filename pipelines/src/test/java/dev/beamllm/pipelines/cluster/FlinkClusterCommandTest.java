package dev.beamllm.pipelines.cluster;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The command without a cluster: arguments, a folder where none runs, a stale state whose pid now
 * belongs to another process (never killed), and the generated configuration. The cluster itself is
 * {@link FlinkSessionClusterIT}'s.
 */
public class FlinkClusterCommandTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return FlinkClusterCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  public void badArgumentsExitTwoWithOneLineAndTheUsage() {
    assertEquals(2, run());
    assertThat(err.toString(), containsString("flink-cluster: say start, stop or status"));
    assertEquals(2, run("status", "--slots", "two"));
    assertThat(err.toString(), containsString("--slots: not a whole number: 'two'"));
    assertEquals(2, run("start", "--task-managers=0"));
    assertThat(err.toString(), containsString("taskManagers: must be at least 1, got 0"));
    assertEquals(2, run("start", "--taskmanager-memory", "lots"));
    assertThat(err.toString(), containsString("taskManagerMemory: not a memory size"));
    assertEquals(2, run("start", "--port", "1"));
    assertThat(err.toString(), containsString("unknown option '--port'"));
    assertEquals(2, run("restart"));
    assertThat(err.toString(), containsString("unknown action 'restart'"));
    assertEquals(0, run("--help"));
    assertThat(out.toString(), containsString("usage: ./run.sh flink-cluster start|stop|status"));
  }

  @Test
  public void statusAndStopSayNothingRuns() {
    String dir = tmp.getRoot().toPath().resolve("none").toString();
    assertEquals(3, run("status", "--dir", dir));
    assertThat(out.toString(), containsString("No Flink session cluster is running"));
    assertEquals(0, run("stop", "--dir", dir));
    assertThat(out.toString(), containsString("No Flink session cluster is running"));
  }

  @Test
  public void memoryFlinkCannotLayOutFailsInOneLineBeforeAnyJvmStarts() throws IOException {
    Path dir = tmp.newFolder("small").toPath();
    assertEquals(1, run("start", "--dir", dir.toString(), "--taskmanager-memory", "300m"));
    assertThat(
        err.toString(), containsString("flink-cluster: memory (JobManager 768m, TaskManager"));
    assertThat(err.toString(), containsString("does not fit Flink's layout"));
    assertEquals("one line", 1, err.toString().strip().lines().count());
    assertFalse(Files.exists(dir.resolve(ClusterState.FILE)));
  }

  @Test
  public void aStalePidNowUsedByAnotherProcessIsNeitherRunningNorKilled() throws IOException {
    Path dir = tmp.newFolder("stale").toPath();
    long mine = ProcessHandle.current().pid();
    // The state a cluster left before its JVMs died, whose pids the OS then gave to this JVM.
    new ClusterState(
            12345,
            List.of(
                new ClusterState.Member("jobmanager", mine),
                new ClusterState.Member("taskmanager-1", mine)))
        .write(dir);

    assertEquals(3, run("status", "--dir", dir.toString()));
    assertThat(out.toString(), containsString("No Flink session cluster is running"));
    assertEquals(0, run("stop", "--dir", dir.toString()));
    assertThat(out.toString(), containsString("No Flink session cluster is running"));
    assertTrue("this JVM was not killed", ProcessHandle.current().isAlive());
    assertFalse("the stale state is gone", Files.exists(dir.resolve(ClusterState.FILE)));
  }

  @Test
  public void aDeadTaskManagerIsNoticedInSecondsAndTheJobRestarted() throws IOException {
    ClusterConfig c = new ClusterConfig(tmp.getRoot().toPath(), 40001, 40002, 2, 2, "768m", "1g");
    c.write();
    // As the members read it: Flink's own parsing of the written file.
    Configuration conf = c.load();
    assertEquals("fixed-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(6, (int) conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS));
    assertEquals(
        Duration.ofSeconds(2), conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY));
    assertEquals(8000L, (long) conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT));
    assertTrue(
        "heartbeats come several times within the timeout",
        conf.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL) * 3
            <= conf.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT));
  }

  @Test
  public void theConfigurationBindsLoopbackAndFixesNoPortButTheTwoChosen() throws IOException {
    ClusterConfig c = new ClusterConfig(tmp.getRoot().toPath(), 40001, 40002, 2, 2, "768m", "1g");
    Map<String, String> s = c.settings();
    assertEquals("40001", s.get("rest.port"));
    assertEquals("40002", s.get("jobmanager.rpc.port"));
    for (String port :
        List.of("blob.server.port", "taskmanager.rpc.port", "taskmanager.data.port")) {
      assertEquals(port + " is left to the OS", "0", s.get(port));
    }
    for (String host :
        List.of(
            "jobmanager.rpc.address",
            "jobmanager.bind-host",
            "rest.address",
            "rest.bind-address",
            "taskmanager.host",
            "taskmanager.bind-host")) {
      assertEquals(host, "127.0.0.1", s.get(host));
    }
    assertEquals("4", s.get("parallelism.default"));

    c.write();
    // Flink reads back what was written, and sizes the JVMs from it.
    var conf = c.load();
    assertEquals("40001", conf.toMap().get("rest.port"));
    List<String> tm = c.taskManagerCommand("java", "our.jar", conf, 2);
    assertThat(String.join(" ", tm), containsString("-Xmx"));
    assertThat(String.join(" ", tm), containsString("-XX:MaxDirectMemorySize="));
    assertThat(String.join(" ", tm), containsString("--add-opens=java.base/java.lang=ALL-UNNAMED"));
    assertThat(String.join(" ", tm), containsString("taskmanager.resource-id=taskmanager-2"));
    assertThat(
        String.join(" ", tm),
        containsString(ClusterConfig.TASK_MANAGER_CLASS + " --configDir " + c.configDir()));
    List<String> jm = c.jobManagerCommand("java", "our.jar", conf);
    assertThat(
        String.join(" ", jm),
        containsString(ClusterConfig.JOB_MANAGER_CLASS + " --configDir " + c.configDir()));
  }
}

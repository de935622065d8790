package dev.beamllm.pipelines.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code ./run.sh flink-cluster start|stop|status}: a Flink session cluster on loopback, its
 * JobManager and TaskManagers as JVMs of their own run from the jar this command runs from. Exit
 * status: 0 done (also for a start that finds the cluster already running and a stop that finds
 * none running, both said on the console), 1 failed (one line saying why, with the log to read), 2
 * bad arguments, and for {@code status} 3 when no cluster runs.
 */
public final class FlinkClusterCommand {
  static final String USAGE =
      "usage: ./run.sh flink-cluster start|stop|status [--dir DIR] [--task-managers N] [--slots N]\n"
          + "                                [--jobmanager-memory M] [--taskmanager-memory M] [--timeout S]\n"
          + "  start    a JobManager and TaskManagers on 127.0.0.1 (free ports), each its own JVM;\n"
          + "           returns once every TaskManager registered and prints the --flinkMaster to use\n"
          + "  stop     stops them by process id (TERM, then KILL after 15 s)\n"
          + "  status   the address, the processes and the registered TaskManagers (exit 3: not running)\n"
          + "  --dir DIR               config, process ids, logs (default out/flink-cluster)\n"
          + "  --task-managers N       TaskManager JVMs (default 2)\n"
          + "  --slots N               task slots per TaskManager (default 2)\n"
          + "  --jobmanager-memory M   JobManager process size (default 768m)\n"
          + "  --taskmanager-memory M  each TaskManager's process size (default 1g)\n"
          + "  --timeout S             seconds start waits for the TaskManagers (default 120)";

  private FlinkClusterCommand() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String action = null;
    Path dir = Path.of("out", "flink-cluster");
    int taskManagers = 2;
    int slots = 2;
    String jmMemory = "768m";
    String tmMemory = "1g";
    int timeout = 120;
    FlinkSessionCluster cluster;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("-")) {
          if (action != null) {
            throw new IllegalArgumentException("one of start, stop, status, not '" + a + "' too");
          }
          action = a;
          continue;
        }
        if (a.equals("--help") || a.equals("-h")) {
          out.println(USAGE);
          return 0;
        }
        String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        String value;
        if (a.contains("=")) {
          value = a.substring(a.indexOf('=') + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        switch (flag) {
          case "--dir" -> dir = Path.of(value);
          case "--task-managers" -> taskManagers = number(flag, value);
          case "--slots" -> slots = number(flag, value);
          case "--jobmanager-memory" -> jmMemory = value;
          case "--taskmanager-memory" -> tmMemory = value;
          case "--timeout" -> timeout = number(flag, value);
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      if (action == null) {
        throw new IllegalArgumentException("say start, stop or status");
      }
      cluster =
          FlinkSessionCluster.in(dir)
              .withTaskManagers(taskManagers)
              .withSlotsPerTaskManager(slots)
              .withMemory(jmMemory, tmMemory)
              .withStartTimeout(Duration.ofSeconds(timeout));
    } catch (IllegalArgumentException e) {
      err.println("flink-cluster: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      switch (action) {
        case "start":
          return start(cluster, out);
        case "stop":
          return stop(cluster, out);
        case "status":
          return status(cluster, out);
        default:
          err.println("flink-cluster: unknown action '" + action + "'");
          err.println(USAGE);
          return 2;
      }
    } catch (RuntimeException | IOException e) {
      // One line, as every command here; the members' logs hold Flink's own detail.
      err.println(
          "flink-cluster: "
              + (e instanceof IllegalStateException ? "" : e.getClass().getSimpleName() + ": ")
              + e.getMessage());
      return 1;
    }
  }

  private static int start(FlinkSessionCluster cluster, PrintStream out) throws IOException {
    Optional<FlinkSessionCluster.Status> running = cluster.status();
    if (running.isPresent()) {
      out.println("Already running (" + cluster.dir() + "):");
      out.print(running.get().describe());
      out.println("Submit with: --runner=FlinkRunner --flinkMaster=" + running.get().flinkMaster());
      return 0;
    }
    out.println("Starting a Flink session cluster in " + cluster.dir() + " ...");
    out.flush();
    long t0 = System.nanoTime();
    FlinkSessionCluster.Status s = cluster.start();
    out.printf("Started in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
    out.print(s.describe());
    out.println("Submit with: --runner=FlinkRunner --flinkMaster=" + s.flinkMaster());
    out.println(
        "e.g. ./run.sh infer --input=testdata/prompts.jsonl --fakeProvider=true "
            + "--runner=FlinkRunner --flinkMaster="
            + s.flinkMaster());
    out.println("Stop with: ./run.sh flink-cluster stop");
    return 0;
  }

  private static int stop(FlinkSessionCluster cluster, PrintStream out) throws IOException {
    Optional<FlinkSessionCluster.Status> running = cluster.status();
    if (!cluster.stop()) {
      out.println("No Flink session cluster is running (" + cluster.dir() + ").");
      return 0;
    }
    out.println(
        "Stopped the Flink session cluster"
            + running.map(s -> " at " + s.flinkMaster()).orElse("")
            + " ("
            + cluster.dir()
            + ").");
    return 0;
  }

  private static int status(FlinkSessionCluster cluster, PrintStream out) throws IOException {
    Optional<FlinkSessionCluster.Status> running = cluster.status();
    if (running.isEmpty()) {
      out.println("No Flink session cluster is running (" + cluster.dir() + ").");
      return 3;
    }
    out.print(running.get().describe());
    out.println("Submit with: --runner=FlinkRunner --flinkMaster=" + running.get().flinkMaster());
    return 0;
  }

  private static int number(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a whole number: '" + value + "'");
    }
  }
}

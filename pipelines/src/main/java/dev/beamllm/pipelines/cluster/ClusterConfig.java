package dev.beamllm.pipelines.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * The generated Flink configuration of a loopback session cluster and the command lines of its
 * JVMs. Flink 1.19 (the runtime in our jar) reads {@code config.yaml} from the folder given with
 * {@code --configDir}. The JVM memory flags and dynamic properties are computed by Flink's own
 * code, as its {@code jobmanager.sh} and {@code taskmanager.sh} do through {@code BashJavaUtils},
 * so the heap, direct and metaspace limits match what Flink expects of the process sizes.
 */
final class ClusterConfig {
  static final String JOB_MANAGER_CLASS =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASK_MANAGER_CLASS =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String HOST = "127.0.0.1";

  /**
   * The flags run.sh gives every job: the --add-opens are those Flink's own scripts give Java 17,
   * without which a task's error cannot be serialized back to the JobManager; out of memory ends
   * the process at once rather than leaving a half-dead member registered.
   */
  static final List<String> JVM_FLAGS =
      List.of(
          "-Djava.awt.headless=true",
          "-XX:+ExitOnOutOfMemoryError",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED");

  final Path dir;
  final int restPort;
  final int rpcPort;
  final int taskManagers;
  final int slotsPerTaskManager;
  final String jobManagerMemory;
  final String taskManagerMemory;

  ClusterConfig(
      Path dir,
      int restPort,
      int rpcPort,
      int taskManagers,
      int slotsPerTaskManager,
      String jobManagerMemory,
      String taskManagerMemory) {
    this.dir = dir.toAbsolutePath().normalize();
    this.restPort = restPort;
    this.rpcPort = rpcPort;
    this.taskManagers = taskManagers;
    this.slotsPerTaskManager = slotsPerTaskManager;
    this.jobManagerMemory = jobManagerMemory;
    this.taskManagerMemory = taskManagerMemory;
  }

  Path configDir() {
    return dir.resolve("conf");
  }

  Path logDir() {
    return dir.resolve("log");
  }

  Path tmpDir() {
    return dir.resolve("tmp");
  }

  /**
   * The settings: everything bound to loopback, the two ports the members must agree on chosen free
   * by the caller, every other port (blob server, TaskManager RPC and data, metrics) left at 0 so
   * the OS picks a free one, the job's blobs (our 150 MB jar once per job) under the state folder
   * rather than the shared /tmp.
   */
  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("jobmanager.rpc.address", HOST);
    s.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    s.put("jobmanager.bind-host", HOST);
    s.put("jobmanager.memory.process.size", jobManagerMemory);
    s.put("rest.address", HOST);
    s.put("rest.bind-address", HOST);
    s.put("rest.port", Integer.toString(restPort));
    s.put("blob.server.port", "0");
    s.put("taskmanager.host", HOST);
    s.put("taskmanager.bind-host", HOST);
    s.put("taskmanager.rpc.port", "0");
    s.put("taskmanager.data.port", "0");
    s.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
    s.put("taskmanager.memory.process.size", taskManagerMemory);
    // Our jobs sort little (Beam's batch GroupByKey) and need task heap for the client: the default
    // 40% managed memory would leave a 1 GB TaskManager about 30 MB of task heap.
    s.put("taskmanager.memory.managed.fraction", "0.1");
    // Beam's batch translation exchanges data between some forty operators, each channel holding
    // its own buffers: 64 MB of 32 KB buffers (the default for 1 GB) is too few at parallelism 4
    // ("Insufficient number of network buffers"). Smaller buffers, a little more memory, and less
    // JVM overhead reserve to pay for it.
    s.put("taskmanager.memory.segment-size", "16kb");
    s.put("taskmanager.memory.network.min", "96m");
    s.put("taskmanager.memory.network.max", "96m");
    s.put("taskmanager.memory.jvm-overhead.min", "128m");
    // A job that names no parallelism fills the cluster, and its tasks spread over every
    // TaskManager instead of filling the first one's slots.
    s.put("parallelism.default", Integer.toString(taskManagers * slotsPerTaskManager));
    s.put("cluster.evenly-spread-out-slots", "true");
    // A TaskManager that dies (killed, out of memory, its machine gone) must cost a restart, not
    // the job: without checkpointing, which batch jobs do not use, Flink's default is no restart.
    // The rows answered before are in the job's checkpoint (--checkpoint=redis://...), so the
    // restart pays only for the rows that were in flight. Several attempts, because a restart
    // that comes before the JobManager gave up the dead TaskManager fails again deploying to it.
    s.put("restart-strategy.type", "fixed-delay");
    s.put("restart-strategy.fixed-delay.attempts", "6");
    s.put("restart-strategy.fixed-delay.delay", "2 s");
    // A killed TaskManager says nothing: the JobManager notices when its heartbeats stop. Flink's
    // 50 s default keeps a job waiting for a dead member for most of a minute; on loopback a
    // heartbeat every 2 s, given up after 8 s missing, cannot be missed by a live one.
    s.put("heartbeat.interval", "2000");
    s.put("heartbeat.timeout", "8000");
    s.put("io.tmp.dirs", tmpDir().toString());
    s.put("blob.storage.directory", tmpDir().resolve("blobs").toString());
    s.put("web.tmpdir", tmpDir().resolve("web").toString());
    return s;
  }

  /** Writes {@code conf/config.yaml}, one flat key a line, values quoted as YAML strings. */
  void write() throws IOException {
    Files.createDirectories(configDir());
    Files.createDirectories(logDir());
    Files.createDirectories(tmpDir());
    StringBuilder yaml =
        new StringBuilder(
            "# Generated by ./run.sh flink-cluster start (FlinkSessionCluster) at every start.\n");
    settings()
        .forEach((k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
    Files.writeString(configDir().resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
  }

  /** The written configuration as the members will read it. */
  Configuration load() {
    return GlobalConfiguration.loadConfiguration(configDir().toString());
  }

  /** The JobManager's command line. */
  List<String> jobManagerCommand(String java, String classpath, Configuration conf) {
    JobManagerProcessSpec spec =
        JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
            conf, JobManagerOptions.JVM_HEAP_MEMORY);
    return command(
        java,
        classpath,
        "jobmanager",
        words(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)),
        JOB_MANAGER_CLASS,
        words(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
  }

  /** The command line of TaskManager {@code index} (from 1). */
  List<String> taskManagerCommand(String java, String classpath, Configuration conf, int index) {
    TaskExecutorProcessSpec spec =
        TaskExecutorProcessUtils.processSpecFromConfig(
            TaskExecutorProcessUtils.getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                conf, TaskManagerOptions.TOTAL_FLINK_MEMORY));
    List<String> dynamic = words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
    // A readable id in the REST API and the logs instead of host:port-random.
    dynamic.add("-D");
    dynamic.add("taskmanager.resource-id=taskmanager-" + index);
    return command(
        java,
        classpath,
        "taskmanager-" + index,
        words(ProcessMemoryUtils.generateJvmParametersStr(spec)),
        TASK_MANAGER_CLASS,
        dynamic);
  }

  Path log(String member) {
    return logDir().resolve(member + ".log");
  }

  private List<String> command(
      String java,
      String classpath,
      String member,
      List<String> memoryFlags,
      String mainClass,
      List<String> dynamic) {
    List<String> c = new ArrayList<>();
    c.add(java);
    c.addAll(memoryFlags);
    c.addAll(JVM_FLAGS);
    // The jar's simplelogger.properties keeps a job's console to errors; a member's log file is
    // read when something went wrong, so it gets Flink's INFO lines.
    c.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    c.add("-Dlog.file=" + log(member));
    c.add("-cp");
    c.add(classpath);
    c.add(mainClass);
    c.add("--configDir");
    c.add(configDir().toString());
    c.addAll(dynamic);
    return c;
  }

  private static List<String> words(String s) {
    List<String> w = new ArrayList<>();
    for (String part : s.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        w.add(part);
      }
    }
    return w;
  }
}

package dev.beamllm.pipelines.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beamllm.pipelines.cluster.ClusterState.Member;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.MemorySize;

/**
 * A Flink session cluster on loopback, started from our own jar: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), each a JVM of
 * its own, with a configuration generated into a state folder. Jobs reach it with {@code
 * --runner=FlinkRunner --flinkMaster=localhost:PORT}.
 *
 * <p>The folder holds {@code conf/config.yaml}, {@code log/<member>.log}, {@code lib/} (the copy of
 * the jar the members run), {@code tmp/} (the jobs' blobs) and {@code cluster.properties} (the REST
 * port and the members' process ids), so that {@link #stop()} and {@link #status()} work from any
 * JVM, and stop the members by process id. Every port is free when chosen: two clusters, or a
 * cluster and a test, never collide on a fixed port.
 *
 * <pre>{@code
 * FlinkSessionCluster cluster = FlinkSessionCluster.in(Path.of("out/flink-cluster"));
 * FlinkSessionCluster.Status s = cluster.start();   // returns once every TaskManager registered
 * ... --flinkMaster=s.flinkMaster() ...
 * cluster.stop();
 * }</pre>
 */
public final class FlinkSessionCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Path dir;
  private final String classpath;
  private final int taskManagers;
  private final int slotsPerTaskManager;
  private final String jobManagerMemory;
  private final String taskManagerMemory;
  private final Duration startTimeout;
  private final Duration stopTimeout;

  private FlinkSessionCluster(
      Path dir,
      String classpath,
      int taskManagers,
      int slotsPerTaskManager,
      String jobManagerMemory,
      String taskManagerMemory,
      Duration startTimeout,
      Duration stopTimeout) {
    this.dir = dir.toAbsolutePath().normalize();
    this.classpath = classpath;
    this.taskManagers = taskManagers;
    this.slotsPerTaskManager = slotsPerTaskManager;
    this.jobManagerMemory = jobManagerMemory;
    this.taskManagerMemory = taskManagerMemory;
    this.startTimeout = startTimeout;
    this.stopTimeout = stopTimeout;
  }

  /**
   * The cluster whose state lives in {@code dir}: 2 TaskManagers of 2 slots, a 768 MB JobManager
   * and 1 GB TaskManagers, run from this JVM's classpath (the shaded jar under run.sh).
   */
  public static FlinkSessionCluster in(Path dir) {
    return new FlinkSessionCluster(
        dir,
        System.getProperty("java.class.path"),
        2,
        2,
        "768m",
        "1g",
        Duration.ofSeconds(120),
        Duration.ofSeconds(15));
  }

  /** Runs the members from this classpath, e.g. the shaded jar, which holds Flink's runtime. */
  public FlinkSessionCluster withClasspath(String classpath) {
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalArgumentException("classpath: must name the jar with Flink's runtime");
    }
    return new FlinkSessionCluster(
        dir,
        classpath,
        taskManagers,
        slotsPerTaskManager,
        jobManagerMemory,
        taskManagerMemory,
        startTimeout,
        stopTimeout);
  }

  /** How many TaskManager JVMs to start. */
  public FlinkSessionCluster withTaskManagers(int count) {
    atLeastOne("taskManagers", count);
    return new FlinkSessionCluster(
        dir,
        classpath,
        count,
        slotsPerTaskManager,
        jobManagerMemory,
        taskManagerMemory,
        startTimeout,
        stopTimeout);
  }

  /** Task slots per TaskManager. */
  public FlinkSessionCluster withSlotsPerTaskManager(int slots) {
    atLeastOne("slotsPerTaskManager", slots);
    return new FlinkSessionCluster(
        dir,
        classpath,
        taskManagers,
        slots,
        jobManagerMemory,
        taskManagerMemory,
        startTimeout,
        stopTimeout);
  }

  /**
   * The process sizes of the JobManager and of each TaskManager, as Flink writes them ({@code
   * 768m}, {@code 1g}).
   */
  public FlinkSessionCluster withMemory(String jobManager, String taskManager) {
    memorySize("jobManagerMemory", jobManager);
    memorySize("taskManagerMemory", taskManager);
    return new FlinkSessionCluster(
        dir,
        classpath,
        taskManagers,
        slotsPerTaskManager,
        jobManager,
        taskManager,
        startTimeout,
        stopTimeout);
  }

  /** How long {@link #start()} waits for every TaskManager to register before giving up. */
  public FlinkSessionCluster withStartTimeout(Duration timeout) {
    return new FlinkSessionCluster(
        dir,
        classpath,
        taskManagers,
        slotsPerTaskManager,
        jobManagerMemory,
        taskManagerMemory,
        timeout,
        stopTimeout);
  }

  /**
   * The JVM flags the cluster's members and run.sh's jobs run with (Flink's {@code --add-opens} for
   * Java 17, exit on out of memory), for a job started as a process of its own.
   */
  public static List<String> jvmFlags() {
    return ClusterConfig.JVM_FLAGS;
  }

  /** The state folder. */
  public Path dir() {
    return dir;
  }

  /**
   * Starts the JobManager, waits for its REST API, starts the TaskManagers and returns once all of
   * them registered. On any failure (a member exits, the timeout passes) every member started is
   * stopped and the exception's message is one line naming the log to read.
   *
   * @throws IllegalStateException when a cluster already runs from this folder, or it did not start
   */
  public Status start() throws IOException {
    Files.createDirectories(dir);
    try (DirLock lock = DirLock.take(dir)) {
      Optional<Status> running = status();
      if (running.isPresent()) {
        throw new IllegalStateException(
            "a Flink session cluster is already running at "
                + running.get().flinkMaster()
                + " ("
                + dir
                + ")");
      }
      ClusterState.delete(dir);
      // Ports are free when chosen, but another process may take one before the JobManager binds
      // it: that start is retried on new ports.
      for (int attempt = 1; ; attempt++) {
        int[] ports = freePorts(2);
        ClusterConfig config =
            new ClusterConfig(
                dir,
                ports[0],
                ports[1],
                taskManagers,
                slotsPerTaskManager,
                jobManagerMemory,
                taskManagerMemory);
        try {
          return launch(config);
        } catch (PortTaken e) {
          if (attempt == 3) {
            throw new IllegalStateException(e.getMessage());
          }
        }
      }
    }
  }

  /** The running cluster, or empty when none runs from this folder (a stale state is ignored). */
  public Optional<Status> status() throws IOException {
    Optional<ClusterState> state = ClusterState.read(dir);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    Path configDir = configDir();
    List<MemberStatus> members = new ArrayList<>();
    boolean anyRunning = false;
    for (Member m : state.get().members) {
      boolean running = m.running(configDir);
      anyRunning |= running;
      members.add(
          new MemberStatus(m.name(), m.pid(), running, dir.resolve("log/" + m.name() + ".log")));
    }
    if (!anyRunning) {
      return Optional.empty();
    }
    int port = state.get().restPort;
    List<TaskManagerInfo> registered = new ArrayList<>();
    String version = null;
    JsonNode tms = rest(port, "/taskmanagers");
    if (tms != null) {
      for (JsonNode tm : tms.path("taskmanagers")) {
        registered.add(
            new TaskManagerInfo(
                tm.path("id").asText(),
                tm.path("slotsNumber").asInt(),
                tm.path("freeSlots").asInt()));
      }
      registered.sort(Comparator.comparing(TaskManagerInfo::id));
      JsonNode overview = rest(port, "/overview");
      version = overview != null ? overview.path("flink-version").asText(null) : null;
    }
    return Optional.of(new Status(dir, port, members, registered, version));
  }

  /**
   * Stops every member still running by its process id: TERM, then KILL for those still alive after
   * 15 s. Keeps the configuration and the logs, removes the state, the jar's copy and the jobs'
   * blobs.
   *
   * @return false when no member was running (nothing was stopped)
   */
  public boolean stop() throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirLock lock = DirLock.take(dir)) {
      Optional<ClusterState> state = ClusterState.read(dir);
      List<ProcessHandle> live = new ArrayList<>();
      state.ifPresent(s -> s.members.forEach(m -> m.process(configDir()).ifPresent(live::add)));
      terminate(live, stopTimeout);
      ClusterState.delete(dir);
      deleteTree(dir.resolve("tmp"));
      deleteTree(dir.resolve("lib"));
      return !live.isEmpty();
    }
  }

  private Path configDir() {
    return dir.resolve("conf");
  }

  private Status launch(ClusterConfig config) throws IOException {
    deleteTree(config.tmpDir());
    config.write();
    Configuration conf = config.load();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = ownCopy(classpath);
    // Every command line before any JVM starts: memory sizes Flink cannot split fail here, in one
    // line, with nothing to clean up.
    List<String> jmCommand;
    List<List<String>> tmCommands = new ArrayList<>();
    try {
      jmCommand = config.jobManagerCommand(java, cp, conf);
      for (int i = 1; i <= taskManagers; i++) {
        tmCommands.add(config.taskManagerCommand(java, cp, conf, i));
      }
    } catch (IllegalConfigurationException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "memory (JobManager "
              + jobManagerMemory
              + ", TaskManager "
              + taskManagerMemory
              + ") does not fit Flink's layout: "
              + why.getMessage());
    }
    // Read by the shutdown hook's thread too.
    List<Process> started = new CopyOnWriteArrayList<>();
    // Ctrl-C while starting must not leave half a cluster running with nobody knowing its pids.
    Thread abandon =
        new Thread(() -> started.forEach(Process::destroyForcibly), "flink-cluster-abandon");
    Runtime.getRuntime().addShutdownHook(abandon);
    boolean ok = false;
    try {
      long deadline = System.nanoTime() + startTimeout.toNanos();
      Process jm = spawn(config, "jobmanager", jmCommand);
      started.add(jm);
      ClusterState state =
          new ClusterState(config.restPort, List.of(new Member("jobmanager", jm.pid())));
      state.write(dir);
      awaitJobManager(config, jm, deadline);
      for (int i = 1; i <= taskManagers; i++) {
        String name = "taskmanager-" + i;
        Process tm = spawn(config, name, tmCommands.get(i - 1));
        started.add(tm);
        state = state.with(new Member(name, tm.pid()));
        state.write(dir);
      }
      awaitTaskManagers(config, started, deadline);
      ok = true;
      return status()
          .orElseThrow(() -> new IllegalStateException("the cluster stopped right after starting"));
    } finally {
      if (!ok) {
        try {
          terminate(started.stream().map(Process::toHandle).toList(), Duration.ofSeconds(5));
          ClusterState.delete(dir);
        } catch (RuntimeException | IOException cleanup) {
          // The start's own failure is the one to report; the state stays for a later stop.
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(abandon);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs now: it kills what was started, as it should.
      }
    }
  }

  /**
   * A single jar is copied into the state folder and the members run the copy: rebuilding the jar
   * while the cluster runs would otherwise change the classes under running JVMs. Jobs bring their
   * own copy of our classes anyway (Flink loads a job's jar child-first).
   */
  private String ownCopy(String classpath) throws IOException {
    Path jar = Path.of(classpath);
    if (classpath.contains(File.pathSeparator)
        || !classpath.endsWith(".jar")
        || !Files.isRegularFile(jar)) {
      return classpath;
    }
    Path lib = dir.resolve("lib");
    deleteTree(lib);
    Files.createDirectories(lib);
    Path copy = lib.resolve(jar.getFileName());
    Files.copy(jar, copy);
    return copy.toString();
  }

  private static Process spawn(ClusterConfig config, String member, List<String> command)
      throws IOException {
    List<String> c = new ArrayList<>();
    // A session of its own: Ctrl-C or a closed terminal in the shell that ran start does not reach
    // the members. setsid execs in place (a child is never a group leader), so the pid is Java's.
    if (Files.isExecutable(SETSID)) {
      c.add(SETSID.toString());
    }
    c.addAll(command);
    File log = config.log(member).toFile();
    return new ProcessBuilder(c)
        .redirectErrorStream(true)
        .redirectOutput(log)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  private void awaitJobManager(ClusterConfig config, Process jm, long deadline) throws IOException {
    while (rest(config.restPort, "/overview") == null) {
      if (!jm.isAlive()) {
        Path log = config.log("jobmanager");
        String text = Files.readString(log);
        String why =
            "the jobmanager exited (status " + jm.exitValue() + ") before its REST API answered";
        if (text.contains("BindException") || text.contains("Address already in use")) {
          throw new PortTaken(why + ": a port was taken; see " + log);
        }
        throw new IllegalStateException(why + "; see " + log);
      }
      pause(
          deadline,
          () ->
              "the jobmanager's REST API did not answer within "
                  + startTimeout.toSeconds()
                  + " s; see "
                  + config.log("jobmanager"));
    }
  }

  private void awaitTaskManagers(ClusterConfig config, List<Process> members, long deadline) {
    while (true) {
      JsonNode tms = rest(config.restPort, "/taskmanagers");
      int registered = tms == null ? 0 : tms.path("taskmanagers").size();
      int slots = 0;
      if (tms != null) {
        for (JsonNode tm : tms.path("taskmanagers")) {
          slots += tm.path("slotsNumber").asInt();
        }
      }
      // A TaskManager is listed as it registers and reports its slots a moment later: a job
      // submitted in between would be planned for the slots seen so far.
      if (registered >= taskManagers && slots >= taskManagers * slotsPerTaskManager) {
        return;
      }
      for (int i = 0; i < members.size(); i++) {
        Process p = members.get(i);
        if (!p.isAlive()) {
          String name = i == 0 ? "jobmanager" : "taskmanager-" + i;
          throw new IllegalStateException(
              "the "
                  + name
                  + " exited (status "
                  + p.exitValue()
                  + ") before the cluster was ready; see "
                  + config.log(name));
        }
      }
      pause(
          deadline,
          () ->
              registered
                  + " of "
                  + taskManagers
                  + " TaskManagers registered within "
                  + startTimeout.toSeconds()
                  + " s; see the logs in "
                  + config.logDir());
    }
  }

  private static void pause(long deadline, java.util.function.Supplier<String> timeoutMessage) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(timeoutMessage.get());
    }
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the cluster was starting", e);
    }
  }

  /**
   * TERM to every process at once (Flink's members shut down cleanly on it), then KILL to those
   * still alive after the timeout.
   */
  static void terminate(List<ProcessHandle> processes, Duration timeout) {
    processes.forEach(ProcessHandle::destroy);
    if (awaitGone(processes, timeout)) {
      return;
    }
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    if (!awaitGone(processes, Duration.ofSeconds(10))) {
      throw new IllegalStateException(
          "could not stop process(es) "
              + processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
    }
  }

  /**
   * Polls rather than {@code onExit()}: a member started by another JVM is no child of ours, and a
   * zombie nobody reaps stays "alive" to the OS while it runs nothing.
   */
  private static boolean awaitGone(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processes.stream().anyMatch(FlinkSessionCluster::runs)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Alive and not a zombie of someone else's. A zombie has no command line; when it is our own
   * child (the cluster started by this JVM, as in a test), the JDK reaps it in a moment, and
   * waiting for that means that "stopped" also means gone from the process table.
   */
  private static boolean runs(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    boolean ourChild = p.parent().map(ProcessHandle.current()::equals).orElse(false);
    return ourChild || p.info().commandLine().isPresent();
  }

  /** The JSON of a REST call, or null when the JobManager does not answer (yet). */
  static JsonNode rest(int port, String path) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + ClusterConfig.HOST + ":" + port + path))
                  .timeout(Duration.ofSeconds(3))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        // All open at once, so the ports differ.
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ClusterConfig.HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  private static void memorySize(String name, String value) {
    try {
      MemorySize.parse(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          name + ": not a memory size such as 768m or 1g: '" + value + "'");
    }
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": must be at least 1, got " + value);
    }
  }

  /** A JobManager that died on a port another process took between choosing and binding it. */
  private static final class PortTaken extends IOException {
    PortTaken(String message) {
      super(message);
    }
  }

  /** One start or stop at a time per folder, also across JVMs. */
  private static final class DirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DirLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static DirLock take(Path dir) throws IOException {
      FileChannel channel =
          FileChannel.open(
              dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "another flink-cluster start or stop is working on " + dir + " right now");
      }
      return new DirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
      lock.release();
      channel.close();
    }
  }

  /**
   * A running cluster.
   *
   * @param dir the state folder
   * @param restPort the JobManager's REST port on 127.0.0.1
   * @param members the JobManager and the TaskManagers, as started, with whether each still runs
   * @param registered the TaskManagers the JobManager knows (empty when it does not answer)
   * @param flinkVersion the JobManager's Flink version, null when it does not answer
   */
  public record Status(
      Path dir,
      int restPort,
      List<MemberStatus> members,
      List<TaskManagerInfo> registered,
      String flinkVersion) {

    /** What {@code --flinkMaster} takes to submit a job here. */
    public String flinkMaster() {
      return "localhost:" + restPort;
    }

    /** The JobManager's process id. */
    public long jobManagerPid() {
      return members.get(0).pid();
    }

    /** The TaskManagers' process ids, in start order. */
    public List<Long> taskManagerPids() {
      return members.stream().skip(1).map(MemberStatus::pid).toList();
    }

    /** Every task slot of the registered TaskManagers. */
    public int slots() {
      return registered.stream().mapToInt(TaskManagerInfo::slots).sum();
    }

    /** A few lines for a person: the address, each process, the registered TaskManagers. */
    public String describe() {
      StringBuilder b =
          new StringBuilder(
              "Flink session cluster"
                  + (flinkVersion != null ? " " + flinkVersion : "")
                  + " at "
                  + flinkMaster()
                  + " (REST http://127.0.0.1:"
                  + restPort
                  + "): "
                  + registered.size()
                  + " TaskManager(s) registered, "
                  + slots()
                  + " slots ("
                  + registered.stream().mapToInt(TaskManagerInfo::freeSlots).sum()
                  + " free)\n");
      for (MemberStatus m : members) {
        b.append(
            String.format(
                "  %-14s pid %-8d %-8s log %s%n",
                m.name(), m.pid(), m.running() ? "running" : "GONE", m.log()));
      }
      List<String> gone =
          members.stream().filter(m -> !m.running()).map(MemberStatus::name).toList();
      if (!gone.isEmpty()) {
        b.append("  ")
            .append(String.join(", ", gone))
            .append(" died (see the log): ./run.sh flink-cluster stop, then start again\n");
      }
      for (TaskManagerInfo t : registered) {
        b.append(
            String.format(
                "  registered: %s, %d slots, %d free%n", t.id(), t.slots(), t.freeSlots()));
      }
      return b.toString();
    }
  }

  /**
   * One member of the cluster as started.
   *
   * @param name {@code jobmanager} or {@code taskmanager-N}
   * @param pid its process id
   * @param running whether that process still runs
   * @param log its log file
   */
  public record MemberStatus(String name, long pid, boolean running, Path log) {}

  /**
   * A TaskManager registered with the JobManager.
   *
   * @param id its resource id ({@code taskmanager-N})
   * @param slots its task slots
   * @param freeSlots the slots no job uses
   */
  public record TaskManagerInfo(String id, int slots, int freeSlots) {}
}

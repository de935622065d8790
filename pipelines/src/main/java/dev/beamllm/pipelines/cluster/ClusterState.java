package dev.beamllm.pipelines.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a started cluster leaves in its folder ({@code cluster.properties}): the REST port and the
 * process id of every member, so that another JVM ({@code ./run.sh flink-cluster stop}) can find
 * and stop them. A member counts as running only while a live process with its pid has the
 * cluster's config folder on its command line: a pid reused by an unrelated process after the
 * cluster died is never taken for it, and never killed.
 */
final class ClusterState {
  static final String FILE = "cluster.properties";

  final int restPort;
  final List<Member> members;

  ClusterState(int restPort, List<Member> members) {
    this.restPort = restPort;
    this.members = List.copyOf(members);
  }

  /** One JVM of the cluster: {@code jobmanager}, {@code taskmanager-1}, ... */
  record Member(String name, long pid) {
    /** The process, when it is alive and started with this config folder. */
    Optional<ProcessHandle> process(Path configDir) {
      return ProcessHandle.of(pid).filter(p -> p.isAlive() && startedWith(p, configDir));
    }

    boolean running(Path configDir) {
      return process(configDir).isPresent();
    }

    /**
     * Reads the command line from the OS (/proc on Linux). A zombie or another user's process shows
     * none, and is not ours.
     */
    private static boolean startedWith(ProcessHandle p, Path configDir) {
      String dir = configDir.toAbsolutePath().normalize().toString();
      ProcessHandle.Info info = p.info();
      Optional<String[]> args = info.arguments();
      if (args.isPresent()) {
        return List.of(args.get()).contains(dir);
      }
      return info.commandLine().map(c -> c.contains(dir)).orElse(false);
    }
  }

  ClusterState with(Member member) {
    List<Member> more = new ArrayList<>(members);
    more.add(member);
    return new ClusterState(restPort, more);
  }

  /** The members whose process is still running. */
  List<Member> running(Path configDir) {
    return members.stream().filter(m -> m.running(configDir)).toList();
  }

  /** The state in {@code dir}, if a cluster was started there and not stopped. */
  static Optional<ClusterState> read(Path dir) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(p.getProperty("rest.port", ""));
      List<Member> members = new ArrayList<>();
      for (String name : p.getProperty("members", "").split(",")) {
        if (!name.isBlank()) {
          members.add(new Member(name, Long.parseLong(p.getProperty(name + ".pid", ""))));
        }
      }
      return Optional.of(new ClusterState(port, members));
    } catch (NumberFormatException e) {
      // A file cut short (a start killed while writing it cannot leave one: it is written by
      // rename) or edited by hand: nothing in it can be trusted to name our processes.
      return Optional.empty();
    }
  }

  /**
   * Writes the state through a temporary file and a rename, so a reader never sees half of it. It
   * is written after each member starts, so a start that dies half way leaves what it started
   * findable by {@code stop}.
   */
  void write(Path dir) throws IOException {
    Properties p = new Properties();
    p.setProperty("rest.port", Integer.toString(restPort));
    p.setProperty("members", String.join(",", members.stream().map(Member::name).toList()));
    for (Member m : members) {
      p.setProperty(m.name() + ".pid", Long.toString(m.pid()));
    }
    Path tmp = dir.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "A Flink session cluster started by ./run.sh flink-cluster start");
    }
    Files.move(
        tmp,
        dir.resolve(FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  static void delete(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE));
  }
}

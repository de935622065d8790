package dev.beamllm.mcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The stdio servers' processes this JVM started, and how they are stopped: asked to end (SIGTERM),
 * then killed after a grace period, children first seen included (an {@code npx} command runs the
 * server as its child). A shutdown hook stops those still running when the JVM exits, so no server
 * outlives the job that started it.
 */
final class Processes {
  private static final Set<ProcessHandle> RUNNING = ConcurrentHashMap.newKeySet();

  /** How long a process may take to end once asked before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(2);

  static {
    Thread hook = new Thread(Processes::stopAll, "beamllm-mcp-servers-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  private Processes() {}

  /** Records a process this JVM started. */
  static void started(ProcessHandle process) {
    RUNNING.add(process);
    process.onExit().thenRun(() -> RUNNING.remove(process));
  }

  /** The process and its descendants as they are now, the descendants first. */
  static List<ProcessHandle> tree(ProcessHandle process) {
    List<ProcessHandle> tree = new ArrayList<>();
    if (process != null) {
      process.descendants().forEach(tree::add);
      tree.add(process);
    }
    return tree;
  }

  /**
   * Asks every process of {@code tree} that still runs to end, kills those that have not after
   * {@link #GRACE}, and completes when all have exited (or a further grace period has passed).
   */
  static CompletableFuture<Void> terminate(List<ProcessHandle> tree) {
    List<ProcessHandle> alive = new ArrayList<>();
    for (ProcessHandle p : tree) {
      if (p.isAlive()) {
        alive.add(p);
      }
    }
    if (alive.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    alive.forEach(ProcessHandle::destroy);
    return exited(alive)
        .thenCompose(
            v -> {
              List<ProcessHandle> left = new ArrayList<>();
              for (ProcessHandle p : alive) {
                if (p.isAlive()) {
                  p.destroyForcibly();
                  left.add(p);
                }
              }
              return exited(left);
            });
  }

  private static CompletableFuture<Void> exited(List<ProcessHandle> processes) {
    return CompletableFuture.allOf(
            processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new))
        .<Void>thenApply(v -> null)
        .completeOnTimeout(null, GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The pids of the servers' processes still running (for tests). */
  static Set<ProcessHandle> running() {
    return Set.copyOf(RUNNING);
  }

  private static void stopAll() {
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle p : RUNNING) {
      all.addAll(tree(p));
    }
    try {
      terminate(all).get(GRACE.toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      all.forEach(ProcessHandle::destroyForcibly);
    }
  }
}

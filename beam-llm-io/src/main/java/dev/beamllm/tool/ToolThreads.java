package dev.beamllm.tool;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads Java tools run on: tools are user code that may block (a query, a file), and must
 * never run on the client's I/O threads. Bounded, daemon, idle threads end after a minute; one pool
 * per JVM.
 */
final class ToolThreads {
  private static final int THREADS = 64;

  static final Executor EXECUTOR = newPool();

  private ToolThreads() {}

  private static Executor newPool() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "beamllm-tool-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}

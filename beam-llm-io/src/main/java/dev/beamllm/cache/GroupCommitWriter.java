package dev.beamllm.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a cache's answers on one thread of its own, as many as are waiting in one group (a SQLite
 * transaction, a Redis pipeline): each write's future completes when its group is stored, so an
 * answer is still stored before anyone is given it, but a thousand answers cost one commit or one
 * round trip instead of a thousand. The thread ends after a while with nothing to write and starts
 * again on the next one.
 */
final class GroupCommitWriter {
  /** Most answers in one group. */
  static final int MAX_BATCH = 1_000;

  private static final long IDLE_MILLIS = 5_000;

  /** One answer to store: its key, its JSON form and when it was queued (epoch milliseconds). */
  record Entry(String key, String json, long createdAt) {}

  /** Where the groups go. Called on the writer's thread only. */
  interface Store {
    /** Stores every entry, all or none, and returns when they are stored. */
    void write(List<Entry> group) throws Exception;

    /** Drops what a failed write may have left broken (a connection); the next write reopens. */
    void reset();
  }

  private record Write(Entry entry, CompletableFuture<Void> done) {}

  private final Store store;
  private final String name;
  private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
  private Thread thread;

  /**
   * @param name the thread's name
   */
  GroupCommitWriter(Store store, String name) {
    this.store = store;
    this.name = name;
  }

  /**
   * Queues an answer's JSON under its key; completes when stored, or with the error that stopped
   * it.
   */
  CompletableFuture<Void> submit(String key, String json) {
    Write w =
        new Write(new Entry(key, json, System.currentTimeMillis()), new CompletableFuture<>());
    queue.add(w);
    ensureRunning();
    return w.done();
  }

  private synchronized void ensureRunning() {
    if (thread == null) {
      thread = new Thread(this::run, name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Whether the thread may end: nothing is waiting. Checked under the lock that starts it. */
  private synchronized boolean retire() {
    if (queue.isEmpty()) {
      thread = null;
      return true;
    }
    return false;
  }

  private void run() {
    List<Write> batch = new ArrayList<>();
    try {
      while (true) {
        Write first = queue.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (retire()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        try {
          store.write(batch.stream().map(Write::entry).toList());
          batch.forEach(w -> w.done().complete(null));
        } catch (Exception e) {
          batch.forEach(w -> w.done().completeExceptionally(e));
          store.reset();
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IllegalStateException stopped = new IllegalStateException("the cache writer was interrupted");
      batch.forEach(w -> w.done().completeExceptionally(stopped));
      synchronized (this) {
        thread = null;
      }
    } finally {
      store.reset();
    }
  }
}

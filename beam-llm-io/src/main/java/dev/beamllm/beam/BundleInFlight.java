package dev.beamllm.beam;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The asynchronous work a DoFn has started in one bundle (requests, agent loops): each element's
 * work is started and the thread goes on; finished work is handed back for the element being
 * processed when it has the same window and timestamp, and all of it at the bundle's end. The
 * thread waits only when the work in flight reaches the limit, and then only for the first to
 * finish. Not thread-safe: one per DoFn instance, used by its bundle's thread.
 *
 * @param <I> the element
 * @param <R> its result
 */
final class BundleInFlight<I, R> {
  /** An element's finished work, with the element's timestamp and window. */
  record Done<I, R>(I input, R result, Instant timestamp, BoundedWindow window) {}

  private final int max;
  private BlockingQueue<Done<I, R>> done;
  private List<Done<I, R>> ready;
  private int inFlight;
  private int started;

  /**
   * @param max the most work in flight at once (≤ 0: no limit)
   */
  BundleInFlight(int max) {
    this.max = max > 0 ? max : Integer.MAX_VALUE;
  }

  /** Forgets the last bundle: a late result of a failed bundle must not land in the next one. */
  void startBundle() {
    done = new LinkedBlockingQueue<>();
    ready = new ArrayList<>();
    inFlight = 0;
    started = 0;
  }

  /** Whether this bundle started any work. */
  boolean startedAny() {
    return started > 0;
  }

  /**
   * Records an element's work, which must never complete exceptionally; then returns the finished
   * work of this element's window and timestamp, after waiting while too much is in flight.
   */
  List<Done<I, R>> started(
      I input, CompletableFuture<R> work, Instant timestamp, BoundedWindow window)
      throws InterruptedException {
    inFlight++;
    started++;
    BlockingQueue<Done<I, R>> queue = done;
    work.thenAccept(r -> queue.add(new Done<>(input, r, timestamp, window)));
    while (inFlight >= max) {
      ready.add(done.take());
      inFlight--;
    }
    for (Done<I, R> d; (d = done.poll()) != null; ) {
      ready.add(d);
      inFlight--;
    }
    List<Done<I, R>> now = new ArrayList<>();
    for (Iterator<Done<I, R>> it = ready.iterator(); it.hasNext(); ) {
      Done<I, R> d = it.next();
      if (d.window().equals(window) && d.timestamp().equals(timestamp)) {
        now.add(d);
        it.remove();
      }
    }
    return now;
  }

  /** Waits for the bundle's last work; returns everything not handed back yet. */
  List<Done<I, R>> finish() throws InterruptedException {
    while (inFlight > 0) {
      ready.add(done.take());
      inFlight--;
    }
    List<Done<I, R>> rest = ready;
    ready = new ArrayList<>();
    return rest;
  }
}

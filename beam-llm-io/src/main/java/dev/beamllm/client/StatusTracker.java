package dev.beamllm.client;

import dev.beamllm.response.ApiResponse;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Counts what a client did (started, in progress, succeeded, failed, retries, 429s, tokens, cost)
 * and shows it: a live progress bar in a terminal (me.tongfei:progressbar), plain lines every few
 * seconds when the output is not a terminal, or nothing. One tracker can be reused across batches
 * with {@link #open}, {@link #close} and {@link #reset}. Thread-safe.
 */
public final class StatusTracker implements AutoCloseable {
  /** How progress is shown. */
  public enum Display {
    /** A bar when the output is a terminal, else plain lines. */
    AUTO,
    /** A live progress bar. */
    BAR,
    /** A plain line every few seconds. */
    LINES,
    /** Nothing but the counters. */
    NONE
  }

  private final Display display;
  private final PrintStream out;
  private final long lineIntervalMillis;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong inputTokens = new AtomicLong();
  private final AtomicLong outputTokens = new AtomicLong();
  private final AtomicLong cachedTokens = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final DoubleAdder cost = new DoubleAdder();
  private volatile long total;
  private volatile long openedAt = System.nanoTime();
  private volatile ProgressBar bar;
  private ScheduledExecutorService lines;

  /** A tracker showing progress on standard error. */
  public StatusTracker(Display display) {
    this(display, System.err, 5_000);
  }

  /** A tracker writing to the given stream, with plain lines at the given interval. */
  public StatusTracker(Display display, PrintStream out, long lineIntervalMillis) {
    this.display =
        display == Display.AUTO
            ? (System.console() != null ? Display.BAR : Display.LINES)
            : display;
    this.out = out;
    this.lineIntervalMillis = lineIntervalMillis;
  }

  /** Starts showing progress toward {@code total} requests. */
  public synchronized void open(long total) {
    closeDisplay();
    this.total = total;
    this.openedAt = System.nanoTime();
    if (display == Display.BAR) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("LLM")
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
              .build();
    } else if (display == Display.LINES) {
      lines =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "beamllm-progress");
                t.setDaemon(true);
                return t;
              });
      lines.scheduleAtFixedRate(
          () -> out.println(line()), lineIntervalMillis, lineIntervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the display and prints the summary (unless the display is {@link Display#NONE}). */
  @Override
  public synchronized void close() {
    closeDisplay();
    if (display != Display.NONE) {
      out.println(summary());
    }
  }

  /** Zeroes every counter. */
  public synchronized void reset() {
    for (AtomicLong a :
        new AtomicLong[] {
          started,
          succeeded,
          failed,
          retries,
          rateLimited,
          inputTokens,
          outputTokens,
          cachedTokens,
          calls
        }) {
      a.set(0);
    }
    cost.reset();
    total = 0;
  }

  void started() {
    started.incrementAndGet();
  }

  /** One HTTP attempt of an embedding, rerank or transcription request (see {@link #calls}). */
  void called() {
    calls.incrementAndGet();
  }

  /**
   * HTTP attempts of embedding, rerank and transcription requests so far: one request carries many
   * texts, so {@link Status} (counted per prompt) does not show them.
   */
  public long calls() {
    return calls.get();
  }

  void retried() {
    retries.incrementAndGet();
  }

  void rateLimited() {
    rateLimited.incrementAndGet();
  }

  void finished(ApiResponse r) {
    (r.isError() ? failed : succeeded).incrementAndGet();
    inputTokens.addAndGet(r.usage().inputTokens());
    outputTokens.addAndGet(r.usage().outputTokens());
    cachedTokens.addAndGet(r.usage().cacheReadTokens());
    cost.add(r.cost());
    ProgressBar b = bar;
    if (b != null) {
      b.stepTo(succeeded.get() + failed.get());
      b.setExtraMessage(
          String.format(
              Locale.ROOT,
              " tok %d/%d $%.4f 429s %d",
              inputTokens.get(),
              outputTokens.get(),
              cost.sum(),
              rateLimited.get()));
    }
  }

  /** A snapshot of the counters, consistent with itself, for progress lines and metrics. */
  public Status status() {
    long done = succeeded.get() + failed.get();
    return new Status(
        total,
        started.get(),
        started.get() - done,
        succeeded.get(),
        failed.get(),
        retries.get(),
        rateLimited.get(),
        inputTokens.get(),
        outputTokens.get(),
        cachedTokens.get(),
        cost.sum(),
        (System.nanoTime() - openedAt) / 1e9);
  }

  /** One plain progress line. */
  public String line() {
    Status s = status();
    double rate = s.elapsedSeconds() > 0 ? (s.succeeded() + s.failed()) / s.elapsedSeconds() : 0;
    return String.format(
        Locale.ROOT,
        "[%.0fs] %d/%d done (%d ok, %d failed), %d in progress, %.1f/s, tokens in %d out %d, $%.4f, retries %d, 429s %d",
        s.elapsedSeconds(),
        s.succeeded() + s.failed(),
        s.total(),
        s.succeeded(),
        s.failed(),
        s.inProgress(),
        rate,
        s.inputTokens(),
        s.outputTokens(),
        s.cost(),
        s.retries(),
        s.rateLimited());
  }

  /** The summary printed when a run ends: outcomes, retries, 429s, tokens, cost and wall time. */
  public String summary() {
    Status s = status();
    return String.format(
        Locale.ROOT,
        "Done in %.1fs: %d succeeded, %d failed, %d retries, %d answered 429; tokens in %d (cached %d), out %d; cost $%.6f",
        s.elapsedSeconds(),
        s.succeeded(),
        s.failed(),
        s.retries(),
        s.rateLimited(),
        s.inputTokens(),
        s.cachedTokens(),
        s.outputTokens(),
        s.cost());
  }

  private void closeDisplay() {
    if (bar != null) {
      bar.stepTo(succeeded.get() + failed.get());
      bar.close();
      bar = null;
    }
    if (lines != null) {
      lines.shutdownNow();
      lines = null;
    }
  }

  /**
   * The counters at one moment.
   *
   * @param total requests expected
   * @param started requests started
   * @param inProgress started and not finished
   * @param succeeded answered
   * @param failed ended in an error
   * @param retries attempts after the first
   * @param rateLimited attempts answered 429
   * @param inputTokens input tokens
   * @param outputTokens output tokens
   * @param cachedTokens input tokens read from a prompt cache
   * @param cost dollars
   * @param elapsedSeconds seconds since {@link #open}
   */
  public record Status(
      long total,
      long started,
      long inProgress,
      long succeeded,
      long failed,
      long retries,
      long rateLimited,
      long inputTokens,
      long outputTokens,
      long cachedTokens,
      double cost,
      double elapsedSeconds) {}
}

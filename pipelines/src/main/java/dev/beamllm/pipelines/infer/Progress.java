package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.LocalProgress;
import dev.beamllm.client.StatusTracker;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live progress while the job runs: rows done / total, rate, ETA, tokens, dollars and 429s, as a
 * bar in a terminal or a plain line every few seconds otherwise. Rows are counted where they end
 * (an answer or a failure line, never a retry), for this job only, in this JVM, which is the whole
 * job for the local runners; the last line is the summary's own figures, so the two agree.
 */
final class Progress {
  private final long total;
  private final boolean batches;
  private final StatusTracker.Display display;
  private final PrintStream out;
  private final LocalProgress baseline = LlmIO.localProgress();
  private final long badBaseline = ReadPrompts.LOCAL_BAD_ROWS.sum();
  private final long startNanos = System.nanoTime();
  private Thread thread;
  private ProgressBar bar;
  private volatile boolean running;

  /**
   * @param batches whether rows go through the providers' batch APIs, where they end in lumps as
   *     batches end: no ETA then
   */
  Progress(long total, boolean batches, StatusTracker.Display display, PrintStream out) {
    this.total = total;
    this.batches = batches;
    this.display =
        display == StatusTracker.Display.AUTO
            ? (System.console() != null ? StatusTracker.Display.BAR : StatusTracker.Display.LINES)
            : display;
    this.out = out;
  }

  void start() {
    if (display == StatusTracker.Display.NONE) {
      return;
    }
    running = true;
    bar =
        display == StatusTracker.Display.BAR
            ? new ProgressBarBuilder()
                .setTaskName("rows")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .setUpdateIntervalMillis(500)
                .build()
            : null;
    long period = bar != null ? 500 : 5_000;
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(period);
                } catch (InterruptedException e) {
                  break;
                }
                LocalProgress p = LlmIO.localProgress().since(baseline);
                long bad = ReadPrompts.LOCAL_BAD_ROWS.sum() - badBaseline;
                show(
                    p.rows() + bad,
                    p.inputTokens(),
                    p.outputTokens(),
                    p.costUsd(),
                    p.rateLimited());
              }
            },
            "beamllm-job-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void show(long done, long in, long outTokens, double cost, long limited) {
    long rows = Math.min(done, total);
    String extra =
        String.format(Locale.ROOT, "tok %d/%d $%.4f 429s %d", in, outTokens, cost, limited);
    if (bar != null) {
      bar.stepTo(rows);
      bar.setExtraMessage(" " + extra);
      return;
    }
    double secs = (System.nanoTime() - startNanos) / 1e9;
    double rate = secs > 0 ? rows / secs : 0;
    String eta =
        rows >= total
            ? ""
            : batches
                ? ", the rest in batches the providers are running"
                : rate > 0 ? String.format(Locale.ROOT, ", ETA %.0fs", (total - rows) / rate) : "";
    out.printf(
        Locale.ROOT,
        "[%.0fs] %d/%d rows, %.1f rows/s%s, %s%n",
        secs,
        rows,
        total,
        rate,
        eta,
        extra);
  }

  /** Stops the display; with the job's summary, shows a last line with its figures. */
  void stop(Summary summary) {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (display != StatusTracker.Display.NONE && summary != null) {
      show(
          summary.succeeded() + summary.failed(),
          summary.inputTokens(),
          summary.outputTokens(),
          summary.costUsd(),
          summary.rateLimited());
    }
    if (bar != null) {
      bar.close();
    }
  }
}

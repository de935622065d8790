package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.StatusTracker;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Live progress while the job runs: rows done / total, rate, ETA, tokens, dollars and 429s, as a
 * bar in a terminal or a plain line every few seconds otherwise. It reads what the JVM's LlmIO
 * clients have done, which is the whole job for the local runners this command runs.
 */
final class Progress {
  private final long total;
  private final StatusTracker.Display display;
  private final PrintStream out;
  private Thread thread;
  private volatile boolean running;

  Progress(long total, StatusTracker.Display display, PrintStream out) {
    this.total = total;
    this.display = display == StatusTracker.Display.AUTO ? (System.console() != null ? StatusTracker.Display.BAR : StatusTracker.Display.LINES) : display;
    this.out = out;
  }

  void start() {
    if (display == StatusTracker.Display.NONE) {
      return;
    }
    running = true;
    long startNanos = System.nanoTime();
    thread = new Thread(() -> {
      ProgressBar bar = display == StatusTracker.Display.BAR
          ? new ProgressBarBuilder().setTaskName("rows").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500).build()
          : null;
      long period = bar != null ? 500 : 5_000;
      try {
        while (running) {
          try {
            Thread.sleep(period);
          } catch (InterruptedException e) {
            break;
          }
          StatusTracker.Status s = LlmIO.localStatus();
          long done = s.succeeded() + s.failed();
          double secs = (System.nanoTime() - startNanos) / 1e9;
          String extra = String.format(Locale.ROOT, "tok %d/%d $%.4f 429s %d", s.inputTokens(), s.outputTokens(), s.cost(), s.rateLimited());
          if (bar != null) {
            bar.stepTo(Math.min(done, total));
            bar.setExtraMessage(" " + extra);
          } else {
            double rate = secs > 0 ? done / secs : 0;
            String eta = rate > 0 && done < total ? String.format(Locale.ROOT, ", ETA %.0fs", (total - done) / rate) : "";
            out.printf(Locale.ROOT, "[%.0fs] %d/%d rows, %.1f rows/s%s, %s%n", secs, done, total, rate, eta, extra);
          }
        }
      } finally {
        if (bar != null) {
          StatusTracker.Status s = LlmIO.localStatus();
          bar.stepTo(Math.min(s.succeeded() + s.failed(), total));
          bar.close();
        }
      }
    }, "beamllm-job-progress");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

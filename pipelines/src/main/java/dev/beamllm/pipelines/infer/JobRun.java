package dev.beamllm.pipelines.infer;

import dev.beamllm.client.StatusTracker;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * Runs a planned job's pipeline with live progress, then prints the summary; a failed run is one
 * line.
 */
final class JobRun {
  private final Pipeline pipeline;
  private final BatchInference.Job job;
  private final PrintStream out;
  private final PrintStream err;

  JobRun(Pipeline pipeline, BatchInference.Job job, PrintStream out, PrintStream err) {
    this.pipeline = pipeline;
    this.job = job;
    this.out = out;
    this.err = err;
  }

  /** 0 when the job ran to its end (failed rows are in the failures file), 1 when it failed. */
  int execute() {
    long start = System.nanoTime();
    Progress progress =
        new Progress(
            job.totalRows,
            job.mode.batch(),
            StatusTracker.Display.valueOf(job.options.getProgress().toUpperCase(Locale.ROOT)),
            out);
    if (!RemoteFlink.isRemote(job.options)) {
      // A cluster's TaskManagers count the rows in their own JVMs: a live display here would sit at
      // zero until the end, so a remote job shows only the last line, from the summary.
      progress.start();
    }
    PipelineResult result;
    PipelineResult.State state;
    try {
      result = pipeline.run();
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      progress.stop(null);
      err.println("infer: the job failed: " + ConsoleLogging.oneLine(e));
      return 1;
    }
    if (state != null && state != PipelineResult.State.DONE) {
      progress.stop(null);
      err.println("infer: the job ended " + state.name().toLowerCase(Locale.ROOT));
      return 1;
    }
    Summary summary = Summary.from(result, (System.nanoTime() - start) / 1e9, job.fake);
    progress.stop(summary);
    out.println(summary.render(job.options));
    return 0;
  }
}

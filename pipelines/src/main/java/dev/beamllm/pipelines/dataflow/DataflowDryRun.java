package dev.beamllm.pipelines.dataflow;

import dev.beamllm.pipelines.infer.DryRunTranslator;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The {@link DryRunTranslator} for {@code --runner=DataflowRunner}, found by {@link
 * java.util.ServiceLoader}. It names no Dataflow type itself, so the default jar (without the
 * runner) can load it; the translation lives in {@link DataflowJobTranslation}.
 */
public final class DataflowDryRun implements DryRunTranslator {
  /** For {@link java.util.ServiceLoader}. */
  public DataflowDryRun() {}

  @Override
  public boolean handles(PipelineOptions options) {
    return options.getRunner().getName().equals("org.apache.beam.runners.dataflow.DataflowRunner");
  }

  @Override
  public void prepare(PipelineOptions options) {
    DataflowJobTranslation.prepare(options);
  }

  @Override
  public Translation translate(Pipeline pipeline) throws Exception {
    return DataflowJobTranslation.translate(pipeline);
  }
}

package dev.beamllm.pipelines.infer;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Translates a built job for a runner without running it, for {@code --dryRun=true}. Found with
 * {@link java.util.ServiceLoader}, so a runner that is not in the default jar (Dataflow's, in the
 * {@code pipelines-dataflow} module) brings its own.
 */
public interface DryRunTranslator {
  /** Whether this translator is the one for the options' runner. */
  boolean handles(PipelineOptions options);

  /**
   * Sets what the runner needs to work offline, before the pipeline is created (Beam builds the
   * runner, and checks its options, as it creates the pipeline).
   *
   * @throws IllegalArgumentException when the runner's options cannot work: one line, naming them
   */
  default void prepare(PipelineOptions options) {}

  /**
   * Translates the pipeline as the runner would before submitting it, contacting nothing.
   *
   * @throws IllegalArgumentException when the runner's options cannot work: one line, naming them
   */
  Translation translate(Pipeline pipeline) throws Exception;

  /**
   * What a translation produced.
   *
   * @param lines the summary's lines about the translated job
   * @param serializedJob the job as the runner would send it (for Dataflow: the job's JSON), which
   *     the dry run searches for keys and passwords
   * @param generatedFiles what the runner generated and would upload beside the job, by name (for
   *     Dataflow: the pipeline's proto, which holds the serialized transforms), searched as well
   */
  record Translation(
      List<String> lines, String serializedJob, Map<String, byte[]> generatedFiles) {}
}

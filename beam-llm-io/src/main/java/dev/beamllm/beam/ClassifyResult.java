package dev.beamllm.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#classify} produces: every text's label, one of the transform's labels; and a
 * failure per text that got none.
 */
public final class ClassifyResult extends HelperOutput<Classification> {

  ClassifyResult(
      Pipeline pipeline,
      TupleTag<Classification> resultsTag,
      PCollection<Classification> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    super(pipeline, resultsTag, results, failuresTag, failures);
  }

  /** The results, each with its text's id and its input's window and timestamp. */
  public PCollection<Classification> classifications() {
    return results();
  }
}

package dev.beamllm.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#translate} produces: every text in the target language: translated, or kept as
 * it was when already in it; and a failure per text that got none.
 */
public final class TranslateResult extends HelperOutput<Translation> {

  TranslateResult(
      Pipeline pipeline,
      TupleTag<Translation> resultsTag,
      PCollection<Translation> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    super(pipeline, resultsTag, results, failuresTag, failures);
  }

  /** The results, each with its text's id and its input's window and timestamp. */
  public PCollection<Translation> translations() {
    return results();
  }
}

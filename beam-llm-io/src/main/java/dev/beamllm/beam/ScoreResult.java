package dev.beamllm.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#score} produces: every text's yes/no answer with the probability of yes; and a
 * failure per text that got none.
 */
public final class ScoreResult extends HelperOutput<Score> {

  ScoreResult(
      Pipeline pipeline,
      TupleTag<Score> resultsTag,
      PCollection<Score> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    super(pipeline, resultsTag, results, failuresTag, failures);
  }

  /** The results, each with its text's id and its input's window and timestamp. */
  public PCollection<Score> scores() {
    return results();
  }
}

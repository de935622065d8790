package dev.beamllm.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a ready helper ({@link LlmIO#translate}, {@link LlmIO#classify}, {@link LlmIO#score})
 * produces: a result per text that got one, and an {@link LlmFailure} per text that did not, so no
 * text is lost. The subclasses name the results.
 *
 * @param <T> a result
 */
abstract class HelperOutput<T> extends SplitOutput<T, LlmFailure> {
  HelperOutput(
      Pipeline pipeline,
      TupleTag<T> resultsTag,
      PCollection<T> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    super(pipeline, resultsTag, results, failuresTag, failures);
  }

  /**
   * One {@link LlmFailure} per text with no result, naming the request that was sent for it (its
   * conversation id is the text's id): the completion's own failures (auth, retries exhausted...)
   * and {@code INVALID_OUTPUT} ones for answers that could not be read, with the answer.
   */
  public PCollection<LlmFailure> failures() {
    return failed();
  }
}

package dev.beamllm.beam;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a ready helper ({@link LlmIO#translate}, {@link LlmIO#classify}, {@link LlmIO#score})
 * produces: a result per text that got one, and an {@link LlmFailure} per text that did not, so no
 * text is lost. The subclasses name the results.
 *
 * @param <T> a result
 */
abstract class HelperOutput<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> resultsTag;
  private final PCollection<T> results;
  private final TupleTag<LlmFailure> failuresTag;
  private final PCollection<LlmFailure> failures;

  HelperOutput(
      Pipeline pipeline,
      TupleTag<T> resultsTag,
      PCollection<T> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    this.pipeline = pipeline;
    this.resultsTag = resultsTag;
    this.results = results;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  PCollection<T> results() {
    return results;
  }

  /**
   * One {@link LlmFailure} per text with no result, naming the request that was sent for it (its
   * conversation id is the text's id): the completion's own failures (auth, retries exhausted...)
   * and {@code INVALID_OUTPUT} ones for answers that could not be read, with the answer.
   */
  public PCollection<LlmFailure> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(resultsTag, results, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

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
 * What an LlmIO transform of one result per input produces: its results, and the inputs that got
 * none, each carrying its error (of the result's own type for embeddings, rankings and
 * transcriptions; an {@link LlmFailure} for the ready helpers). The subclasses name the two.
 *
 * @param <T> a result
 * @param <F> a failure
 */
abstract class SplitOutput<T, F> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> resultsTag;
  private final PCollection<T> results;
  private final TupleTag<F> failuresTag;
  private final PCollection<F> failures;

  SplitOutput(
      Pipeline pipeline,
      TupleTag<T> resultsTag,
      PCollection<T> results,
      TupleTag<F> failuresTag,
      PCollection<F> failures) {
    this.pipeline = pipeline;
    this.resultsTag = resultsTag;
    this.results = results;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  PCollection<T> results() {
    return results;
  }

  PCollection<F> failed() {
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

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
 * What a non-chat LlmIO transform produces: its results and, of the same type, the inputs that got
 * none, each carrying its error. The subclasses name the two.
 *
 * @param <T> a result, or a failure holding its error
 */
abstract class SplitOutput<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> resultsTag;
  private final PCollection<T> results;
  private final TupleTag<T> failuresTag;
  private final PCollection<T> failures;

  SplitOutput(
      Pipeline pipeline,
      TupleTag<T> resultsTag,
      PCollection<T> results,
      TupleTag<T> failuresTag,
      PCollection<T> failures) {
    this.pipeline = pipeline;
    this.resultsTag = resultsTag;
    this.results = results;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  PCollection<T> results() {
    return results;
  }

  PCollection<T> failed() {
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

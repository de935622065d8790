package dev.beamllm.beam;

import dev.beamllm.client.AgentResult;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#agent()} produces: one {@link AgentResult} per row whose loop ended with an
 * answer (the final conversation, the answer, the turns, usage and cost), and one {@link
 * LlmFailure} per row whose loop failed, with the turn it failed on, so no row is lost.
 */
public final class AgentOutput implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<AgentResult> resultsTag;
  private final PCollection<AgentResult> results;
  private final TupleTag<LlmFailure> failuresTag;
  private final PCollection<LlmFailure> failures;

  AgentOutput(
      Pipeline pipeline,
      TupleTag<AgentResult> resultsTag,
      PCollection<AgentResult> results,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    this.pipeline = pipeline;
    this.resultsTag = resultsTag;
    this.results = results;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  /** Every loop that ended with an answer, with its input's window and timestamp. */
  public PCollection<AgentResult> results() {
    return results;
  }

  /**
   * One failure per loop that did not end with an answer: the input request, the failed turn's
   * error (or {@code MAX_TURNS}) and {@link LlmFailure#getTurn()}.
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

package dev.beamllm.beam;

import dev.beamllm.response.ApiResponse;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#complete()} produces: every answer (cache hits and fresh answers merged, each
 * carrying its conversation's id) and every failure (with its input), so no row is lost.
 */
public final class LlmResult implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<ApiResponse> responsesTag;
  private final PCollection<ApiResponse> responses;
  private final TupleTag<LlmFailure> failuresTag;
  private final PCollection<LlmFailure> failures;

  private LlmResult(
      Pipeline pipeline,
      TupleTag<ApiResponse> responsesTag,
      PCollection<ApiResponse> responses,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    this.pipeline = pipeline;
    this.responsesTag = responsesTag;
    this.responses = responses;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  static LlmResult in(
      Pipeline pipeline,
      TupleTag<ApiResponse> responsesTag,
      PCollection<ApiResponse> responses,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    return new LlmResult(pipeline, responsesTag, responses, failuresTag, failures);
  }

  /**
   * Every answer: fresh ones, cache hits and the answers of identical requests sent once, each with
   * its conversation's id and metadata, and its input's window and timestamp.
   */
  public PCollection<ApiResponse> responses() {
    return responses;
  }

  /**
   * One {@link LlmFailure} per request that could not be answered: the request, the error, the
   * attempts and the model tried last. Encoded by its schema, so {@code Convert.toRows()} applies.
   */
  public PCollection<LlmFailure> failures() {
    return failures;
  }

  /** The tag {@link #expand()} gives {@link #responses()} when Beam asks for this output. */
  public TupleTag<ApiResponse> responsesTag() {
    return responsesTag;
  }

  /** The tag {@link #expand()} gives {@link #failures()} when Beam asks for this output. */
  public TupleTag<LlmFailure> failuresTag() {
    return failuresTag;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(responsesTag, responses, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

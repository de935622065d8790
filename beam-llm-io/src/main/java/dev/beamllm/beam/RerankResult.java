package dev.beamllm.beam;

import dev.beamllm.response.Ranking;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#rerank} produces: every query's ranking (fresh or from the cache, with its id)
 * and every query that got none, with its error.
 */
public final class RerankResult implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<Ranking> rankingsTag;
  private final PCollection<Ranking> rankings;
  private final TupleTag<Ranking> failuresTag;
  private final PCollection<Ranking> failures;

  RerankResult(
      Pipeline pipeline,
      TupleTag<Ranking> rankingsTag,
      PCollection<Ranking> rankings,
      TupleTag<Ranking> failuresTag,
      PCollection<Ranking> failures) {
    this.pipeline = pipeline;
    this.rankingsTag = rankingsTag;
    this.rankings = rankings;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  /** Every ranking, best document first, with its query's id, window and timestamp. */
  public PCollection<Ranking> rankings() {
    return rankings;
  }

  /** The queries that got no ranking, each a {@link Ranking} holding its id and error. */
  public PCollection<Ranking> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(rankingsTag, rankings, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

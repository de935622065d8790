package dev.beamllm.beam;

import dev.beamllm.response.Ranking;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#rerank} produces: every query's ranking (fresh or from the cache, with its id)
 * and every query that got none, with its error.
 */
public final class RerankResult extends SplitOutput<Ranking, Ranking> {

  RerankResult(
      Pipeline pipeline,
      TupleTag<Ranking> rankingsTag,
      PCollection<Ranking> rankings,
      TupleTag<Ranking> failuresTag,
      PCollection<Ranking> failures) {
    super(pipeline, rankingsTag, rankings, failuresTag, failures);
  }

  /** Every ranking, best document first, with its query's id, window and timestamp. */
  public PCollection<Ranking> rankings() {
    return results();
  }

  /** The queries that got no ranking, each a {@link Ranking} holding its id and error. */
  public PCollection<Ranking> failures() {
    return failed();
  }
}

package dev.beamllm.beam;

import dev.beamllm.response.Embedding;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#embed} produces: every text's embedding (fresh ones and cache hits, each with
 * its text's id) and every text that got none, with its error, so no text is lost.
 */
public final class EmbedResult extends SplitOutput<Embedding, Embedding> {

  EmbedResult(
      Pipeline pipeline,
      TupleTag<Embedding> embeddingsTag,
      PCollection<Embedding> embeddings,
      TupleTag<Embedding> failuresTag,
      PCollection<Embedding> failures) {
    super(pipeline, embeddingsTag, embeddings, failuresTag, failures);
  }

  /** Every vector, with its text's id and its input's window and timestamp. */
  public PCollection<Embedding> embeddings() {
    return results();
  }

  /** The texts that got no vector, each an {@link Embedding} holding its id and error. */
  public PCollection<Embedding> failures() {
    return failed();
  }

  /**
   * The embeddings as Beam {@link org.apache.beam.sdk.values.Row}s of {@link EmbeddingRows#SCHEMA}
   * ({@code id}, {@code model}, {@code vector}, {@code input_tokens}, {@code cost}, {@code
   * cache_hit}), for schema-aware sinks (BigQuery, Parquet, SQL).
   */
  public PCollection<org.apache.beam.sdk.values.Row> rows() {
    return results().apply("EmbeddingRows", EmbeddingRows.toRows());
  }
}

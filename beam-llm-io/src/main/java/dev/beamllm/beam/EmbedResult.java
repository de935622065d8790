package dev.beamllm.beam;

import dev.beamllm.response.Embedding;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#embed} produces: every text's embedding (fresh ones and cache hits, each with
 * its text's id) and every text that got none, with its error, so no text is lost.
 */
public final class EmbedResult implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<Embedding> embeddingsTag;
  private final PCollection<Embedding> embeddings;
  private final TupleTag<Embedding> failuresTag;
  private final PCollection<Embedding> failures;

  EmbedResult(
      Pipeline pipeline,
      TupleTag<Embedding> embeddingsTag,
      PCollection<Embedding> embeddings,
      TupleTag<Embedding> failuresTag,
      PCollection<Embedding> failures) {
    this.pipeline = pipeline;
    this.embeddingsTag = embeddingsTag;
    this.embeddings = embeddings;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  /** Every vector, with its text's id and its input's window and timestamp. */
  public PCollection<Embedding> embeddings() {
    return embeddings;
  }

  /** The texts that got no vector, each an {@link Embedding} holding its id and error. */
  public PCollection<Embedding> failures() {
    return failures;
  }

  /**
   * The embeddings as Beam {@link org.apache.beam.sdk.values.Row}s of {@link EmbeddingRows#SCHEMA}
   * ({@code id}, {@code model}, {@code vector}, {@code input_tokens}, {@code cost}, {@code
   * cache_hit}), for schema-aware sinks (BigQuery, Parquet, SQL).
   */
  public PCollection<org.apache.beam.sdk.values.Row> rows() {
    return embeddings.apply("EmbeddingRows", EmbeddingRows.toRows());
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(embeddingsTag, embeddings, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

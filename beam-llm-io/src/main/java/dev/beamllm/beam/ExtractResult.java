package dev.beamllm.beam;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.JsonToRow;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#extract} produces: a typed row per conversation whose answer satisfied the
 * schema (at once or after its repair turn), and a failure per conversation that got none, so no
 * row is lost.
 *
 * @param <T> the row type: the record or bean class, or String (the JSON) for a schema given as
 *     text
 */
public final class ExtractResult<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<KV<String, T>> rowsTag;
  private final PCollection<KV<String, T>> keyedRows;
  private final TupleTag<LlmFailure> failuresTag;
  private final PCollection<LlmFailure> failures;
  private final PCollection<T> rows;

  ExtractResult(
      Pipeline pipeline,
      TupleTag<KV<String, T>> rowsTag,
      PCollection<KV<String, T>> keyedRows,
      PCollection<T> rows,
      TupleTag<LlmFailure> failuresTag,
      PCollection<LlmFailure> failures) {
    this.pipeline = pipeline;
    this.rowsTag = rowsTag;
    this.keyedRows = keyedRows;
    this.rows = rows;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  /**
   * The rows, each with its input's window and timestamp. For a class with a Beam schema the
   * collection has it (ready for {@code BigQueryIO.write().useBeamSchema()}, {@code ParquetIO},
   * {@code Convert.toRows()}); for a schema given as text each row is its JSON object.
   */
  public PCollection<T> rows() {
    return rows;
  }

  /**
   * For a schema given as text ({@link LlmIO#extract(String)}): the JSON rows as Beam {@link Row}s
   * of {@code beamSchema} (Beam's {@link JsonToRow}; field names as in the JSON), for schema-aware
   * sinks. A row the Beam schema does not fit fails the pipeline, so give the schema the JSON
   * schema describes. For a class, use {@link #rows()}, which already has a schema.
   *
   * @throws IllegalStateException when the rows are of a class, not JSON text
   */
  public PCollection<Row> rows(Schema beamSchema) {
    if (!(rows.getCoder() instanceof StringUtf8Coder)) {
      throw new IllegalStateException(
          "rows(Schema) reads JSON text rows; rows of a class already have a schema: use rows()");
    }
    @SuppressWarnings("unchecked")
    PCollection<String> json = (PCollection<String>) rows;
    return json.apply("JsonRows", JsonToRow.withSchema(beamSchema));
  }

  /** The rows keyed by their conversation's id (null for a conversation without one). */
  public PCollection<KV<String, T>> rowsWithIds() {
    return keyedRows;
  }

  /**
   * One {@link LlmFailure} per conversation with no valid row, naming the request as it was given:
   * the completion's own failures (auth, retries exhausted...) and {@code INVALID_OUTPUT} ones,
   * whose {@link LlmFailure#getAnswer()} holds the last answer and whose message quotes its errors.
   * {@link LlmFailure#getTurn()} says which turn failed: 1, or 2 for the repair turn.
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
    return Map.of(rowsTag, keyedRows, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

package dev.beamllm.beam;

import dev.beamllm.response.Embedding;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Embeddings as Beam rows with a schema, so schema-aware sinks take them as they are. */
public final class EmbeddingRows {
  private EmbeddingRows() {}

  /**
   * {@code id} (nullable), {@code model}, {@code vector} (floats), {@code input_tokens}, {@code
   * cost}, {@code cache_hit}.
   */
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("id", Schema.FieldType.STRING)
          .addStringField("model")
          .addArrayField("vector", Schema.FieldType.FLOAT)
          .addInt64Field("input_tokens")
          .addDoubleField("cost")
          .addBooleanField("cache_hit")
          .build();

  /** One embedding as a row of {@link #SCHEMA}. */
  public static Row toRow(Embedding e) {
    float[] v = e.vector();
    List<Float> vector = new ArrayList<>(v.length);
    for (float f : v) {
      vector.add(f);
    }
    return Row.withSchema(SCHEMA)
        .addValues(e.id().orElse(null), e.model(), vector, e.inputTokens(), e.cost(), e.cacheHit())
        .build();
  }

  /** The transform from embeddings to rows of {@link #SCHEMA}. */
  public static PTransform<PCollection<Embedding>, PCollection<Row>> toRows() {
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PCollection<Embedding> input) {
        return input
            .apply(MapElements.into(TypeDescriptors.rows()).via(EmbeddingRows::toRow))
            .setRowSchema(SCHEMA);
      }
    };
  }
}

package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.schemas.AutoValueSchema;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaFieldName;
import org.apache.beam.sdk.schemas.annotations.SchemaFieldNumber;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One text's label ({@link LlmIO#classify}), always one of the transform's labels: the answer was
 * checked against the label set (and repaired once when it was not in it). A Beam schema with the
 * fields {@code id} and {@code label}, for schema-aware sinks.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class Classification {

  /** The text's id, or null when it had none. */
  @SchemaFieldNumber("0")
  @SchemaFieldName("id")
  public abstract @Nullable String getId();

  /** The label the model chose, exactly as given to {@link LlmIO#classify}. */
  @SchemaFieldNumber("1")
  @SchemaFieldName("label")
  public abstract String getLabel();

  static Classification of(@Nullable String id, String label) {
    return new AutoValue_Classification(id, label);
  }

  /** The schema coder of classifications, as Beam infers it. */
  public static SchemaCoder<Classification> coder() {
    return CoderHolder.CODER;
  }

  private static final class CoderHolder {
    static final SchemaCoder<Classification> CODER;

    static {
      try {
        CODER = SchemaRegistry.createDefault().getSchemaCoder(Classification.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("Classification has no schema", e);
      }
    }
  }
}

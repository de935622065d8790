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
 * One text in the target language ({@link LlmIO#translate}): translated by a model, or kept as it
 * was because it was already in that language ({@link #isSent()} false: nothing was sent, nothing
 * paid). It has a Beam schema, so {@link TranslateResult#translations()} goes to schema-aware sinks
 * (BigQuery, Parquet) as it is; the fields in snake_case: {@code id}, {@code source_text}, {@code
 * source_language}, {@code target_language}, {@code text}, {@code sent}, {@code model}, {@code
 * cost}.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class Translation {

  /** The text's id, or null when it had none. */
  @SchemaFieldNumber("0")
  @SchemaFieldName("id")
  public abstract @Nullable String getId();

  /** The text as given. */
  @SchemaFieldNumber("1")
  @SchemaFieldName("source_text")
  public abstract String getSourceText();

  /**
   * The language the text was detected in (ISO 639-1, {@code "en"}), or null when the detector was
   * not sure enough (short or mixed text), in which case the text was sent.
   */
  @SchemaFieldNumber("2")
  @SchemaFieldName("source_language")
  public abstract @Nullable String getSourceLanguage();

  /** The language asked for (ISO 639-1). */
  @SchemaFieldNumber("3")
  @SchemaFieldName("target_language")
  public abstract String getTargetLanguage();

  /** The text in the target language: the model's answer, or the source text when not sent. */
  @SchemaFieldNumber("4")
  @SchemaFieldName("text")
  public abstract String getText();

  /** Whether the text was sent to a model; false when it was already in the target language. */
  @SchemaFieldNumber("5")
  @SchemaFieldName("sent")
  public abstract boolean isSent();

  /** The model that translated it; empty when the text was not sent. */
  @SchemaFieldNumber("6")
  @SchemaFieldName("model")
  public abstract String getModel();

  /** What the translation cost in dollars (0 when not sent or answered from the cache). */
  @SchemaFieldNumber("7")
  @SchemaFieldName("cost")
  public abstract double getCost();

  /** A text translated by {@code model}. */
  static Translation translated(
      @Nullable String id,
      String source,
      @Nullable String sourceLanguage,
      String target,
      String text,
      String model,
      double cost) {
    return new AutoValue_Translation(id, source, sourceLanguage, target, text, true, model, cost);
  }

  /** A text already in {@code target}, kept as it is. */
  static Translation kept(@Nullable String id, String source, String target) {
    return new AutoValue_Translation(id, source, target, target, source, false, "", 0.0);
  }

  /** The schema coder of translations, as Beam infers it. */
  public static SchemaCoder<Translation> coder() {
    return CoderHolder.CODER;
  }

  private static final class CoderHolder {
    static final SchemaCoder<Translation> CODER;

    static {
      try {
        CODER = SchemaRegistry.createDefault().getSchemaCoder(Translation.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("Translation has no schema", e);
      }
    }
  }
}

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
 * One text's yes/no judgement ({@link LlmIO#score}): the model's answer and the probability of yes.
 * Where the model returned log-probabilities, the probability is read from the first answer token's
 * alternatives ({@link #isFromLogprobs()}); elsewhere (Anthropic, Bedrock...) it is 1 for a yes and
 * 0 for a no. A Beam schema with the fields {@code id}, {@code yes}, {@code probability_yes},
 * {@code from_logprobs}, {@code model}, {@code cost}.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class Score {

  /** The text's id, or null when it had none. */
  @SchemaFieldNumber("0")
  @SchemaFieldName("id")
  public abstract @Nullable String getId();

  /** Whether the model answered yes (its answer text). */
  @SchemaFieldNumber("1")
  @SchemaFieldName("yes")
  public abstract boolean isYes();

  /**
   * The probability of yes, in [0, 1]: the yes tokens' share of the yes and no tokens' probability
   * mass at the answer's first token, or 1/0 from the answer text.
   */
  @SchemaFieldNumber("2")
  @SchemaFieldName("probability_yes")
  public abstract double getProbabilityYes();

  /** Whether {@link #getProbabilityYes()} came from the model's log-probabilities. */
  @SchemaFieldNumber("3")
  @SchemaFieldName("from_logprobs")
  public abstract boolean isFromLogprobs();

  /** The model that answered. */
  @SchemaFieldNumber("4")
  @SchemaFieldName("model")
  public abstract String getModel();

  /** What the answer cost in dollars (0 when answered from the cache). */
  @SchemaFieldNumber("5")
  @SchemaFieldName("cost")
  public abstract double getCost();

  static Score of(
      @Nullable String id,
      boolean yes,
      double probabilityYes,
      boolean fromLogprobs,
      String model,
      double cost) {
    return new AutoValue_Score(id, yes, probabilityYes, fromLogprobs, model, cost);
  }

  /** The schema coder of scores, as Beam infers it. */
  public static SchemaCoder<Score> coder() {
    return CoderHolder.CODER;
  }

  private static final class CoderHolder {
    static final SchemaCoder<Score> CODER;

    static {
      try {
        CODER = SchemaRegistry.createDefault().getSchemaCoder(Score.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("Score has no schema", e);
      }
    }
  }
}

package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.Objects;
import org.apache.beam.sdk.schemas.AutoValueSchema;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaFieldName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A request that could not be answered, and why: bad input, auth, context length, or retries
 * exhausted in both call stages. One per input row that failed, so no row is lost.
 *
 * <p>It has a Beam schema, as RequestResponseIO's {@code ApiIOError} has: {@link
 * LlmResult#failures()} can be turned into {@code Row}s ({@code Convert.toRows()}) or written where
 * rows go (BigQuery, Parquet, JDBC) with no coder of its own. The fields, in snake_case:
 *
 * <ul>
 *   <li>{@code conversation_id}: the conversation's id, or null;
 *   <li>{@code conversation_json}: the conversation in the project's JSON form with images and
 *       files embedded, so it reads back as it came in ({@link #input()});
 *   <li>{@code source}: the input as the user wrote it (a JSONL line, a CSV row), or null;
 *   <li>{@code requested_model}, {@code max_new_tokens}, {@code temperature}, {@code
 *       output_schema}: the request's own settings, each null when the request had none;
 *   <li>{@code error_kind} (an {@link ErrorKind} name), {@code message}, {@code status} (the last
 *       HTTP status, 0 when there was no HTTP answer), {@code retry_after_millis} (-1 when the
 *       provider gave none): the error that ended it;
 *   <li>{@code attempts}: attempts sent over both stages;
 *   <li>{@code model}: the model tried last, empty when none was;
 *   <li>{@code turn}: for an agent's row ({@code LlmIO.agent()}), the model turn it failed on, from
 *       1; 0 for a plain request;
 *   <li>{@code answer}: the model's answer that was refused, or null: an extraction's ({@code
 *       LlmIO.extract}) last answer that was not valid for its schema ({@code INVALID_OUTPUT}).
 * </ul>
 *
 * <p>{@link #request()} and {@link #error()} rebuild the request and the error from these fields,
 * equal to what was sent and received, so failures can be fed back into {@code
 * LlmIO.complete().forRequests()}.
 */
@DefaultSchema(AutoValueSchema.class)
@AutoValue
public abstract class LlmFailure {

  /** A failure of a bare conversation (a request with no settings of its own). */
  public static LlmFailure of(Conversation input, ApiError error, int attempts, String model) {
    return of(LlmRequest.of(Objects.requireNonNull(input, "input")), error, attempts, model);
  }

  /**
   * The failure of {@code request}: {@code error} ended it after {@code attempts} attempts, the
   * last on {@code model} (null or empty when no model was tried).
   */
  public static LlmFailure of(LlmRequest request, ApiError error, int attempts, String model) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(error, "error");
    return new AutoValue_LlmFailure.Builder()
        .setConversationId(request.id().orElse(null))
        .setConversationJson(ConversationCoder.embeddedJson(request.conversation()))
        .setSource(request.source().orElse(null))
        .setRequestedModel(request.model().orElse(null))
        .setMaxNewTokens(request.maxNewTokens().orElse(null))
        .setTemperature(request.temperature().orElse(null))
        .setOutputSchema(request.outputSchema().orElse(null))
        .setErrorKind(error.kind().name())
        .setMessage(error.message())
        .setStatus(error.status())
        .setRetryAfterMillis(error.retryAfterMillis())
        .setAttempts(attempts)
        .setModel(model == null ? "" : model)
        .setTurn(0)
        .build();
  }

  /**
   * This failure with the model's refused answer (an extraction's answer that failed its schema),
   * kept so the row can be inspected or repaired by hand.
   */
  public LlmFailure withAnswer(@Nullable String answer) {
    return toBuilder().setAnswer(answer).build();
  }

  /** This failure, as an agent's row that failed on model turn {@code turn} (from 1). */
  public LlmFailure withTurn(int turn) {
    if (turn < 0) {
      throw new IllegalArgumentException("turn must not be negative, not " + turn);
    }
    return toBuilder().setTurn(turn).build();
  }

  /**
   * The schema coder {@link LlmResult#failures()} is encoded with, as Beam infers it for a {@code
   * PCollection<LlmFailure>}: for {@code setCoder} or {@code TestStream.create}.
   */
  public static SchemaCoder<LlmFailure> coder() {
    return CoderHolder.CODER;
  }

  /** Infers the schema coder once, on first use. */
  private static final class CoderHolder {
    static final SchemaCoder<LlmFailure> CODER;

    static {
      try {
        CODER = SchemaRegistry.createDefault().getSchemaCoder(LlmFailure.class);
      } catch (NoSuchSchemaException e) {
        throw new IllegalStateException("LlmFailure has no schema", e);
      }
    }
  }

  // ---- the schema's fields ----

  /** The conversation's id, or null when it had none. */
  @SchemaFieldName("conversation_id")
  public abstract @Nullable String getConversationId();

  /**
   * The conversation in the project's JSON form ({@code {"v": 1, "id": ..., "metadata": ...,
   * "messages": [...]}}) with every image and file embedded, so it reads back without the
   * launcher's files.
   */
  @SchemaFieldName("conversation_json")
  public abstract String getConversationJson();

  /** The input as the user wrote it (a JSONL line, a CSV row), or null when it was not kept. */
  @SchemaFieldName("source")
  public abstract @Nullable String getSource();

  /** The model the request itself named, or null when it left the choice to the transform. */
  @SchemaFieldName("requested_model")
  public abstract @Nullable String getRequestedModel();

  /** The request's own output limit, or null. */
  @SchemaFieldName("max_new_tokens")
  public abstract @Nullable Integer getMaxNewTokens();

  /** The request's own temperature, or null. */
  @SchemaFieldName("temperature")
  public abstract @Nullable Double getTemperature();

  /** The JSON schema the request's answer had to satisfy, or null. */
  @SchemaFieldName("output_schema")
  public abstract @Nullable String getOutputSchema();

  /** The {@link ErrorKind} that ended it, by name ({@code "RATE_LIMIT"}, {@code "AUTH"}...). */
  @SchemaFieldName("error_kind")
  public abstract String getErrorKind();

  /** The provider's error message, or ours; never contains a key. */
  @SchemaFieldName("message")
  public abstract String getMessage();

  /** The last HTTP status, or 0 when no HTTP answer came (a timeout, input refused unsent). */
  @SchemaFieldName("status")
  public abstract int getStatus();

  /** The provider's last retry-after in milliseconds, or -1 when it gave none. */
  @SchemaFieldName("retry_after_millis")
  public abstract long getRetryAfterMillis();

  /** Attempts sent over both call stages; 0 when the request was refused before sending. */
  @SchemaFieldName("attempts")
  public abstract int getAttempts();

  /** The model tried last, or empty when none was. */
  @SchemaFieldName("model")
  public abstract String getModel();

  /** The agent turn it failed on, from 1; 0 when it was not an agent's row. */
  @SchemaFieldName("turn")
  public abstract int getTurn();

  /** The model's answer that was refused (see {@link #withAnswer}), or null. */
  @SchemaFieldName("answer")
  public abstract @Nullable String getAnswer();

  abstract Builder toBuilder();

  // ---- the same, as the library's types ----

  /** The conversation as it came in, read back from {@link #getConversationJson()}. */
  public Conversation input() {
    return ConversationCoder.fromEmbeddedJson(getConversationJson());
  }

  /**
   * The request as it came in: the conversation with its own settings and its source, equal to the
   * request that failed.
   */
  public LlmRequest request() {
    return LlmRequest.of(input())
        .withModel(getRequestedModel())
        .withMaxNewTokens(getMaxNewTokens())
        .withTemperature(getTemperature())
        .withOutputSchema(getOutputSchema())
        .withSource(getSource());
  }

  /** The error that ended it: kind, message, last HTTP status and retry-after. */
  public ApiError error() {
    return new ApiError(
        ErrorKind.valueOf(getErrorKind()), getMessage(), getStatus(), getRetryAfterMillis());
  }

  /** Attempts sent over both call stages (the same as {@link #getAttempts()}). */
  public int attempts() {
    return getAttempts();
  }

  /** The model tried last, or empty when none was (the same as {@link #getModel()}). */
  public String model() {
    return getModel();
  }

  @Override
  public final String toString() {
    return "LlmFailure{"
        + (getConversationId() == null ? "?" : getConversationId())
        + ", "
        + error()
        + ", attempts="
        + getAttempts()
        + (getTurn() > 0 ? ", turn=" + getTurn() : "")
        + "}";
  }

  /** Builds failures; {@link #of} fills it from a request, Beam from a {@code Row}. */
  @AutoValue.Builder
  abstract static class Builder {
    public abstract Builder setConversationId(@Nullable String id);

    public abstract Builder setConversationJson(String json);

    public abstract Builder setSource(@Nullable String source);

    public abstract Builder setRequestedModel(@Nullable String model);

    public abstract Builder setMaxNewTokens(@Nullable Integer n);

    public abstract Builder setTemperature(@Nullable Double t);

    public abstract Builder setOutputSchema(@Nullable String schemaJson);

    public abstract Builder setErrorKind(String kind);

    public abstract Builder setMessage(String message);

    public abstract Builder setStatus(int status);

    public abstract Builder setRetryAfterMillis(long millis);

    public abstract Builder setAttempts(int attempts);

    public abstract Builder setModel(String model);

    public abstract Builder setTurn(int turn);

    public abstract Builder setAnswer(@Nullable String answer);

    abstract LlmFailure build();
  }
}

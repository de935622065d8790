package dev.beamllm.beam;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiError;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A conversation that could not be answered, and why: bad input, auth, context length, or
 * retries exhausted on every stage. Carries the input so nothing is lost.
 */
@DefaultCoder(LlmFailureCoder.class)
public final class LlmFailure {
  private final Conversation input;
  private final ApiError error;
  private final int attempts;
  private final String model;

  /** A failure record. */
  public LlmFailure(Conversation input, ApiError error, int attempts, String model) {
    this.input = Objects.requireNonNull(input, "input");
    this.error = Objects.requireNonNull(error, "error");
    this.attempts = attempts;
    this.model = model == null ? "" : model;
  }

  /** The conversation as it came in. */
  public Conversation input() {
    return input;
  }

  /** The error that ended it (kind, message, last HTTP status). */
  public ApiError error() {
    return error;
  }

  /** Attempts made over all stages. */
  public int attempts() {
    return attempts;
  }

  /** The model tried last, or empty when none was. */
  public String model() {
    return model;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmFailure f && input.equals(f.input) && error.equals(f.error) && attempts == f.attempts && model.equals(f.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(input, error, attempts, model);
  }

  @Override
  public String toString() {
    return "LlmFailure{" + input.id().orElse("?") + ", " + error + ", attempts=" + attempts + "}";
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiError;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A conversation that could not be answered, and why: bad input, auth, context length, or retries
 * exhausted on every stage. Carries the request (with its source, when it had one) so nothing is
 * lost.
 */
@DefaultCoder(LlmFailureCoder.class)
public final class LlmFailure {
  private final LlmRequest request;
  private final ApiError error;
  private final int attempts;
  private final String model;

  /** A failure record. */
  public LlmFailure(Conversation input, ApiError error, int attempts, String model) {
    this(LlmRequest.of(Objects.requireNonNull(input, "input")), error, attempts, model);
  }

  /** A failure record of a request with its own settings. */
  public LlmFailure(LlmRequest request, ApiError error, int attempts, String model) {
    this.request = Objects.requireNonNull(request, "request");
    this.error = Objects.requireNonNull(error, "error");
    this.attempts = attempts;
    this.model = model == null ? "" : model;
  }

  /** The conversation as it came in. */
  public Conversation input() {
    return request.conversation();
  }

  /** The request as it came in: the conversation, its own settings and its source. */
  public LlmRequest request() {
    return request;
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
    return o instanceof LlmFailure f
        && request.equals(f.request)
        && error.equals(f.error)
        && attempts == f.attempts
        && model.equals(f.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(request, error, attempts, model);
  }

  @Override
  public String toString() {
    return "LlmFailure{" + request.id().orElse("?") + ", " + error + ", attempts=" + attempts + "}";
  }
}

package dev.beamllm.response;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * Why a request failed.
 *
 * @param kind the class of error
 * @param message the provider's message (or ours), never containing a key
 * @param status the HTTP status, or 0 when there was no HTTP answer
 * @param retryAfterMillis the provider's retry-after in milliseconds, or -1 when not given
 */
public record ApiError(ErrorKind kind, String message, int status, long retryAfterMillis)
    implements Serializable {

  /** An error with no HTTP status and no retry-after. */
  public static ApiError of(ErrorKind kind, String message) {
    return new ApiError(kind, message, 0, -1);
  }

  /** Whether another attempt may succeed. */
  public boolean retryable() {
    return kind.retryable();
  }

  /** The provider's retry-after, if it gave one. */
  public Optional<Duration> retryAfter() {
    return retryAfterMillis < 0
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(retryAfterMillis));
  }

  @Override
  public String toString() {
    return kind + (status > 0 ? " (" + status + ")" : "") + ": " + message;
  }
}

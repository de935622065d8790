package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Json;
import java.util.Map;

/**
 * Errors as Voyage AI and Jina AI answer them, FastAPI's {@code {"detail": "message"}} by status; a
 * 429 says when to retry in {@code retry-after}.
 */
final class DetailErrors {
  private DetailErrors() {}

  static FakeHttpResponse error(ErrorKind kind, String message, RateLimitState limits) {
    String text =
        switch (kind) {
          case BAD_REQUEST, CONTEXT_LENGTH, NOT_FOUND, QUOTA_EXHAUSTED -> message;
          case UNAUTHORIZED -> "Provided API key is invalid.";
          case RATE_LIMIT -> "Rate limit exceeded, please retry after a moment.";
          case SERVER_ERROR -> "The server failed to process the request.";
          case BAD_GATEWAY, UNAVAILABLE, OVERLOADED -> "The server is overloaded or not ready yet.";
        };
    int status =
        switch (kind) {
          case OVERLOADED -> 503;
          // Neither API has a model path: an unknown model is a bad request.
          case NOT_FOUND -> 400;
          default -> kind.status;
        };
    FakeHttpResponse response =
        FakeHttpResponse.json(status, Json.write(Json.object().put("detail", text)));
    return kind == ErrorKind.RATE_LIMIT
        ? response.withHeaders(Map.of("retry-after", String.valueOf(limits.retryAfterSeconds())))
        : response;
  }
}

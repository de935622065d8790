package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;

/**
 * Google's errors, {@code {"error": {"code", "message", "status", "details"}}}, classified by their
 * canonical status first: the HTTP status alone misreads a bad key (a 400) and an unavailable model
 * (a 503 that does not say "overloaded"). Reference: ai.google.dev/gemini-api/docs/troubleshooting.
 */
final class GeminiErrors {
  private GeminiErrors() {}

  /** The error of a non-2xx answer, or of an error event in a stream. */
  static ApiError classify(HttpAnswer answer) {
    JsonNode error;
    try {
      error = Json.parse(answer.body()).path("error");
    } catch (InvalidPromptException notJson) {
      return Errors.classify(answer, "HTTP " + answer.status());
    }
    String message = error.path("message").asText("HTTP " + answer.status());
    ErrorKind kind =
        switch (error.path("status").asText("")) {
          case "RESOURCE_EXHAUSTED" -> ErrorKind.RATE_LIMIT;
          case "UNAVAILABLE" -> ErrorKind.OVERLOADED;
          case "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED" -> ErrorKind.SERVER;
          case "UNAUTHENTICATED", "PERMISSION_DENIED" -> ErrorKind.AUTH;
          case "NOT_FOUND" -> ErrorKind.NOT_FOUND;
          case "INVALID_ARGUMENT" -> invalidKey(error) ? ErrorKind.AUTH : null;
          default -> null;
        };
    ApiError byStatus = Errors.classify(answer, message);
    long retryAfter = retryDelayMillis(error);
    return new ApiError(
        kind != null ? kind : byStatus.kind(),
        message,
        answer.status(),
        retryAfter >= 0 ? retryAfter : byStatus.retryAfterMillis());
  }

  /** Google answers an unknown or expired key with a 400 whose {@code ErrorInfo} reason says so. */
  private static boolean invalidKey(JsonNode error) {
    for (JsonNode d : error.path("details")) {
      String reason = d.path("reason").asText("");
      if (reason.equals("API_KEY_INVALID") || reason.equals("API_KEY_EXPIRED")) {
        return true;
      }
    }
    return error.path("message").asText("").startsWith("API key not valid");
  }

  /**
   * The {@code RetryInfo} detail's {@code retryDelay} (a protobuf duration such as {@code 17s}) in
   * milliseconds, or -1.
   */
  private static long retryDelayMillis(JsonNode error) {
    for (JsonNode d : error.path("details")) {
      if (d.path("@type").asText("").endsWith("google.rpc.RetryInfo")) {
        return Errors.goDurationMillis(d.path("retryDelay").asText(""));
      }
    }
    return -1;
  }
}

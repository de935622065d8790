package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.Map;

/**
 * Anthropic's errors: {@code {"type":"error","error":{"type","message"}}}, classified by status and
 * words as every provider's ({@link Errors#classify}), with one rule of Anthropic's own: an {@code
 * overloaded_error} is overloaded whatever its status. Errors inside a stream have no status of
 * their own, so they get the one Anthropic documents for their type. Reference:
 * docs.anthropic.com/en/api/errors.
 */
final class AnthropicErrors {
  private static final String OVERLOADED = "overloaded_error";

  private AnthropicErrors() {}

  /** The error of a non-2xx answer. */
  static ApiError of(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    String type = "";
    try {
      JsonNode e = Json.parse(answer.body()).path("error");
      message = e.path("message").asText(message);
      type = e.path("type").asText("");
    } catch (InvalidPromptException notJson) {
      // a proxy's page, not Anthropic's JSON: the status decides
    }
    return overloaded(Errors.classify(answer, message, null, type), type);
  }

  /** The error of an {@code error} event in a stream ({@code data} is its JSON). */
  static ApiError ofEvent(JsonNode data) {
    JsonNode e = data.path("error");
    String type = e.path("type").asText("");
    String message = e.path("message").asText("stream error " + type);
    HttpAnswer asDocumented = new HttpAnswer(statusOf(type), Map.of(), "");
    return overloaded(Errors.classify(asDocumented, message), type);
  }

  private static ApiError overloaded(ApiError error, String type) {
    if (OVERLOADED.equals(type) && error.kind() != ErrorKind.OVERLOADED) {
      return new ApiError(
          ErrorKind.OVERLOADED, error.message(), error.status(), error.retryAfterMillis());
    }
    return error;
  }

  /**
   * The HTTP status Anthropic documents for each error type: for errors that come without one (in a
   * stream, in a batch's results).
   */
  static int statusOf(String type) {
    return switch (type) {
      case "invalid_request_error" -> 400;
      case "authentication_error" -> 401;
      case "billing_error" -> 402;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case OVERLOADED -> 529;
      default -> 500;
    };
  }
}

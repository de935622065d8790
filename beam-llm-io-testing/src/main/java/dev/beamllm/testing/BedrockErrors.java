package dev.beamllm.testing;

import dev.beamllm.prompt.internal.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Bedrock runtime's errors: {@code {"message": "..."}} with the AWS error type in the {@code
 * x-amzn-ErrorType} header, which the AWS SDKs read to pick the exception class. Reference:
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors
 * and docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html.
 */
final class BedrockErrors {
  private BedrockErrors() {}

  /**
   * The error for a kind. Bedrock's errors name no field, so {@code param} is only read for {@link
   * ErrorKind#UNAUTHORIZED}, where {@link BedrockAuth} puts the AWS error type it chose; a wrong
   * key otherwise is {@code UnrecognizedClientException}.
   */
  static FakeHttpResponse render(ErrorKind kind, String message, String param) {
    String type;
    int status;
    String text;
    switch (kind) {
      case BAD_REQUEST -> {
        type = "ValidationException";
        status = 400;
        text = message;
      }
      case CONTEXT_LENGTH -> {
        type = "ValidationException";
        status = 400;
        text = "Input is too long for requested model.";
      }
      case UNAUTHORIZED -> {
        type = param != null ? param : "UnrecognizedClientException";
        status = 403;
        text = param != null ? message : "The security token included in the request is invalid.";
      }
      case NOT_FOUND -> {
        type = "ResourceNotFoundException";
        status = 404;
        text = "Could not resolve the foundation model from the provided model identifier.";
      }
      case RATE_LIMIT -> {
        type = "ThrottlingException";
        status = 429;
        text = "Too many requests, please wait before trying again.";
      }
      case UNAVAILABLE, OVERLOADED -> {
        type = "ServiceUnavailableException";
        status = 503;
        text = "Bedrock is unable to process your request.";
      }
      default -> {
        type = "InternalServerException";
        status = 500;
        text =
            "The system encountered an unexpected error during processing. Try your request again.";
      }
    }
    Map<String, String> headers = new LinkedHashMap<>(requestId());
    headers.put("x-amzn-ErrorType", type);
    return FakeHttpResponse.json(status, Json.write(Json.object().put("message", text)))
        .withHeaders(headers);
  }

  /** {@code x-amzn-RequestId}, a fresh UUID, as on every Bedrock answer. */
  static Map<String, String> requestId() {
    return Map.of("x-amzn-RequestId", UUID.randomUUID().toString());
  }
}

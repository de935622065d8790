package dev.beamllm.provider.bedrock;

import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.util.Map;

/**
 * Bedrock runtime's errors: {@code {"message": ...}} with the AWS error type in the {@code
 * x-amzn-ErrorType} header. The type decides where it is unambiguous; validation errors and unknown
 * types go to {@link Errors#classify}, which finds a too-long input ("Input is too long for
 * requested model.") in the message. Reference:
 * docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors
 * and docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html.
 */
final class BedrockErrors {
  private static final Map<String, ErrorKind> BY_TYPE =
      Map.ofEntries(
          Map.entry("ThrottlingException", ErrorKind.RATE_LIMIT),
          // Bedrock answers these when the model has no capacity now; another attempt may find
          // some.
          Map.entry("ServiceUnavailableException", ErrorKind.OVERLOADED),
          Map.entry("ModelNotReadyException", ErrorKind.OVERLOADED),
          Map.entry("InternalServerException", ErrorKind.SERVER),
          // 408 and 424: the model timed out or failed while running; neither is the request's
          // fault.
          Map.entry("ModelTimeoutException", ErrorKind.SERVER),
          Map.entry("ModelErrorException", ErrorKind.SERVER),
          Map.entry("AccessDeniedException", ErrorKind.AUTH),
          Map.entry("UnrecognizedClientException", ErrorKind.AUTH),
          Map.entry("InvalidSignatureException", ErrorKind.AUTH),
          Map.entry("IncompleteSignatureException", ErrorKind.AUTH),
          Map.entry("MissingAuthenticationTokenException", ErrorKind.AUTH),
          Map.entry("ExpiredTokenException", ErrorKind.AUTH),
          Map.entry("ResourceNotFoundException", ErrorKind.NOT_FOUND));

  private BedrockErrors() {}

  /** The error of a non-2xx answer. */
  static ApiError of(HttpAnswer answer) {
    String message = "HTTP " + answer.status();
    try {
      var root = Json.parse(answer.body());
      // AWS JSON protocols spell it "message" or "Message".
      message = root.path("message").asText(root.path("Message").asText(message));
    } catch (InvalidPromptException notJson) {
      // a proxy's page: the type header and status decide
    }
    String type = errorType(answer);
    ApiError classified = Errors.classify(answer, type.isEmpty() ? message : type + ": " + message);
    ErrorKind kind = BY_TYPE.get(type);
    return kind == null
        ? classified
        : new ApiError(
            kind, classified.message(), classified.status(), classified.retryAfterMillis());
  }

  /** The AWS error type, without the {@code :<namespace>} some services append. */
  private static String errorType(HttpAnswer answer) {
    String t = answer.header("x-amzn-ErrorType").orElse("");
    int colon = t.indexOf(':');
    return colon < 0 ? t.trim() : t.substring(0, colon).trim();
  }
}

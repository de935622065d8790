package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini's errors in Google's shape, {@code {"error": {code, message, status, details}}}, with the
 * messages the API really sends: an unknown key is a 400 {@code API_KEY_INVALID}, a missing one a
 * 403, a rate limit a 429 {@code RESOURCE_EXHAUSTED} with {@code RetryInfo}. Reference:
 * ai.google.dev/gemini-api/docs/troubleshooting.
 */
final class GeminiErrors {
  private static final String TYPES = "type.googleapis.com/google.rpc.";
  private static final Pattern CONTEXT =
      Pattern.compile(
          "maximum context length is (\\d+) tokens\\. However, you requested (\\d+) tokens");
  private static final Pattern MODEL_NOT_FOUND = Pattern.compile("^model '(.*)' not found$");
  private static final Pattern RATE_LIMITED_MODEL = Pattern.compile(" on model (\\S+);");

  private GeminiErrors() {}

  /**
   * The error response.
   *
   * @param method {@code generateContent} or {@code streamGenerateContent}, for the 404 message
   */
  static FakeHttpResponse render(
      ErrorKind kind, String message, String param, RateLimitState limits, String method) {
    return switch (kind) {
      case BAD_REQUEST -> badRequest(message, param);
      case CONTEXT_LENGTH -> body(400, "INVALID_ARGUMENT", contextMessage(message), null);
      case UNAUTHORIZED ->
          message.startsWith("missing")
              ? body(
                  403,
                  "PERMISSION_DENIED",
                  "Method doesn't allow unregistered callers (callers without established identity)."
                      + " Please use API Key or other form of API consumer identity to call this API.",
                  null)
              : invalidKey();
      case NOT_FOUND ->
          body(
              404,
              "NOT_FOUND",
              "models/"
                  + MODEL_NOT_FOUND.matcher(message).replaceAll("$1")
                  + " is not found for API version v1beta, or is not supported for "
                  + method
                  + ". Call ListModels to see the list of available models and their supported methods.",
              null);
      case RATE_LIMIT -> rateLimited(message, limits);
      case QUOTA_EXHAUSTED -> body(429, "RESOURCE_EXHAUSTED", message, null);
      case SERVER_ERROR ->
          body(
              500,
              "INTERNAL",
              "An internal error has occurred. Please retry or report in "
                  + "https://developers.generativeai.google/guide/troubleshooting",
              null);
      // Google documents no 502 for the API; the status a gateway error maps to is UNAVAILABLE.
      case BAD_GATEWAY -> body(502, "UNAVAILABLE", "Bad Gateway", null);
      case UNAVAILABLE -> body(503, "UNAVAILABLE", "The service is currently unavailable.", null);
      case OVERLOADED ->
          body(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null);
    };
  }

  /** A 400, with a {@code BadRequest} field violation when the field at fault is known. */
  private static FakeHttpResponse badRequest(String message, String field) {
    ArrayNode details = null;
    if (field != null) {
      details = Json.MAPPER.createArrayNode();
      ObjectNode violation =
          details
              .addObject()
              .put("@type", TYPES + "BadRequest")
              .putArray("fieldViolations")
              .addObject();
      violation.put("field", field).put("description", message.strip());
    }
    return body(400, "INVALID_ARGUMENT", message, details);
  }

  /**
   * The 400 Google answers for a key it does not know, with {@code ErrorInfo} reason {@code
   * API_KEY_INVALID}.
   */
  private static FakeHttpResponse invalidKey() {
    String message = "API key not valid. Please pass a valid API key.";
    ArrayNode details = Json.MAPPER.createArrayNode();
    ObjectNode info =
        details
            .addObject()
            .put("@type", TYPES + "ErrorInfo")
            .put("reason", "API_KEY_INVALID")
            .put("domain", "googleapis.com");
    info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
    details
        .addObject()
        .put("@type", TYPES + "LocalizedMessage")
        .put("locale", "en-US")
        .put("message", message);
    return body(400, "INVALID_ARGUMENT", message, details);
  }

  /** Quota exhausted, naming the quota like Google does, with the wait in {@code RetryInfo}. */
  private static FakeHttpResponse rateLimited(String message, RateLimitState limits) {
    boolean tokens = "tokens".equals(limits.limitedBy());
    ArrayNode details = Json.MAPPER.createArrayNode();
    ObjectNode violation =
        details.addObject().put("@type", TYPES + "QuotaFailure").putArray("violations").addObject();
    violation.put(
        "quotaMetric",
        "generativelanguage.googleapis.com/"
            + (tokens ? "generate_content_input_token_count" : "generate_content_requests"));
    violation.put(
        "quotaId",
        tokens
            ? "GenerateContentInputTokensPerModelPerMinute"
            : "GenerateRequestsPerMinutePerProjectPerModel");
    ObjectNode dimensions = violation.putObject("quotaDimensions").put("location", "global");
    Matcher model = RATE_LIMITED_MODEL.matcher(message);
    if (model.find()) {
      dimensions.put("model", model.group(1));
    }
    long limit = tokens ? limits.tokenLimit() : limits.requestLimit();
    if (limit > 0) {
      violation.put("quotaValue", String.valueOf(limit));
    }
    details
        .addObject()
        .put("@type", TYPES + "Help")
        .putArray("links")
        .addObject()
        .put("description", "Learn more about Gemini API quotas")
        .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
    details
        .addObject()
        .put("@type", TYPES + "RetryInfo")
        .put("retryDelay", limits.retryAfterSeconds() + "s");
    return body(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. "
            + "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
        details);
  }

  /**
   * Gemini's wording for a request over the context window. The fake checks input plus the
   * requested output against the window, so the count named is that sum.
   */
  static String contextMessage(String serverMessage) {
    Matcher m = CONTEXT.matcher(serverMessage);
    if (!m.find()) {
      return serverMessage;
    }
    return "The input token count ("
        + m.group(2)
        + ") exceeds the maximum number of tokens allowed ("
        + m.group(1)
        + ").";
  }

  private static FakeHttpResponse body(int code, String status, String message, ArrayNode details) {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("code", code).put("message", message).put("status", status);
    if (details != null) {
      error.set("details", details);
    }
    return FakeHttpResponse.json(code, Json.write(root));
  }
}

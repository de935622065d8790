package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Cohere's endpoints share: UUID ids, the error body {@code {"id", "message"}} with its
 * statuses and messages, and the {@code meta} block of embed and rerank. Reference:
 * docs.cohere.com/reference/errors.
 */
final class CohereWire {
  private static final Pattern CONTEXT =
      Pattern.compile(
          "maximum context length is (\\d+) tokens\\. However, you requested (\\d+) tokens");
  private static final Pattern MODEL_NOT_FOUND = Pattern.compile("^model '(.*)' not found$");

  private CohereWire() {}

  /** A stable id in UUID form, from a seed. */
  static String id(String seed) {
    String hex = HexFormat.of().formatHex(Digests.sha256(seed));
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  /**
   * {@code {"api_version": {"version": "1"|"2"}, "billed_units": {...}}}; the caller fills the
   * units.
   */
  static ObjectNode meta(ObjectNode parent, int apiVersion) {
    ObjectNode meta = parent.putObject("meta");
    meta.putObject("api_version").put("version", String.valueOf(apiVersion));
    return meta;
  }

  /** A 400 with Cohere's {@code invalid request:} prefix. */
  static ProviderError invalid(String message, String param) {
    return ProviderError.badRequest("invalid request: " + message, param);
  }

  /** An error in Cohere's shape with the status its documentation gives the kind. */
  static FakeHttpResponse error(ErrorKind kind, String message, RateLimitState limits) {
    String text =
        switch (kind) {
          case BAD_REQUEST -> message;
          case CONTEXT_LENGTH -> contextMessage(message);
          case UNAUTHORIZED ->
              message.startsWith("missing") ? "no api key supplied" : "invalid api token";
          case NOT_FOUND ->
              "model '"
                  + MODEL_NOT_FOUND.matcher(message).replaceAll("$1")
                  + "' not found, make sure the correct model ID was used and that you have access to the model.";
          case RATE_LIMIT -> rateLimitMessage(limits);
          case QUOTA_EXHAUSTED -> message;
          case SERVER_ERROR -> "internal server error, this has been reported to our developers";
          case BAD_GATEWAY -> "bad gateway";
          case UNAVAILABLE, OVERLOADED -> "service unavailable";
        };
    int status = kind == ErrorKind.OVERLOADED ? 503 : kind.status;
    ObjectNode body = Json.object().put("id", UUID.randomUUID().toString()).put("message", text);
    return FakeHttpResponse.json(status, Json.write(body));
  }

  /**
   * A trial key's wording for a request limit, which clients match on; a plain one for a token or
   * concurrency limit.
   */
  private static String rateLimitMessage(RateLimitState limits) {
    if ("requests".equals(limits.limitedBy())) {
      return "You are using a Trial key, which is limited to "
          + limits.requestLimit()
          + " API calls / minute. "
          + "You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at "
          + "'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at "
          + "support@cohere.com with any questions";
    }
    return "too many "
        + (limits.limitedBy() == null ? "requests" : limits.limitedBy())
        + ": rate limit exceeded, retry after "
        + limits.retryAfterSeconds()
        + "s";
  }

  private static String contextMessage(String serverMessage) {
    Matcher m = CONTEXT.matcher(serverMessage);
    if (!m.find()) {
      return serverMessage;
    }
    return "too many tokens: total number of tokens (prompt and prediction) cannot exceed "
        + m.group(1)
        + " - received "
        + m.group(2)
        + ". Try using a shorter prompt or a smaller max_tokens value.";
  }
}

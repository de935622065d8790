package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Error classification shared by the adapters: by status, then by the provider's words. */
public final class Errors {
  private Errors() {}

  /**
   * The error codes (OpenAI's {@code error.code} or {@code error.type}) that mean the account's
   * quota, credit or spend limit is used up: retrying cannot help. Reference:
   * platform.openai.com/docs/guides/error-codes (each is a 429).
   */
  private static final Set<String> QUOTA_CODES =
      Set.of(
          "insufficient_quota",
          "credit_balance_exhausted",
          "organization_spend_limit_exceeded",
          "project_spend_limit_exceeded",
          "organization_usage_limit_exceeded",
          "billing_error");

  /** Whether a provider's error code or type says the quota, credit or spend limit is used up. */
  public static boolean isQuotaCode(String code) {
    return code != null
        && (QUOTA_CODES.contains(code)
            || code.endsWith("_spend_limit_exceeded")
            || code.endsWith("_usage_limit_exceeded"));
  }

  /**
   * The error for a status and message as {@link #classify(HttpAnswer, String)}, but a quota error
   * when the provider's code or type says so, whatever the status.
   */
  public static ApiError classify(HttpAnswer answer, String message, String code, String type) {
    if (isQuotaCode(code) || isQuotaCode(type)) {
      return quota(answer.status(), message, isQuotaCode(code) ? code : type);
    }
    return classify(answer, message);
  }

  /** A quota error: not retryable, no retry-after, its message saying so first. */
  public static ApiError quota(int status, String message, String code) {
    return new ApiError(
        ErrorKind.QUOTA_EXHAUSTED,
        "quota or billing limit reached"
            + (code == null || code.isEmpty() ? "" : " (" + code + ")")
            + ", no retry can succeed until credit is added or the limit raised: "
            + (message == null ? "HTTP " + status : message),
        status,
        -1);
  }

  /** Whether a provider's message says the quota, credit or spend limit is used up. */
  private static boolean quotaWords(String lower) {
    return lower.contains("exceeded your current quota")
        || lower.contains("insufficient_quota")
        || lower.contains("credit balance is too low")
        || lower.contains("credit_balance")
        || lower.contains("spend limit")
        || lower.contains("spend cap");
  }

  /**
   * The error for a status and message: a 402, or a 400 or 429 whose words say the quota, credit or
   * spend limit is used up, quota exhausted; 429 rate limit, 529 or an "overloaded" 503 overloaded,
   * other 5xx server, 401/403 auth, 404 not found, a 400/413 naming the context window context
   * length, a 400 naming a content filter or policy content filter, else bad request.
   */
  public static ApiError classify(HttpAnswer answer, String message) {
    int s = answer.status();
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    ErrorKind kind;
    if (s == 402 || ((s == 429 || s == 400) && quotaWords(lower))) {
      return quota(s, message, null);
    } else if (s == 429) {
      kind = ErrorKind.RATE_LIMIT;
    } else if (s == 408) {
      kind = ErrorKind.TIMEOUT;
    } else if (s == 409) {
      // OpenAI answers 409 for a conflict on its side; the same request may pass a moment later.
      kind = ErrorKind.SERVER;
    } else if (s == 529 || (s == 503 && lower.contains("overload"))) {
      kind = ErrorKind.OVERLOADED;
    } else if (s >= 500) {
      kind = ErrorKind.SERVER;
    } else if (s == 401 || s == 403) {
      kind = ErrorKind.AUTH;
    } else if (s == 404) {
      kind = ErrorKind.NOT_FOUND;
    } else if (lower.contains("context length")
        || lower.contains("context_length")
        || lower.contains("context window")
        || lower.contains("prompt is too long")
        || lower.contains("too long")
        || lower.contains("exceeds the maximum number of tokens")
        || lower.contains("exceed context limit")
        || lower.contains("input token count")) {
      kind = ErrorKind.CONTEXT_LENGTH;
    } else if (lower.contains("content filter")
        || lower.contains("content_filter")
        || lower.contains("content management policy")
        || lower.contains("safety")) {
      kind = ErrorKind.CONTENT_FILTER;
    } else {
      kind = ErrorKind.BAD_REQUEST;
    }
    return new ApiError(
        kind, message == null ? "HTTP " + s : message, s, retryAfterMillis(answer).orElse(-1L));
  }

  /**
   * The provider's retry-after in milliseconds: {@code retry-after-ms}, else {@code retry-after} as
   * seconds or an HTTP date, else when the exhausted limit resets by the rate-limit headers ({@link
   * RateLimitResets}), so a 429 waits what the provider says rather than a guess.
   */
  public static Optional<Long> retryAfterMillis(HttpAnswer answer) {
    Optional<Long> given = retryAfterHeader(answer);
    if (given.isPresent() || answer.status() != 429) {
      // Other answers carry the reset headers too; only a 429 says a limit is exhausted.
      return given;
    }
    return RateLimitResets.millisUntilReset(answer);
  }

  private static Optional<Long> retryAfterHeader(HttpAnswer answer) {
    Optional<String> ms = answer.header("retry-after-ms");
    if (ms.isPresent()) {
      try {
        return Optional.of((long) Double.parseDouble(ms.get().trim()));
      } catch (NumberFormatException ignored) {
        // fall through to retry-after
      }
    }
    Optional<String> ra = answer.header("retry-after");
    if (ra.isEmpty()) {
      return Optional.empty();
    }
    String v = ra.get().trim();
    try {
      return Optional.of((long) (Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Optional.of(
            Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis()));
      } catch (RuntimeException unparsable) {
        return Optional.empty();
      }
    }
  }

  /** A 2xx body as JSON; an unreadable one is an invalid-response error naming the API. */
  public static JsonNode body(String api, HttpAnswer answer) {
    try {
      return Json.parse(answer.body());
    } catch (InvalidPromptException e) {
      throw unreadable(api, e);
    }
  }

  /** An invalid-response error for a 2xx body that could not be read. */
  public static ProviderException unreadable(String api, Exception cause) {
    return new ProviderException(
        ApiError.of(
            ErrorKind.INVALID_RESPONSE, api + " answer could not be read: " + cause.getMessage()));
  }

  /**
   * Parses Go-style durations ({@code 20ms}, {@code 1.5s}, {@code 6m0s}) to milliseconds; -1 if
   * unreadable.
   */
  public static long goDurationMillis(String v) {
    if (v == null || v.isEmpty()) {
      return -1;
    }
    try {
      double total = 0;
      var m = Pattern.compile("([0-9.]+)(ms|h|m|s)").matcher(v);
      boolean any = false;
      while (m.find()) {
        any = true;
        double n = Double.parseDouble(m.group(1));
        total +=
            switch (m.group(2)) {
              case "ms" -> n;
              case "s" -> n * 1000;
              case "m" -> n * 60_000;
              default -> n * 3_600_000;
            };
      }
      return any ? (long) total : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

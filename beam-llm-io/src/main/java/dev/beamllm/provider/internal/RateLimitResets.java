package dev.beamllm.provider.internal;

import dev.beamllm.provider.HttpAnswer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a provider's exhausted rate limit resets, from its headers, for a 429 without a retry-after:
 * OpenAI's {@code x-ratelimit-reset-requests} / {@code -tokens} as durations ({@code 1s}, {@code
 * 6m0s}, {@code 250ms}) and Anthropic's {@code anthropic-ratelimit-*-reset} as RFC 3339 times. The
 * limits whose remaining count is 0 decide; when no remaining count is given, the latest reset
 * does; when counts are given and none is 0, the headers do not say.
 */
final class RateLimitResets {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  /** {@code [reset header, remaining header]} pairs, OpenAI's then Anthropic's. */
  private static final List<String[]> LIMITS =
      List.of(
          new String[] {"x-ratelimit-reset-requests", "x-ratelimit-remaining-requests"},
          new String[] {"x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens"},
          new String[] {
            "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-requests-remaining"
          },
          new String[] {"anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-tokens-remaining"},
          new String[] {
            "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-input-tokens-remaining"
          },
          new String[] {
            "anthropic-ratelimit-output-tokens-reset", "anthropic-ratelimit-output-tokens-remaining"
          });

  private RateLimitResets() {}

  /** Milliseconds until the exhausted limit resets, or empty when the headers do not say. */
  static Optional<Long> millisUntilReset(HttpAnswer answer) {
    long exhausted = -1;
    long any = -1;
    boolean counted = false;
    for (String[] limit : LIMITS) {
      Optional<Long> reset = answer.header(limit[0]).flatMap(RateLimitResets::millis);
      if (reset.isEmpty()) {
        continue;
      }
      any = Math.max(any, reset.get());
      Optional<String> remaining = answer.header(limit[1]);
      counted |= remaining.isPresent();
      if (remaining.map(v -> v.trim().equals("0")).orElse(false)) {
        exhausted = Math.max(exhausted, reset.get());
      }
    }
    long wait = exhausted >= 0 ? exhausted : counted ? -1 : any;
    return wait >= 0 ? Optional.of(wait) : Optional.empty();
  }

  /** A reset as milliseconds from now: a duration ({@code 1m30.5s}) or an RFC 3339 time. */
  static Optional<Long> millis(String value) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (Character.isDigit(v.charAt(0)) && v.indexOf('-') < 0) {
      Matcher m = DURATION_PART.matcher(v);
      double total = 0;
      int end = 0;
      while (m.find() && m.start() == end) {
        double n = Double.parseDouble(m.group(1));
        total +=
            switch (m.group(2)) {
              case "h" -> n * 3_600_000;
              case "m" -> n * 60_000;
              case "s" -> n * 1_000;
              default -> n;
            };
        end = m.end();
      }
      return end == v.length() && end > 0 ? Optional.of((long) Math.ceil(total)) : Optional.empty();
    }
    try {
      long ms = Duration.between(OffsetDateTime.now(), OffsetDateTime.parse(v)).toMillis();
      return Optional.of(Math.max(0, ms));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

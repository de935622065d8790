package dev.beamllm.provider.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.provider.HttpAnswer;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** A 429 without retry-after waits until the exhausted limit resets, as the headers say. */
public class RateLimitResetsTest {
  private static HttpAnswer answer(Map<String, String> headers) {
    Map<String, List<String>> h = new HashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return new HttpAnswer(429, h, "{}");
  }

  @Test
  public void openAiDurationsOfTheExhaustedLimit() {
    HttpAnswer tokensOut =
        answer(
            Map.of(
                "x-ratelimit-reset-requests", "120ms",
                "x-ratelimit-remaining-requests", "41",
                "x-ratelimit-reset-tokens", "1m2.5s",
                "x-ratelimit-remaining-tokens", "0"));
    assertEquals(Optional.of(62_500L), Errors.retryAfterMillis(tokensOut));
    assertEquals(
        "without remaining counts, the latest reset",
        Optional.of(6_000L),
        Errors.retryAfterMillis(
            answer(
                Map.of("x-ratelimit-reset-requests", "250ms", "x-ratelimit-reset-tokens", "6s"))));
    assertEquals(
        "retry-after, when given, wins",
        Optional.of(1_500L),
        Errors.retryAfterMillis(
            answer(Map.of("retry-after-ms", "1500", "x-ratelimit-reset-tokens", "6s"))));
    assertEquals(
        "counts given and none exhausted: the headers do not say",
        Optional.empty(),
        Errors.retryAfterMillis(
            answer(
                Map.of(
                    "x-ratelimit-reset-tokens", "6s",
                    "x-ratelimit-remaining-tokens", "1200"))));
    Map<String, List<String>> serverError = Map.of("x-ratelimit-reset-tokens", List.of("6s"));
    assertEquals(
        "only a 429 waits for a reset",
        Optional.empty(),
        Errors.retryAfterMillis(new HttpAnswer(500, serverError, "{}")));
    assertEquals(Optional.of(3_723_000L), RateLimitResets.millis("1h2m3s"));
    assertEquals(Optional.empty(), RateLimitResets.millis("soon"));
    assertEquals(Optional.empty(), Errors.retryAfterMillis(answer(Map.of())));
  }

  @Test
  public void anthropicResetTimes() {
    String inTwoSeconds = OffsetDateTime.now().plusSeconds(2).toString();
    long wait =
        Errors.retryAfterMillis(
                answer(
                    Map.of(
                        "anthropic-ratelimit-input-tokens-reset",
                        inTwoSeconds,
                        "anthropic-ratelimit-input-tokens-remaining",
                        "0")))
            .orElseThrow();
    assertTrue("about two seconds: " + wait, wait > 1_000 && wait <= 2_000);
  }
}

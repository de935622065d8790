package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/**
 * The server's own behaviour, shown through the OpenAI dialect: limits, faults, latency, counters,
 * log.
 */
public class FakeProviderServerTest {
  private static final String BODY =
      "{\"model\":\"gpt-4.1-mini\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static String chat(FakeProviderServer s) {
    return s.baseUrl() + "/v1/chat/completions";
  }

  private static List<Http.Reply> burst(FakeProviderServer s, int n, String body) {
    List<CompletableFuture<Http.Reply>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(Http.postAsync(chat(s), body));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  @Test
  public void aBurstOf700AtSixHundredPerMinuteAdmitsAboutSixHundred() {
    // Warm up the JIT and the client's connections, so the burst itself takes well under a second
    // (the bucket refills 10 requests per second while it lasts).
    try (FakeProviderServer warm = FakeProviderServer.builder().recordRequests(false).start()) {
      burst(warm, 700, BODY);
    }
    try (FakeProviderServer s = FakeProviderServer.builder().requestsPerMinute(600).start()) {
      List<Http.Reply> replies = burst(s, 700, BODY);
      long ok = replies.stream().filter(r -> r.status() == 200).count();
      long limited = replies.stream().filter(r -> r.status() == 429).count();
      assertEquals(700, ok + limited);
      assertTrue("accepted " + ok, ok >= 588 && ok <= 612);
      for (Http.Reply r : replies) {
        if (r.status() == 429) {
          assertNotNull(r.header("retry-after"));
          assertTrue(Long.parseLong(r.header("retry-after")) >= 1);
          assertEquals("600", r.header("x-ratelimit-limit-requests"));
          assertEquals("rate_limit_exceeded", r.json().at("/error/code").asText());
          assertEquals("requests", r.json().at("/error/type").asText());
        }
      }
      FakeServerStats stats = s.stats();
      assertEquals(ok, stats.accepted());
      assertEquals(limited, stats.rateLimited());
      assertEquals(Long.valueOf(limited), stats.rateLimitedBy().get("requests"));
    }
  }

  @Test
  public void tokensPerMinuteCountInputPlusTheOutputLimit() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().tokensPerMinute(2_500).start()) {
      String full =
          "{\"model\":\"m\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"#tokens=1000\"}]}";
      assertEquals(200, Http.post(chat(s), full).status());
      Http.Reply second = Http.post(chat(s), full);
      assertEquals(200, second.status());
      assertEquals("2500", second.header("x-ratelimit-limit-tokens"));
      assertTrue(Long.parseLong(second.header("x-ratelimit-remaining-tokens")) < 500);
      Http.Reply limited = Http.post(chat(s), full);
      assertEquals(429, limited.status());
      assertEquals("tokens", limited.json().at("/error/type").asText());
      assertNotNull(limited.header("retry-after"));
      assertEquals(Long.valueOf(1), s.stats().rateLimitedBy().get("tokens"));
    }
  }

  @Test
  public void unusedOutputTokensAreGivenBack() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().tokensPerMinute(2_500).start()) {
      String asksMuchUsesLittle =
          "{\"model\":\"m\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertEquals(200, Http.post(chat(s), asksMuchUsesLittle).status());
      // Without the refund only ~490 tokens would be left and this would be a 429.
      assertEquals(200, Http.post(chat(s), asksMuchUsesLittle).status());
    }
  }

  @Test
  public void concurrencyAboveTheCapIsRefused() {
    try (FakeProviderServer s =
        FakeProviderServer.builder()
            .maxConcurrent(3)
            .latency(FakeLatency.fixed(Duration.ofMillis(400)))
            .start()) {
      List<Http.Reply> replies = burst(s, 8, BODY);
      assertEquals(3, replies.stream().filter(r -> r.status() == 200).count());
      assertEquals(5, replies.stream().filter(r -> r.status() == 429).count());
      assertEquals(3, s.stats().maxConcurrency());
      assertEquals(Long.valueOf(5), s.stats().rateLimitedBy().get("concurrency"));
    }
  }

  @Test
  public void latencyDoesNotHoldAThreadPerRequest() {
    // One event-loop thread and 200 requests that each take 300 ms: a thread per request would need
    // a minute.
    try (FakeProviderServer s =
        FakeProviderServer.builder()
            .ioThreads(1)
            .latency(FakeLatency.fixed(Duration.ofMillis(300)))
            .start()) {
      long start = System.nanoTime();
      List<Http.Reply> replies = burst(s, 200, BODY);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(replies.stream().allMatch(r -> r.status() == 200));
      assertThat(millis, lessThan(20_000L));
      assertTrue(
          "requests overlapped: " + s.stats().maxConcurrency(), s.stats().maxConcurrency() > 50);
    }
  }

  @Test
  public void everyErrorFaultIsReproducibleByScript() throws Exception {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gpt-4.1-mini",
                Fault.SERVER_ERROR,
                Fault.BAD_GATEWAY,
                Fault.UNAVAILABLE,
                Fault.OVERLOADED,
                Fault.CONTEXT_LENGTH,
                Fault.UNAUTHORIZED,
                Fault.MODEL_NOT_FOUND,
                Fault.NONE);
    try (FakeProviderServer s = FakeProviderServer.builder().faults(plan).start()) {
      int[] statuses = {500, 502, 503, 503, 400, 401, 404, 200};
      String[] codes = {
        null,
        null,
        null,
        null,
        "context_length_exceeded",
        "invalid_api_key",
        "model_not_found",
        null
      };
      for (int i = 0; i < statuses.length; i++) {
        Http.Reply r = Http.post(chat(s), BODY);
        assertEquals("request " + i + ": " + r.body(), statuses[i], r.status());
        if (codes[i] != null) {
          assertEquals(codes[i], r.json().at("/error/code").asText());
        }
      }
      assertEquals(200, Http.post(chat(s), BODY).status());
      assertEquals(
          "other models are not scripted",
          200,
          Http.post(chat(s), BODY.replace("gpt-4.1-mini", "other")).status());
      assertEquals(1, s.stats().faults(Fault.OVERLOADED));
      s.reset();
      assertEquals("reset restarts the script", 500, Http.post(chat(s), BODY).status());
    }
  }

  @Test
  public void hangDropAndMalformedFaults() throws Exception {
    FaultPlan plan =
        FaultPlan.none().withScript("*", Fault.HANG, Fault.DROP_CONNECTION, Fault.MALFORMED_JSON);
    try (FakeProviderServer s = FakeProviderServer.builder().faults(plan).start()) {
      try {
        Http.CLIENT.send(
            Http.request(chat(s), BODY).timeout(Duration.ofMillis(500)).build(),
            HttpResponse.BodyHandlers.ofString());
        fail("a hung request must time out");
      } catch (HttpTimeoutException expected) {
        // the client gave up, as it should
      }
      try {
        Http.post(chat(s), BODY);
        fail("a dropped connection must fail");
      } catch (IOException expected) {
        assertNotNull(expected.getMessage());
      }
      Http.Reply malformed = Http.post(chat(s), BODY);
      assertEquals(200, malformed.status());
      try {
        Json.MAPPER.readTree(malformed.body());
        fail("the body must not parse: " + malformed.body());
      } catch (IOException expected) {
        assertThat(malformed.body(), containsString("chat.completion"));
      }
      assertEquals(1, s.stats().faults(Fault.HANG));
      assertEquals(1, s.stats().faults(Fault.DROP_CONNECTION));
      assertEquals(1, s.stats().faults(Fault.MALFORMED_JSON));
    }
  }

  @Test
  public void randomFaultsFollowTheirProbability() {
    FaultPlan plan = FaultPlan.none().withProbability(Fault.UNAVAILABLE, 0.3);
    try (FakeProviderServer s = FakeProviderServer.builder().faults(plan).seed(7).start()) {
      long failed = burst(s, 400, BODY).stream().filter(r -> r.status() == 503).count();
      assertTrue("503s: " + failed, failed > 80 && failed < 160);
    }
  }

  @Test
  public void parsesTheCommandLineFaultForms() {
    FaultPlan plan = FaultPlan.parse("500:0.1,529:0.05", "m1=500,ok,hang;*=404");
    assertEquals(
        "500:0.1 529:0.05 m1=[server_error, none, hang] *=[model_not_found]",
        plan.toString().replace("SERVER_ERROR", "500"));
    try {
      FaultPlan.parse("teapot:0.1", null);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown fault 'teapot'"));
    }
  }

  @Test
  public void theRequestLogMasksSecretsAndCountersAddUp() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().apiKey("sk-secret-value").start()) {
      Http.post(chat(s), BODY, "authorization", "Bearer sk-secret-value");
      Http.post(
          s.baseUrl() + "/openai/deployments/d/chat/completions?api-version=1&key=abc",
          BODY,
          "api-key",
          "sk-secret-value");
      Http.post(s.baseUrl() + "/v1/nowhere", BODY);
      List<RecordedRequest> log = s.requests();
      assertEquals(3, log.size());
      assertEquals("Bearer ***", log.get(0).headers().get("authorization"));
      assertEquals("***", log.get(1).headers().get("api-key"));
      assertThat(log.get(1).path(), containsString("key=***"));
      assertFalse(log.toString().contains("sk-secret-value"));
      assertEquals(BODY, log.get(0).body());
      FakeServerStats stats = s.stats();
      assertEquals(2, stats.received());
      assertEquals(2, stats.accepted());
      assertEquals(1, stats.badRequests());
      assertTrue(stats.inputTokens() > 0 && stats.outputTokens() > 0);
      assertEquals(2, Arrays.stream(stats.acceptedPerSecond()).sum());
      s.reset();
      assertEquals(0, s.requests().size());
      assertEquals(0, s.stats().accepted());
    }
  }

  @Test
  public void contextWindowIsEnforced() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().contextWindow(100).start()) {
      Http.Reply r =
          Http.post(
              chat(s),
              "{\"model\":\"m\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"#tokens "
                  + "word ".repeat(80)
                  + "\"}]}");
      assertEquals(400, r.status());
      assertEquals("context_length_exceeded", r.json().at("/error/code").asText());
      assertThat(
          r.json().at("/error/message").asText(),
          containsString("maximum context length is 100 tokens"));
    }
  }

  @Test
  public void endpointsAreListed() {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      assertTrue(s.endpoints().stream().anyMatch(e -> e.contains("/v1/chat/completions")));
      assertTrue(s.baseUrl().startsWith("http://127.0.0.1:"));
    }
  }

  @Test
  public void chars4CountsPromptsAsSomeLimitersEstimateAndChargesTheLimitSo() throws Exception {
    String prompt = "x".repeat(2_000);
    String body =
        "{\"model\":\"gpt-4.1-mini\",\"max_tokens\":10,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be terse.\"},"
            + "{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}]}";
    long chars4 = (9 + 3) / 4 + 4 + 2_000 / 4 + 4;
    try (FakeProviderServer tokenizer = FakeProviderServer.builder().start();
        FakeProviderServer estimating =
            FakeProviderServer.builder()
                .tokenCounting(TokenCounting.CHARS4)
                .tokensPerMinute(2 * (chars4 + 10))
                .start()) {
      long counted =
          Http.post(chat(tokenizer), body).json().get("usage").get("prompt_tokens").asLong();
      assertEquals(
          chars4,
          Http.post(chat(estimating), body).json().get("usage").get("prompt_tokens").asLong());
      assertTrue("a run of x is few tokens to a tokenizer: " + counted, counted < chars4);
      assertEquals(
          "the limit is charged the same count", 200, Http.post(chat(estimating), body).status());
      assertEquals(429, Http.post(chat(estimating), body).status());
    }
    assertEquals(TokenCounting.CHARS4, TokenCounting.parse(" Chars4 "));
    assertThrows(IllegalArgumentException.class, () -> TokenCounting.parse("words"));
  }
}

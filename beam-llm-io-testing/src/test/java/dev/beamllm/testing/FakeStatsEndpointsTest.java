package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.Test;

/**
 * The fake server's own endpoints, {@code /fake/stats}, {@code /fake/requests} and {@code
 * /fake/reset}, read over real sockets, and the bounded request log behind them.
 */
public class FakeStatsEndpointsTest {
  private static final String KEY = "sk-secret-value";

  private static String chat(FakeProviderServer s) {
    return s.baseUrl() + "/v1/chat/completions";
  }

  private static String body(String model, String text) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  private static JsonNode stats(FakeProviderServer s) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/fake/stats");
    assertEquals(r.body(), 200, r.status());
    assertEquals("application/json", r.header("content-type"));
    return r.json();
  }

  private static long sum(JsonNode array) {
    assertTrue(array.isArray());
    return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).sum();
  }

  @Test
  public void statsAndTheLastRequestsAreServedWithoutAKeyAndWithoutCountingThemselves()
      throws Exception {
    try (FakeProviderServer s =
        FakeProviderServer.builder()
            .apiKey(KEY)
            .requestsPerMinute(3)
            .faults(FaultPlan.none().withScript("gpt-4.1-mini", Fault.SERVER_ERROR))
            .start()) {
      // Read before any model request: with rpm=3, had these counted against the limit, a model
      // request below would get a 429 too early.
      for (int i = 0; i < 4; i++) {
        assertEquals(0, stats(s).get("requests").asLong());
      }
      String auth = "Bearer " + KEY;
      assertEquals(
          500, Http.post(chat(s), body("gpt-4.1-mini", "first"), "authorization", auth).status());
      Http.Reply ok1 =
          Http.post(chat(s), body("gpt-4.1-nano", "hello there"), "authorization", auth);
      Http.Reply ok2 =
          Http.post(chat(s), body("gpt-4.1-mini", "second try"), "authorization", auth);
      assertEquals(ok1.body(), 200, ok1.status());
      assertEquals(ok2.body(), 200, ok2.status());
      String noKey = body("gpt-4.1-mini", "no key");
      assertEquals(401, Http.post(chat(s), noKey).status());
      String limited = body("gpt-4.1-mini", "one too many");
      assertEquals(429, Http.post(chat(s), limited, "authorization", auth).status());

      JsonNode st = stats(s);
      assertEquals(5, st.get("requests").asLong());
      assertEquals(2, st.get("accepted").asLong());
      assertEquals(1, st.get("rate_limited").asLong());
      assertEquals(Json.parse("{\"requests\":1}"), st.get("rate_limited_by"));
      assertEquals(Json.parse("{\"server_error\":1}"), st.get("faults"));
      assertEquals(0, st.get("bad_requests").asLong());
      assertEquals(1, st.get("unauthorized").asLong());
      long input =
          ok1.json().at("/usage/prompt_tokens").asLong()
              + ok2.json().at("/usage/prompt_tokens").asLong();
      long output =
          ok1.json().at("/usage/completion_tokens").asLong()
              + ok2.json().at("/usage/completion_tokens").asLong();
      assertTrue(input > 0 && output > 0);
      assertEquals(input, st.get("input_tokens").asLong());
      assertEquals(output, st.get("output_tokens").asLong());
      assertEquals(0, st.get("cache_read_tokens").asLong());
      assertEquals(0, st.get("cache_write_tokens").asLong());
      assertEquals(1, st.get("max_concurrency").asLong());
      assertEquals(2, sum(st.get("accepted_per_second")));
      assertEquals(input + output, sum(st.get("tokens_per_second")));
      assertEquals(st.get("accepted_per_second").size(), st.get("tokens_per_second").size());
      assertEquals(1, sum(st.get("rate_limited_per_second")));
      assertEquals(st.get("accepted_per_second").size(), st.get("rate_limited_per_second").size());

      Http.Reply last = Http.get(s.baseUrl() + "/fake/requests?limit=2");
      assertEquals(200, last.status());
      assertFalse("keys are masked", last.body().contains(KEY));
      JsonNode two = last.json();
      assertEquals(2, two.size());
      assertEquals("POST", two.get(0).get("method").asText());
      assertEquals("/v1/chat/completions", two.get(0).get("path").asText());
      assertEquals(noKey, two.get(0).get("body").asText());
      assertFalse(two.get(0).get("headers").has("authorization"));
      assertEquals(limited, two.get(1).get("body").asText());
      assertEquals("Bearer ***", two.get(1).at("/headers/authorization").asText());
      assertEquals("application/json", two.get(1).at("/headers/content-type").asText());

      assertEquals(
          "the default limit (100) covers all five, oldest first",
          5,
          Http.get(s.baseUrl() + "/fake/requests").json().size());
      assertEquals(
          body("gpt-4.1-mini", "first"),
          Http.get(s.baseUrl() + "/fake/requests").json().get(0).get("body").asText());
      assertEquals(
          "a limit beyond any int means all",
          5,
          Http.get(s.baseUrl() + "/fake/requests?limit=99999999999999999999").json().size());
      assertEquals("the /fake/ requests were neither logged nor counted", 5, s.requests().size());
      assertEquals(5, stats(s).get("requests").asLong());
    }
  }

  @Test
  public void aLimitThatIsNotAPositiveIntegerIsA400() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      for (String bad : List.of("abc", "0", "-1", "1.5", "")) {
        Http.Reply r = Http.get(s.baseUrl() + "/fake/requests?limit=" + bad);
        assertEquals(bad, 400, r.status());
        assertEquals(
            "limit must be a positive integer, got '" + bad + "'",
            r.json().at("/error/message").asText());
      }
      assertEquals(0, stats(s).get("bad_requests").asLong());
    }
  }

  @Test
  public void theLogIsARingOfTheNewestRequests() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().requestLogCapacity(3).start()) {
      List<String> bodies = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        bodies.add(body("m", "prompt " + i));
        assertEquals(200, Http.post(chat(s), bodies.get(i - 1)).status());
      }
      assertEquals(bodies.subList(2, 5), s.requests().stream().map(RecordedRequest::body).toList());
      JsonNode all = Http.get(s.baseUrl() + "/fake/requests?limit=10").json();
      assertEquals(3, all.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(bodies.get(i + 2), all.get(i).get("body").asText());
      }
      JsonNode one = Http.get(s.baseUrl() + "/fake/requests?limit=1").json();
      assertEquals(1, one.size());
      assertEquals(bodies.get(4), one.get(0).get("body").asText());
      assertEquals(
          "the counters count every request, not only the retained",
          5,
          stats(s).get("accepted").asLong());
    }
  }

  @Test
  public void withTheLogOffTheRequestsAreAnEmptyArrayAndTheStatsStillCount() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().recordRequests(false).start()) {
      assertEquals(200, Http.post(chat(s), body("m", "hi")).status());
      Http.Reply r = Http.get(s.baseUrl() + "/fake/requests");
      assertEquals(200, r.status());
      assertEquals("[]", r.body());
      assertEquals(List.of(), s.requests());
      assertEquals(1, stats(s).get("accepted").asLong());
    }
  }

  @Test
  public void resetOverHttpClearsCountersAndLog() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().requestsPerMinute(1).start()) {
      assertEquals(200, Http.post(chat(s), body("m", "hi")).status());
      assertEquals(429, Http.post(chat(s), body("m", "hi")).status());
      assertEquals(405, Http.get(s.baseUrl() + "/fake/reset").status());
      assertEquals(2, stats(s).get("requests").asLong());
      Http.Reply reset = Http.post(s.baseUrl() + "/fake/reset", "");
      assertEquals(200, reset.status());
      JsonNode st = stats(s);
      assertEquals(0, st.get("requests").asLong());
      assertEquals(0, st.get("rate_limited").asLong());
      assertEquals(0, st.get("accepted_per_second").size());
      assertEquals("[]", Http.get(s.baseUrl() + "/fake/requests").body());
      assertEquals("the limits are refilled", 200, Http.post(chat(s), body("m", "again")).status());
    }
  }

  @Test
  public void unknownFakePathsAre404sAndNotBadRequests() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      Http.Reply r = Http.get(s.baseUrl() + "/fake/nothing");
      assertEquals(404, r.status());
      assertThat(r.json().at("/error/message").asText(), containsString("/fake/nothing"));
      assertEquals(405, Http.post(s.baseUrl() + "/fake/stats", "").status());
      JsonNode st = stats(s);
      assertEquals(0, st.get("bad_requests").asLong());
      assertEquals(0, s.requests().size());
    }
  }

  @Test
  public void secondZeroIsTheFirstRequestsNotTheServerStart() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      assertEquals("no request yet, no seconds", 0, s.stats().acceptedPerSecond().length);
      // Idle past a second boundary: counted from the start, the request would land in second 1.
      Thread.sleep(1_200);
      assertEquals(200, Http.post(chat(s), body("m", "hi")).status());
      long[] perSecond = s.stats().acceptedPerSecond();
      assertEquals(1, perSecond[0]);
      assertEquals(1, stats(s).get("accepted_per_second").get(0).asLong());
    }
  }

  @Test
  public void theBannerListsTheFakeEndpoints() {
    try (FakeProviderServer s = FakeProviderServer.builder().requestLogCapacity(7).start()) {
      assertTrue(s.endpoints().stream().anyMatch(e -> e.startsWith("GET  /fake/stats ")));
      assertTrue(
          s.endpoints().stream().anyMatch(e -> e.startsWith("GET  /fake/requests?limit=N ")));
      assertTrue(s.endpoints().stream().anyMatch(e -> e.startsWith("POST /fake/reset ")));
      assertThat(s.describe(), containsString("log=last 7"));
    }
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.Test;

/** Anthropic Message Batches on the fake server: lifecycle, results, faults, cancel, validation. */
public class AnthropicBatchesTest {
  private static final String KEY = "sk-ant-test-123";
  private static final String[] HEADERS = {"x-api-key", KEY, "anthropic-version", "2023-06-01"};

  private static String params(String question) {
    return "{\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":50,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\""
        + question
        + "\"}]}";
  }

  private static String batch(int n) {
    StringBuilder b = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"custom_id\":\"row-")
          .append(i)
          .append("\",\"params\":")
          .append(params("question " + i))
          .append('}');
    }
    return b.append("]}").toString();
  }

  private static FakeProviderServer start(Consumer<FakeProviderServer.Builder> config) {
    FakeProviderServer.Builder b = FakeProviderServer.builder().apiKey(KEY);
    config.accept(b);
    return b.start();
  }

  private static Http.Reply create(FakeProviderServer s, String body) throws Exception {
    return Http.post(s.baseUrl() + "/v1/messages/batches", body, HEADERS);
  }

  private static JsonNode get(FakeProviderServer s, String id) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/v1/messages/batches/" + id, HEADERS);
    assertEquals(r.body(), 200, r.status());
    return r.json();
  }

  private static List<JsonNode> results(FakeProviderServer s, String id) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/v1/messages/batches/" + id + "/results", HEADERS);
    assertEquals(r.body(), 200, r.status());
    assertTrue(r.body().endsWith("\n"));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      lines.add(Json.parse(line));
    }
    return lines;
  }

  private static String counts(JsonNode batch) {
    return Json.write(batch.get("request_counts"));
  }

  @Test
  public void aBatchIsInProgressThenEndedWithTheSynchronousAnswers() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      Http.Reply created = create(s, batch(2));
      assertEquals(created.body(), 200, created.status());
      JsonNode b = created.json();
      String id = b.get("id").asText();
      assertThat(id, startsWith("msgbatch_"));
      assertEquals("message_batch", b.get("type").asText());
      assertEquals("in_progress", b.get("processing_status").asText());
      assertEquals(
          "{\"processing\":2,\"succeeded\":0,\"errored\":0,\"canceled\":0,\"expired\":0}",
          counts(b));
      assertTrue(b.get("ended_at").isNull());
      assertTrue(b.get("results_url").isNull());
      assertTrue(b.get("cancel_initiated_at").isNull());
      assertTrue(b.get("archived_at").isNull());
      Instant createdAt = Instant.parse(b.get("created_at").asText());
      assertEquals(
          createdAt.plus(Duration.ofHours(24)), Instant.parse(b.get("expires_at").asText()));
      assertEquals(1, s.batchesCreated());

      JsonNode ended = get(s, id);
      assertEquals("ended", ended.get("processing_status").asText());
      assertEquals(
          "{\"processing\":0,\"succeeded\":2,\"errored\":0,\"canceled\":0,\"expired\":0}",
          counts(ended));
      assertEquals(createdAt, Instant.parse(ended.get("ended_at").asText()));
      assertEquals(
          s.baseUrl() + "/v1/messages/batches/" + id + "/results",
          ended.get("results_url").asText());

      List<JsonNode> lines = results(s, id);
      assertEquals(2, lines.size());
      for (int i = 0; i < 2; i++) {
        JsonNode sync =
            Http.post(s.baseUrl() + "/v1/messages", params("question " + i), HEADERS).json();
        assertEquals(
            "{\"custom_id\":\"row-"
                + i
                + "\",\"result\":{\"type\":\"succeeded\",\"message\":"
                + Json.write(sync)
                + "}}",
            Json.write(lines.get(i)));
      }
      assertEquals(1, s.batchesCreated());
      assertEquals("a retrieval is no creation", 1, s.batchesCreated());
    }
  }

  @Test
  public void batchesCreatedIsServedInFakeStatsAndClearedByReset() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      String id = create(s, batch(1)).json().get("id").asText();
      create(s, batch(2));
      get(s, id);
      assertEquals(2, s.batchesCreated());
      assertEquals(2, Http.get(s.baseUrl() + "/fake/stats").json().get("batches_created").asLong());
      s.reset();
      assertEquals(0, s.batchesCreated());
      assertEquals(0, Http.get(s.baseUrl() + "/fake/stats").json().get("batches_created").asLong());
      assertEquals(
          "a reset keeps the batches", "ended", get(s, id).get("processing_status").asText());
    }
  }

  @Test
  public void theBatchEndsOnlyAfterItsCompletionDelay() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMillis(700)))) {
      String id = create(s, batch(1)).json().get("id").asText();
      assertEquals("in_progress", get(s, id).get("processing_status").asText());
      Http.Reply early = Http.get(s.baseUrl() + "/v1/messages/batches/" + id + "/results", HEADERS);
      assertEquals(400, early.status());
      assertEquals("invalid_request_error", early.json().at("/error/type").asText());
      Thread.sleep(800);
      assertEquals("ended", get(s, id).get("processing_status").asText());
      assertEquals(1, results(s, id).size());
    }
  }

  @Test
  public void everyNthRequestErrors() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchFailEvery(2))) {
      String id = create(s, batch(4)).json().get("id").asText();
      assertEquals(
          "{\"processing\":0,\"succeeded\":2,\"errored\":2,\"canceled\":0,\"expired\":0}",
          counts(get(s, id)));
      List<JsonNode> lines = results(s, id);
      assertEquals("succeeded", lines.get(0).at("/result/type").asText());
      assertEquals("succeeded", lines.get(2).at("/result/type").asText());
      for (int i : new int[] {1, 3}) {
        assertEquals(
            "{\"custom_id\":\"row-"
                + i
                + "\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":"
                + "{\"type\":\"api_error\",\"message\":\"Internal server error\"}}}}",
            Json.write(lines.get(i)));
      }
    }
  }

  @Test
  public void anExpiringBatchProcessesItsFirstHalf() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchExpire(true))) {
      String id = create(s, batch(5)).json().get("id").asText();
      JsonNode ended = get(s, id);
      assertEquals("ended", ended.get("processing_status").asText());
      assertEquals(
          "{\"processing\":0,\"succeeded\":2,\"errored\":0,\"canceled\":0,\"expired\":3}",
          counts(ended));
      List<JsonNode> lines = results(s, id);
      assertEquals("succeeded", lines.get(1).at("/result/type").asText());
      assertEquals(
          "{\"custom_id\":\"row-2\",\"result\":{\"type\":\"expired\"}}", Json.write(lines.get(2)));
      assertEquals(
          "{\"custom_id\":\"row-4\",\"result\":{\"type\":\"expired\"}}", Json.write(lines.get(4)));
    }
  }

  @Test
  public void aCancelledBatchEndsWithEveryRequestCanceled() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMinutes(5)))) {
      String id = create(s, batch(3)).json().get("id").asText();
      Http.Reply cancel =
          Http.post(s.baseUrl() + "/v1/messages/batches/" + id + "/cancel", "", HEADERS);
      assertEquals(cancel.body(), 200, cancel.status());
      assertEquals("canceling", cancel.json().get("processing_status").asText());
      Instant initiated = Instant.parse(cancel.json().get("cancel_initiated_at").asText());
      JsonNode ended = get(s, id);
      assertEquals("ended", ended.get("processing_status").asText());
      assertEquals(initiated, Instant.parse(ended.get("ended_at").asText()));
      assertEquals(
          "{\"processing\":0,\"succeeded\":0,\"errored\":0,\"canceled\":3,\"expired\":0}",
          counts(ended));
      assertEquals(
          "{\"custom_id\":\"row-0\",\"result\":{\"type\":\"canceled\"}}",
          Json.write(results(s, id).get(0)));
      assertEquals(0, s.stats().accepted());
    }
  }

  @Test
  public void invalidBatchesAreRefused() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      assertEquals("requests: Field required", refusal(s, "{}"));
      assertEquals(
          "requests: List should have at least 1 item after validation, not 0",
          refusal(s, "{\"requests\":[]}"));
      String p = params("q");
      assertEquals(
          "requests.1.custom_id: Duplicate custom_id 'a': each request in a batch needs a unique"
              + " custom_id",
          refusal(
              s,
              "{\"requests\":[{\"custom_id\":\"a\",\"params\":"
                  + p
                  + "},{\"custom_id\":\"a\",\"params\":"
                  + p
                  + "}]}"));
      assertEquals(
          "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
          refusal(s, "{\"requests\":[{\"custom_id\":\"a b\",\"params\":" + p + "}]}"));
      assertEquals(
          "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
          refusal(
              s,
              "{\"requests\":[{\"custom_id\":\"" + "x".repeat(65) + "\",\"params\":" + p + "}]}"));
      assertEquals(
          "requests.0.params: Field required",
          refusal(s, "{\"requests\":[{\"custom_id\":\"a\"}]}"));
      assertEquals(
          "requests.1.params.model: Field required",
          refusal(
              s,
              "{\"requests\":[{\"custom_id\":\"a\",\"params\":"
                  + p
                  + "},{\"custom_id\":\"b\",\"params\":{\"max_tokens\":5,\"messages\":[]}}]}"));
      assertEquals(
          "requests.0.params.stream: Streaming is not supported in message batches",
          refusal(
              s,
              "{\"requests\":[{\"custom_id\":\"a\",\"params\":"
                  + p.replace("{\"model\"", "{\"stream\":true,\"model\"")
                  + "}]}"));
      StringBuilder tooMany = new StringBuilder("{\"requests\":[");
      for (int i = 0; i <= AnthropicBatches.MAX_REQUESTS; i++) {
        tooMany.append(i == 0 ? "" : ",").append("{\"custom_id\":\"r").append(i).append("\"}");
      }
      assertEquals(
          "requests: List should have at most 100000 items after validation, not 100001",
          refusal(s, tooMany.append("]}").toString()));
      assertEquals(0, s.batchesCreated());

      Http.Reply noKey =
          Http.post(
              s.baseUrl() + "/v1/messages/batches", batch(1), "anthropic-version", "2023-06-01");
      assertEquals(401, noKey.status());
      Http.Reply missing = Http.get(s.baseUrl() + "/v1/messages/batches/msgbatch_nope", HEADERS);
      assertEquals(404, missing.status());
      assertEquals("not_found_error", missing.json().at("/error/type").asText());
      assertEquals(0, s.batchesCreated());
    }
  }

  private static String refusal(FakeProviderServer s, String body) throws Exception {
    Http.Reply r = create(s, body);
    assertEquals(r.body(), 400, r.status());
    assertEquals("error", r.json().get("type").asText());
    assertEquals("invalid_request_error", r.json().at("/error/type").asText());
    return r.json().at("/error/message").asText();
  }
}

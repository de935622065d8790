package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.Test;

/** Gemini batch mode (inline requests) on the fake server. */
public class GeminiBatchesTest {
  private static final String KEY = "gm-test-123";
  private static final String MODEL = "gemini-2.5-flash";
  private static final String[] AUTH = {"x-goog-api-key", KEY};

  private static String request(String question) {
    return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + question + "\"}]}]}";
  }

  private static String batch(int n) {
    StringBuilder b =
        new StringBuilder(
            "{\"batch\":{\"displayName\":\"rows\",\"inputConfig\":{\"requests\":{\"requests\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"request\":")
          .append(request("question " + i))
          .append(",\"metadata\":{\"key\":\"row-")
          .append(i)
          .append("\"}}");
    }
    return b.append("]}}}}").toString();
  }

  private static FakeProviderServer start(Consumer<FakeProviderServer.Builder> config) {
    FakeProviderServer.Builder b = FakeProviderServer.builder().apiKey(KEY);
    config.accept(b);
    return b.start();
  }

  private static Http.Reply create(FakeProviderServer s, String body) throws Exception {
    return Http.post(s.baseUrl() + "/v1beta/models/" + MODEL + ":batchGenerateContent", body, AUTH);
  }

  private static String created(FakeProviderServer s, int n) throws Exception {
    Http.Reply r = create(s, batch(n));
    assertEquals(r.body(), 200, r.status());
    return r.json().get("name").asText();
  }

  private static JsonNode get(FakeProviderServer s, String name) throws Exception {
    Http.Reply r = Http.get(s.baseUrl() + "/v1beta/" + name, AUTH);
    assertEquals(r.body(), 200, r.status());
    return r.json();
  }

  @Test
  public void aBatchSucceedsWithTheSynchronousResponses() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      Http.Reply r = create(s, batch(2));
      assertEquals(r.body(), 200, r.status());
      JsonNode op = r.json();
      String name = op.get("name").asText();
      assertThat(name, startsWith("batches/"));
      assertFalse(op.get("done").asBoolean());
      JsonNode meta = op.get("metadata");
      assertEquals(
          "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
          meta.get("@type").asText());
      assertEquals("BATCH_STATE_PENDING", meta.get("state").asText());
      assertEquals("models/" + MODEL, meta.get("model").asText());
      assertEquals("rows", meta.get("displayName").asText());
      assertEquals(
          "{\"requestCount\":\"2\",\"successfulRequestCount\":\"0\",\"failedRequestCount\":\"0\","
              + "\"pendingRequestCount\":\"2\"}",
          Json.write(meta.get("batchStats")));
      assertEquals(1, s.batchesCreated());

      JsonNode done = get(s, name);
      assertTrue(done.get("done").asBoolean());
      assertEquals("BATCH_STATE_SUCCEEDED", done.at("/metadata/state").asText());
      assertEquals(
          "{\"requestCount\":\"2\",\"successfulRequestCount\":\"2\",\"failedRequestCount\":\"0\","
              + "\"pendingRequestCount\":\"0\"}",
          Json.write(done.at("/metadata/batchStats")));
      assertEquals(
          "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
          done.at("/response/@type").asText());
      JsonNode items = done.at("/response/inlinedResponses/inlinedResponses");
      assertEquals(items, done.at("/metadata/output/inlinedResponses/inlinedResponses"));
      assertEquals(2, items.size());
      for (int i = 0; i < 2; i++) {
        String sync =
            Http.post(
                    s.baseUrl() + "/v1beta/models/" + MODEL + ":generateContent",
                    request("question " + i),
                    AUTH)
                .body();
        assertEquals(
            "{\"response\":"
                + Json.write(Json.parse(sync))
                + ",\"metadata\":{\"key\":\"row-"
                + i
                + "\"}}",
            Json.write(items.get(i)));
      }
    }
  }

  @Test
  public void aBatchRunsUntilItsCompletionDelay() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMillis(700)))) {
      String name = created(s, 1);
      JsonNode running = get(s, name);
      assertFalse(running.get("done").asBoolean());
      assertEquals("BATCH_STATE_RUNNING", running.at("/metadata/state").asText());
      assertTrue(running.get("response") == null);
      Thread.sleep(800);
      assertEquals("BATCH_STATE_SUCCEEDED", get(s, name).at("/metadata/state").asText());
    }
  }

  @Test
  public void failedAndExpiredRequestsCarryErrors() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchFailEvery(2).batchExpire(true))) {
      JsonNode done = get(s, created(s, 6));
      assertEquals("BATCH_STATE_EXPIRED", done.at("/metadata/state").asText());
      assertEquals(
          "{\"requestCount\":\"6\",\"successfulRequestCount\":\"2\",\"failedRequestCount\":\"4\","
              + "\"pendingRequestCount\":\"0\"}",
          Json.write(done.at("/metadata/batchStats")));
      JsonNode items = done.at("/response/inlinedResponses/inlinedResponses");
      assertTrue(items.get(0).has("response"));
      assertEquals(
          "{\"error\":{\"code\":13,\"message\":\"An internal error has occurred while processing"
              + " the request.\"},\"metadata\":{\"key\":\"row-1\"}}",
          Json.write(items.get(1)));
      assertTrue(items.get(2).has("response"));
      assertEquals(
          "{\"error\":{\"code\":4,\"message\":\"The batch expired before the request was"
              + " processed.\"},\"metadata\":{\"key\":\"row-3\"}}",
          Json.write(items.get(3)));
    }
  }

  @Test
  public void aCancelledBatchEndsWithACancelledError() throws Exception {
    try (FakeProviderServer s = start(b -> b.batchCompletion(Duration.ofMinutes(5)))) {
      String name = created(s, 2);
      Http.Reply cancel = Http.post(s.baseUrl() + "/v1beta/" + name + ":cancel", "", AUTH);
      assertEquals(cancel.body(), 200, cancel.status());
      assertEquals("{}", cancel.body());
      JsonNode done = get(s, name);
      assertTrue(done.get("done").asBoolean());
      assertEquals("BATCH_STATE_CANCELLED", done.at("/metadata/state").asText());
      assertEquals(1, done.at("/error/code").asInt());
      assertTrue(done.get("response") == null);
      assertEquals(0, s.stats().accepted());
    }
  }

  @Test
  public void invalidBatchesAreRefused() throws Exception {
    try (FakeProviderServer s = start(b -> {})) {
      Http.Reply empty =
          create(s, "{\"batch\":{\"inputConfig\":{\"requests\":{\"requests\":[]}}}}");
      assertEquals(400, empty.status());
      assertEquals("INVALID_ARGUMENT", empty.json().at("/error/status").asText());
      Http.Reply bad =
          create(s, batch(2).replace(request("question 1"), "{\"contents\":[],\"bogusField\":1}"));
      assertEquals(bad.body(), 400, bad.status());
      assertThat(
          bad.json().at("/error/message").asText(),
          startsWith("batch.input_config.requests.requests[1].request: "));
      Http.Reply noKey =
          Http.post(s.baseUrl() + "/v1beta/models/" + MODEL + ":batchGenerateContent", batch(1));
      assertEquals(403, noKey.status());
      Http.Reply missing = Http.get(s.baseUrl() + "/v1beta/batches/nope", AUTH);
      assertEquals(404, missing.status());
      assertEquals(0, s.batchesCreated());
    }
  }
}

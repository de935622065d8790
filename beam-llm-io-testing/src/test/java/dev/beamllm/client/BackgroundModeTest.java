package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** Background mode of the OpenAI Responses API: start, poll, answer; cancel on timeout. */
public class BackgroundModeTest {

  private static LlmClient.Builder background(FakeProviderServer fake) {
    return ClientTestSupport.client(fake, "gpt-4.1-mini").responsesApi(true).backgroundMode(true);
  }

  @Test
  public void aBackgroundRequestIsStartedThenPolledUntilItsAnswerIsReady() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.fixed(Duration.ofMillis(700)))
                .start();
        LlmClient client = background(fake).build()) {
      ApiResponse r = client.start("hello").join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Echo: hello", r.completion());
      assertEquals("stop", r.finishReason().orElseThrow());
      assertTrue(r.usage().outputTokens() > 0);
      assertTrue(
          "the answer waited for the server's latency: " + r.latency(),
          r.latency().toMillis() >= 650);

      List<RecordedRequest> log = fake.requests();
      RecordedRequest start = log.get(0);
      assertEquals("POST", start.method());
      assertEquals("/v1/responses", start.path());
      JsonNode body = Json.parse(start.body());
      assertTrue(body.get("background").asBoolean());
      assertFalse("a background response must be kept while it is polled", body.has("store"));
      List<RecordedRequest> polls = log.subList(1, log.size());
      // 700 ms of work polled after 200, 300 and 450 ms: three polls, the last finding it done.
      assertTrue("polls: " + polls.size(), polls.size() >= 2 && polls.size() <= 4);
      String id = polls.get(0).path().substring("/v1/responses/".length());
      assertTrue(id.startsWith("resp_"));
      for (RecordedRequest poll : polls) {
        assertEquals("GET", poll.method());
        assertEquals("/v1/responses/" + id, poll.path());
        assertEquals("Bearer ***", poll.headers().get("authorization"));
      }
      assertEquals("only the start is a model request", 1, fake.stats().received());
    }
  }

  @Test
  public void aJobThatOutlivesTheTimeoutIsCancelledAndEndsAsATimeout() throws Exception {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.fixed(Duration.ofSeconds(20)))
                .start();
        LlmClient client =
            background(fake).maxAttempts(1).requestTimeout(Duration.ofMillis(900)).build()) {
      long t0 = System.nanoTime();
      ApiResponse r = client.start("hello").join();
      long tookMillis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(ErrorKind.TIMEOUT, r.error().orElseThrow().kind());
      assertEquals(1, r.attempts());
      assertTrue(
          "ended at the timeout, not the job's 20 s: " + tookMillis,
          tookMillis >= 850 && tookMillis < 5_000);

      List<RecordedRequest> log = fake.requests();
      RecordedRequest last = log.get(log.size() - 1);
      assertEquals("POST", last.method());
      assertTrue(last.path(), last.path().matches("/v1/responses/resp_[0-9a-f]+/cancel"));
      assertTrue(
          "polled before giving up",
          log.stream().filter(q -> q.method().equals("GET")).count() >= 2);

      // The fake now shows the response cancelled.
      String statePath = last.path().substring(0, last.path().length() - "/cancel".length());
      HttpResponse<String> state =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(fake.baseUrl() + statePath))
                      .header("authorization", "Bearer sk-test")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals("cancelled", Json.parse(state.body()).get("status").asText());
    }
  }

  @Test
  public void aFailedStartIsRetriedAsAnyRequest() {
    FaultPlan plan = FaultPlan.none().withScript("gpt-4.1-mini", Fault.SERVER_ERROR, Fault.NONE);
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(plan)
                .latency(FakeLatency.fixed(Duration.ofMillis(100)))
                .start();
        LlmClient client = background(fake).maxAttempts(2).build()) {
      ApiResponse r = client.start("again").join();
      assertEquals("Echo: again", r.completion());
      assertEquals(2, r.attempts());
      assertEquals(2, fake.requests().stream().filter(q -> q.method().equals("POST")).count());
    }
  }

  @Test
  public void theOptionsCanBeReadFromYamlAndAreOffByDefault() {
    try (LlmClient set =
            LlmClient.fromYamlString(
                "models: gpt-4.1-mini\nuse_responses_api: true\nbackground_mode: true\nprogress: none");
        LlmClient unset = LlmClient.fromYamlString("models: gpt-4.1-mini\nprogress: none")) {
      assertTrue(set.config().useResponsesApi());
      assertTrue(set.config().backgroundMode());
      assertFalse(unset.config().useResponsesApi());
      assertFalse(unset.config().backgroundMode());
    }
  }

  @Test
  public void backgroundModeLeavesApisWithoutItAlone() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").backgroundMode(true).build()) {
      assertEquals("Echo: hi", client.start("hi").join().completion());
      assertEquals(1, fake.requests().size());
      assertEquals("/v1/chat/completions", fake.requests().get(0).path());
    }
  }
}

package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * The client's configuration surface: maps and YAML, withX copies, cache and postprocess hooks, the
 * tracker.
 */
public class ClientApiTest {

  @Test
  public void fromMapAndYamlReadEverySetting() {
    String yaml =
        String.join(
            "\n",
            "models: [gpt-4.1-mini, claude-3.5-haiku]",
            "weights: [3, 1]",
            "max_requests_per_minute: 600",
            "max_tokens_per_minute: 100000",
            "max_concurrent_requests: 50",
            "max_attempts: 3",
            "request_timeout: 12.5",
            "temperature: 0.3",
            "max_new_tokens: 200",
            "reasoning_effort: low",
            "service_tier: flex",
            "extra_headers: {x-team: data}",
            "seed: 9",
            "progress: none");
    try (LlmClient client = LlmClient.fromYamlString(yaml)) {
      ClientConfig c = client.config();
      assertEquals(List.of("gpt-4.1-mini", "claude-3.5-haiku"), c.models());
      assertEquals(List.of(3.0, 1.0), c.weights());
      assertEquals(new Limits(600, 100_000, 50), c.limits());
      assertEquals(3, c.maxAttempts());
      assertEquals(Duration.ofMillis(12_500), c.requestTimeout());
      assertEquals(0.3, c.samplingParams().temperature().orElseThrow(), 0);
      assertEquals(200, c.samplingParams().maxNewTokens());
      assertEquals(ReasoningEffort.LOW, c.samplingParams().reasoningEffort().orElseThrow());
      assertEquals("flex", c.serviceTier().orElseThrow());
      assertEquals(Map.of("x-team", "data"), c.extraHeaders());
      assertEquals(9, c.seed());
      assertEquals(StatusTracker.Display.NONE, c.progress());
    }
    try {
      LlmClient.fromMap(Map.of("models", "gpt-4.1-mini", "temprature", 1));
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown client setting 'temprature'"));
    }
    try {
      LlmClient.fromMap(Map.of("models", "gpt-9"));
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown model 'gpt-9'"));
    }
  }

  @Test
  public void withMethodsReturnNewClients() {
    try (LlmClient a =
            LlmClient.builder()
                .models("gpt-4.1-mini")
                .progress(StatusTracker.Display.NONE)
                .build();
        LlmClient b = a.withLimits(Limits.perMinute(10, 1_000));
        LlmClient c = a.withModels("gpt-4.1-nano", "gpt-4o-mini")) {
      assertEquals(Limits.unlimited(), a.config().limits());
      assertEquals(Limits.perMinute(10, 1_000), b.config().limits());
      assertEquals(List.of("gpt-4.1-nano", "gpt-4o-mini"), c.config().models());
      assertEquals(List.of("gpt-4.1-mini"), a.config().models());
    }
  }

  @Test
  public void cacheHitsAreNotSentAndPostprocessRunsOnFreshAnswers() {
    ResponseCache cache = ResponseCache.memory();
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .cache(cache)
                .postprocess(
                    r ->
                        r.toBuilder()
                            .setMessage(Message.assistant(r.completion().toUpperCase()))
                            .build())
                .build()) {
      ApiResponse first = client.start(Conversation.user("hello").withId("a")).join();
      ApiResponse second = client.start(Conversation.user("hello").withId("b")).join();
      assertEquals("ECHO: HELLO", first.completion());
      assertFalse(first.cacheHit());
      assertTrue(second.cacheHit());
      assertEquals("ECHO: HELLO", second.completion());
      assertEquals("b", second.conversationId().orElseThrow());
      assertEquals("the provider saw one request", 1, fake.stats().received());
      try (LlmClient other =
          ClientTestSupport.client(fake, "gpt-4.1-mini")
              .cache(cache)
              .samplingParams(SamplingParams.defaults().withTemperature(0.9))
              .build()) {
        assertFalse("other sampling params, other key", other.start("hello").join().cacheHit());
      }
    }
  }

  @Test
  public void theTrackerCountsAndPrintsPlainLinesAndASummary() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    StatusTracker tracker = new StatusTracker(StatusTracker.Display.LINES, out, 50);
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .latency(FakeLatency.fixed(Duration.ofMillis(150)))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      tracker.open(3);
      for (int i = 0; i < 3; i++) {
        tracker.started();
        tracker.finished(client.start("x" + i).join());
        Thread.sleep(60);
      }
      tracker.close();
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text, containsString("done ("));
    assertThat(text, containsString("Done in "));
    assertThat(text, containsString("3 succeeded, 0 failed"));
    assertEquals(3, tracker.status().succeeded());
    tracker.reset();
    assertEquals(0, tracker.status().succeeded());
  }

  @Test
  public void requestsThatCannotBeSentOrProcessedStillEndAndNeverQuoteAKey() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient badHeader =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .extraHeaders(Map.of("x-bad", "v\nsk-secret-123"))
                .build();
        LlmClient badHook =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .postprocess(
                    r -> {
                      throw new IllegalStateException("hook failed");
                    })
                .build()) {
      ApiResponse r = badHeader.start("hi").get(10, TimeUnit.SECONDS);
      assertEquals(ErrorKind.INVALID_INPUT, r.error().orElseThrow().kind());
      assertFalse(r.error().orElseThrow().message().contains("sk-secret"));
      assertEquals(0, badHeader.tracker().status().inProgress());
      ApiResponse h = badHook.start("hi").get(10, TimeUnit.SECONDS);
      assertTrue(h.isError());
      assertThat(h.error().orElseThrow().message(), containsString("hook failed"));
    }
  }

  @Test
  public void sharingLimitsKeepsUnlimitedUnlimitedAndNeverRoundsALimitAway() {
    assertEquals(new Limits(1, 0, 0), new Limits(3, 0, 0).share(4));
    assertEquals(new Limits(250, 500, 25), new Limits(1_000, 2_000, 100).share(4));
  }

  @Test
  public void perModelSamplingParamsReachEachModel() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .modelWeights(1, 0)
                .samplingParams(SamplingParams.defaults().withTemperature(0.1))
                .samplingParams(
                    Map.of(
                        "gpt-4.1-nano",
                        SamplingParams.defaults().withTemperature(1.5).withMaxNewTokens(7)))
                .build();
        LlmClient nanoOnly = client.withModel("gpt-4.1-nano")) {
      client.start("a").join();
      nanoOnly.start("b").join();
      var log = fake.requests();
      assertEquals(0.1, Json.parse(log.get(0).body()).get("temperature").asDouble(), 0);
      var nano = Json.parse(log.get(1).body());
      assertEquals(1.5, nano.get("temperature").asDouble(), 0);
      assertEquals(7, nano.get("max_completion_tokens").asInt());
    }
  }

  @Test
  public void theBarDisplayDrawsWithTheProgressBarLibrary() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusTracker tracker =
        new StatusTracker(
            StatusTracker.Display.BAR, new PrintStream(bytes, true, StandardCharsets.UTF_8), 50);
    tracker.open(2);
    tracker.finished(ApiResponse.builder().setModel("m").build());
    tracker.finished(ApiResponse.builder().setModel("m").build());
    tracker.close();
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text, containsString("LLM"));
    assertThat(text, containsString("2/2"));
    assertThat(text, containsString("2 succeeded"));
  }

  @Test
  public void configsAreSerializableWithoutKeys() throws Exception {
    ClientConfig config =
        LlmClient.builder()
            .models("gpt-4.1-mini")
            .apiKeys(ApiKeys.of(Map.of("OPENAI_API_KEY", "sk-secret-xyz")))
            .registry(ModelRegistry.defaults())
            .config();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(config);
    }
    assertFalse(
        "the key never enters the serialized form",
        new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).contains("sk-secret-xyz"));
    assertFalse(config.apiKeys().toString().contains("sk-secret"));
  }
}

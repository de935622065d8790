package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

/**
 * In-run dedupe and per-request settings through one LlmIO transform, on the DirectRunner against
 * the fake provider.
 */
public class LlmIODedupeTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static List<Conversation> same(int n, String prompt) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.user(prompt).withId("row-" + i).withMetadata(Map.of("row", i)));
    }
    return out;
  }

  @Test
  public void identicalRequestsAreSentOnceAndEveryRowGetsTheAnswerUnderItsOwnId() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<Conversation> input = new ArrayList<>(same(100, "the same question"));
      input.add(Conversation.user("another question").withId("other"));
      LlmResult result =
          pipeline
              .apply(Create.of(input))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(LlmIOTest.registry(fake)));
      PAssert.that(result.failures()).empty();
      PAssert.that(result.responses())
          .satisfies(
              responses -> {
                Set<String> ids = new HashSet<>();
                int sent = 0;
                for (ApiResponse r : responses) {
                  assertTrue(
                      "one id once: " + r.conversationId(),
                      ids.add(r.conversationId().orElseThrow()));
                  if (r.conversationId().get().startsWith("row-")) {
                    assertEquals("Echo: the same question", r.completion());
                    int row = Integer.parseInt(r.conversationId().get().substring(4));
                    assertEquals(
                        "each row keeps its own metadata",
                        row,
                        Json.parse(r.conversationMetadataJson().orElseThrow()).get("row").asInt());
                    sent += r.cacheHit() ? 0 : 1;
                  }
                }
                assertEquals(101, ids.size());
                assertEquals(
                    "one of the identical rows was sent, the others share its answer", 1, sent);
                return null;
              });
      pipeline.run().waitUntilFinish();
      assertEquals("the provider saw one request per distinct prompt", 2, fake.stats().received());
    }
  }

  @Test
  public void dedupeOffSendsEveryRow() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      LlmResult result =
          pipeline
              .apply(Create.of(same(40, "sample me")))
              .apply(
                  LlmIO.complete()
                      .withModels("gpt-4.1-mini")
                      .withRegistry(LlmIOTest.registry(fake))
                      .withDedupe(false));
      PAssert.that(result.failures()).empty();
      pipeline.run().waitUntilFinish();
      assertEquals(40, fake.stats().received());
    }
  }

  @Test
  public void requestsKeepTheirOwnModelAndSettingsInOneTransform() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String schema =
          "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}";
      List<LlmRequest> requests =
          List.of(
              LlmRequest.of(Conversation.user("short please #tokens=40").withId("short"))
                  .withMaxNewTokens(20),
              LlmRequest.of(Conversation.user("to nano").withId("nano"))
                  .withModel("gpt-4.1-nano")
                  .withTemperature(0.3),
              LlmRequest.of(Conversation.user("as json").withId("json")).withOutputSchema(schema),
              LlmRequest.of(Conversation.user("to nowhere").withId("unknown"))
                  .withModel("gpt-9-imaginary")
                  .withSource("{\"as\":\"written\"}"),
              // Identical conversations with different settings are different requests.
              LlmRequest.of(Conversation.user("short please #tokens=40").withId("longer"))
                  .withMaxNewTokens(30));
      PCollection<LlmRequest> input =
          pipeline.apply(Create.of(requests).withCoder(LlmRequestCoder.of()));
      LlmResult result =
          input.apply(
              LlmIO.complete()
                  .withModels("gpt-4.1-mini")
                  .withRegistry(LlmIOTest.registry(fake))
                  .withLimits(Limits.perMinute(600, 0))
                  .forRequests());
      PAssert.that(result.responses())
          .satisfies(
              responses -> {
                int n = 0;
                for (ApiResponse r : responses) {
                  n++;
                  switch (r.conversationId().orElseThrow()) {
                    case "short" -> assertEquals(20, r.usage().outputTokens());
                    case "longer" -> assertEquals(30, r.usage().outputTokens());
                    case "nano" -> assertEquals("gpt-4.1-nano", r.model());
                    case "json" ->
                        assertTrue(r.completion(), Json.parse(r.completion()).has("answer"));
                    default -> throw new AssertionError("unexpected answer " + r);
                  }
                }
                assertEquals(4, n);
                return null;
              });
      PAssert.that(result.failures())
          .satisfies(
              failures -> {
                LlmFailure f = failures.iterator().next();
                assertEquals("unknown", f.input().id().orElseThrow());
                assertTrue(f.error().message(), f.error().message().contains("gpt-9-imaginary"));
                assertEquals(
                    "the failure carries the request's source",
                    "{\"as\":\"written\"}",
                    f.request().source().orElseThrow());
                assertEquals(0, f.attempts());
                return null;
              });
      pipeline.run().waitUntilFinish();
      boolean sawTemperature = false;
      for (RecordedRequest r : fake.requests()) {
        JsonNode body = Json.parse(r.body());
        if (body.path("model").asText().equals("gpt-4.1-nano")) {
          assertEquals(0.3, body.path("temperature").asDouble(), 1e-9);
          sawTemperature = true;
        }
      }
      assertTrue(sawTemperature);
      assertEquals("the unknown model's row was never sent", 4, fake.stats().received());
    }
  }
}

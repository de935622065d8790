package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.Test;

/**
 * Claude 4.6 and later think adaptively: the effort by name in {@code output_config.effort}, no
 * budget; Opus 4.7 and later and the 5 family refuse a budget, which the fake enforces as Anthropic
 * does.
 */
public class AdaptiveThinkingTest {
  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return Json.parse(sent.get(sent.size() - 1).body());
  }

  @Test
  public void newClaudeModelsGetAdaptiveThinkingWithTheEffortByName() {
    SamplingParams high =
        SamplingParams.builder()
            .maxNewTokens(800)
            .reasoningEffort(ReasoningEffort.HIGH)
            .outputSchema("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}")
            .build();
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : List.of("claude-4.7-opus", "claude-5-sonnet", "claude-4.6-sonnet")) {
        try (LlmClient client =
            ClientTestSupport.client(fake, model).samplingParams(high).build()) {
          ApiResponse r = client.start("think").join();
          assertFalse(model + ": " + r.error(), r.isError());
          JsonNode body = lastBody(fake);
          assertEquals(model, Json.parse("{\"type\":\"adaptive\"}"), body.get("thinking"));
          assertEquals(model, "high", body.get("output_config").get("effort").asText());
          assertTrue("the schema shares output_config", body.get("output_config").has("format"));
          assertEquals("no budget to make room for", 800, body.get("max_tokens").asInt());
        }
      }
      try (LlmClient older =
          ClientTestSupport.client(fake, "claude-4.5-sonnet")
              .samplingParams(high.toBuilder().outputSchema(null).build())
              .build()) {
        assertFalse(older.start("think").join().isError());
        assertEquals(
            "older models keep their budget",
            "enabled",
            lastBody(fake).get("thinking").get("type").asText());
      }
    }
    // An effort the adaptive models do not take, or a budget, stops the client before it starts.
    IllegalArgumentException budget =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClientConfig.forModels("claude-5-opus")
                    .withSamplingParams(SamplingParams.builder().thinkingBudget(4096).build())
                    .check());
    assertThat(budget.getMessage(), containsString("takes no thinking budget"));
  }

  @Test
  public void theFakeRefusesABudgetWhereAnthropicTakesOnlyAdaptiveThinking() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      String budget =
          "{\"model\":\"claude-opus-4-7\",\"max_tokens\":3000,"
              + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpResponse<String> refused = post(fake, budget);
      assertEquals(400, refused.statusCode());
      assertThat(refused.body(), containsString("thinking.type.enabled is not supported"));
      String adaptiveOnOld =
          "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":300,"
              + "\"thinking\":{\"type\":\"adaptive\"},"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertEquals(400, post(fake, adaptiveOnOld).statusCode());
      String badEffort =
          "{\"model\":\"claude-opus-4-7\",\"max_tokens\":300,\"thinking\":{\"type\":\"adaptive\"},"
              + "\"output_config\":{\"effort\":\"minimal\"},"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertEquals(400, post(fake, badEffort).statusCode());
    }
  }

  private static HttpResponse<String> post(FakeProviderServer fake, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json")
                .header("x-api-key", "sk-test")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

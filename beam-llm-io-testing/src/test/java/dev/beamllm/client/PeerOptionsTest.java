package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.MediaResolution;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.Verbosity;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.Test;

/**
 * What peers (lm-deluge, LiteLLM) let a caller set and the client now does too: an extra body, a
 * service tier per request, a preferred model with fallback and an explicit thinking budget; each
 * checked on what reaches the fake provider.
 */
public class PeerOptionsTest {
  private static JsonNode body(RecordedRequest r) {
    return Json.parse(r.body());
  }

  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return body(sent.get(sent.size() - 1));
  }

  @Test
  public void anExtraBodyIsMergedIntoEveryBodyAndIntoTheCacheKey() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient plain = ClientTestSupport.client(fake, "gemini-2.5-flash").build();
        LlmClient gemini =
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .samplingParams(SamplingParams.builder().maxNewTokens(77).build())
                .extraBody("{\"generationConfig\": {\"topK\": 5}}")
                .build();
        LlmClient openAi =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .extraBody("{\"user\": \"team-a\", \"store\": false}")
                .build()) {
      ApiResponse g = gemini.start("hi").join();
      assertFalse(g.error().toString(), g.isError());
      JsonNode config = lastBody(fake).get("generationConfig");
      assertEquals("merged into the adapter's object", 5, config.get("topK").asInt());
      assertEquals("the adapter's own fields stay", 77, config.get("maxOutputTokens").asInt());

      ApiResponse o = openAi.start("hi").join();
      assertFalse(o.error().toString(), o.isError());
      assertEquals("team-a", lastBody(fake).get("user").asText());
      assertFalse(lastBody(fake).get("store").asBoolean());

      LlmRequest same = LlmRequest.of(Conversation.user("hi"));
      assertNotEquals(
          "an extra body can change the answer, so it is part of the key",
          plain.cacheKey(same),
          gemini.cacheKey(same));
    }
    IllegalArgumentException notAnObject =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClientConfig.forModels("gpt-4.1-mini").withExtraBody("[1, 2]"));
    assertEquals("extraBody: must be a JSON object, got [1, 2]", notAnObject.getMessage());
  }

  @Test
  public void aRequestsOwnServiceTierWinsOverTheClients() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").serviceTier("flex").build()) {
      assertFalse(client.start("plain").join().isError());
      assertEquals("flex", lastBody(fake).get("service_tier").asText());
      ApiResponse urgent =
          client
              .start(LlmRequest.of(Conversation.user("urgent")).withServiceTier("priority"))
              .join();
      assertFalse(urgent.error().toString(), urgent.isError());
      assertEquals("priority", lastBody(fake).get("service_tier").asText());
    }
  }

  @Test
  public void aPreferredModelTakesItsRequestsUntilItIsGivenUp() {
    FaultPlan nanoGone = FaultPlan.none().withScript("gpt-4.1-nano", Fault.MODEL_NOT_FOUND);
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano")
                .modelWeights(0.9, 0.1)
                .build()) {
      List<ApiResponse> kept =
          IntStream.range(0, 20)
              .mapToObj(
                  i ->
                      client.start(
                          LlmRequest.of(Conversation.user("turn " + i))
                              .withPreferredModel("gpt-4.1-nano")))
              .toList()
              .stream()
              .map(CompletableFuture::join)
              .toList();
      for (ApiResponse r : kept) {
        assertFalse(r.error().toString(), r.isError());
        assertEquals("despite a weight of 0.1", "gpt-4.1-nano", r.model());
      }
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(nanoGone).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini", "gpt-4.1-nano").build()) {
      ApiResponse r =
          client
              .start(LlmRequest.of(Conversation.user("hi")).withPreferredModel("gpt-4.1-nano"))
              .join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("the preferred model answered 404 and was given up", "gpt-4.1-mini", r.model());
      ApiResponse next =
          client
              .start(LlmRequest.of(Conversation.user("again")).withPreferredModel("gpt-4.1-nano"))
              .join();
      assertEquals("gpt-4.1-mini", next.model());
    }
  }

  @Test
  public void anExplicitThinkingBudgetReachesTheModelsThatTakeOneAndIsRefusedByTheOthers() {
    SamplingParams budget = SamplingParams.builder().maxNewTokens(500).thinkingBudget(2048).build();
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient claude =
            ClientTestSupport.client(fake, "claude-4.5-sonnet").samplingParams(budget).build();
        LlmClient cohere =
            ClientTestSupport.client(fake, "command-a-reasoning").samplingParams(budget).build()) {
      ApiResponse c = claude.start("think").join();
      assertFalse(c.error().toString(), c.isError());
      JsonNode thinking = lastBody(fake).get("thinking");
      assertEquals("enabled", thinking.get("type").asText());
      assertEquals(2048, thinking.get("budget_tokens").asInt());
      assertEquals(2048 + 500, lastBody(fake).get("max_tokens").asInt());

      ApiResponse co = cohere.start("think").join();
      assertFalse(co.error().toString(), co.isError());
      assertEquals(
          Json.parse("{\"type\":\"enabled\",\"token_budget\":2048}"),
          lastBody(fake).get("thinking"));

      // A row sent to a model that takes an effort by name is refused, and not sent.
      int sent = fake.requests().size();
      ApiResponse wrongKind =
          claude.start(LlmRequest.of(Conversation.user("think")).withModel("gpt-5")).join();
      assertEquals(ErrorKind.UNSUPPORTED, wrongKind.error().orElseThrow().kind());
      assertEquals(
          "model 'gpt-5' takes no thinking budget; it takes a reasoning effort:"
              + " minimal, low, medium, high",
          wrongKind.error().orElseThrow().message());
      assertEquals("nothing was sent", sent, fake.requests().size());
    }
    // A client whose budget its model cannot take stops before anything is sent.
    IllegalArgumentException tooSmall =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClientConfig.forModels("claude-4.5-sonnet")
                    .withSamplingParams(SamplingParams.builder().thinkingBudget(500).build())
                    .check());
    assertEquals(
        "samplingParams: model 'claude-4.5-sonnet' takes a thinking budget of at least 1024 tokens"
            + " (or 0 for none), got 500",
        tooSmall.getMessage());
  }

  @Test
  public void aStrictToolIsSentStrictToEveryProviderThatHasTheSwitch() {
    Tool strict =
        Tool.of(
                "get_weather",
                "Weather by city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                    + "\"required\":[\"city\"],\"additionalProperties\":false}")
            .withStrict(true);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model :
          List.of(
              "gpt-4.1-mini",
              "mistral-small",
              "claude-4.5-haiku",
              "command-a",
              "gemini-2.5-flash")) {
        try (LlmClient client = ClientTestSupport.client(fake, model).tools(strict).build()) {
          ApiResponse r = client.start("Weather in Oslo?").join();
          assertFalse(model + ": " + r.error(), r.isError());
          JsonNode body = lastBody(fake);
          JsonNode tool = body.get("tools").get(0);
          switch (model) {
            case "gpt-4.1-mini", "mistral-small" ->
                assertTrue(model, tool.get("function").get("strict").asBoolean());
            case "claude-4.5-haiku" -> assertTrue(model, tool.get("strict").asBoolean());
            case "command-a" -> {
              assertTrue(body.get("strict_tools").asBoolean());
              assertFalse(tool.get("function").has("strict"));
            }
            default ->
                assertFalse("Gemini has no strict switch", tool.toString().contains("strict"));
          }
        }
      }
      try (LlmClient responses =
          ClientTestSupport.client(fake, "gpt-4.1-mini")
              .responsesApi(true)
              .tools(strict, Tool.of("loose", "Any", null))
              .build()) {
        assertFalse(responses.start("Weather in Oslo?").join().isError());
        JsonNode tools = lastBody(fake).get("tools");
        assertTrue(tools.get(0).get("strict").asBoolean());
        assertFalse(
            "the Responses API's default is strict, so it is said",
            tools.get(1).get("strict").asBoolean());
      }
    }
    IllegalArgumentException loose =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Tool.of(
                        "search",
                        "",
                        "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"},"
                            + "\"opts\":{\"type\":\"object\",\"properties\":{\"n\":{}},"
                            + "\"required\":[\"n\"]}},\"required\":[\"q\",\"opts\"],"
                            + "\"additionalProperties\":false}")
                    .withStrict(true));
    assertEquals(
        "strict tool 'search': the object at $.opts must set \"additionalProperties\": false",
        loose.getMessage());
  }

  @Test
  public void verbosityAndMediaResolutionReachOnlyTheModelsThatTakeThem() {
    SamplingParams params =
        SamplingParams.builder()
            .verbosity(Verbosity.LOW)
            .mediaResolution(MediaResolution.HIGH)
            .thinkingBudget(3000)
            .build();
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      try (LlmClient gemini =
          ClientTestSupport.client(fake, "gemini-2.5-flash").samplingParams(params).build()) {
        assertFalse(gemini.start("look").join().isError());
        JsonNode config = lastBody(fake).get("generationConfig");
        assertEquals("MEDIA_RESOLUTION_HIGH", config.get("mediaResolution").asText());
        assertEquals(3000, config.get("thinkingConfig").get("thinkingBudget").asInt());
        assertTrue(config.get("thinkingConfig").get("includeThoughts").asBoolean());
        assertFalse("Gemini takes no verbosity", lastBody(fake).toString().contains("verbosity"));
      }
      SamplingParams openAi = params.toBuilder().thinkingBudget(null).build();
      try (LlmClient gpt5 =
              ClientTestSupport.client(fake, "gpt-5-mini").samplingParams(openAi).build();
          LlmClient responses =
              ClientTestSupport.client(fake, "gpt-5-mini")
                  .samplingParams(openAi)
                  .responsesApi(true)
                  .build();
          LlmClient gpt41 =
              ClientTestSupport.client(fake, "gpt-4.1-mini").samplingParams(openAi).build()) {
        assertFalse(gpt5.start("say").join().isError());
        assertEquals("low", lastBody(fake).get("verbosity").asText());
        assertFalse(
            "OpenAI takes no media resolution",
            lastBody(fake).toString().contains("MEDIA_RESOLUTION"));
        assertFalse(responses.start("say").join().isError());
        assertEquals("low", lastBody(fake).get("text").get("verbosity").asText());
        assertFalse(gpt41.start("say").join().isError());
        assertFalse("only the GPT-5 family", lastBody(fake).has("verbosity"));
      }
    }
  }
}

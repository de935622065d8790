package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.anthropic.ToolTurnThinking;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import dev.beamllm.tool.Tool;
import java.util.List;
import org.junit.Test;

/**
 * Claude's extended thinking over a tool-use turn, end to end against the fake, whose Anthropic,
 * Bedrock invoke and Converse dialects refuse thinking over a turn that does not open with its
 * thinking block, as the real APIs do: a turn answered with thinking sends it back (signed, or
 * redacted) and keeps thinking on; a turn without it (built by hand, or from another provider)
 * turns thinking off for that request, and the response says so.
 */
public class ToolTurnThinkingTest {
  private static final Tool WEATHER =
      Tool.of(
          "get_weather",
          "Weather by city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
  private static final SamplingParams THINKING =
      SamplingParams.builder()
          .temperature(0.3)
          .maxNewTokens(1000)
          .reasoningEffort(ReasoningEffort.LOW)
          .build();
  private static final String QUESTION = "Use get_weather for Oslo";

  /** A tool-use turn built by hand: the assistant's call has no thinking to send back. */
  private static final Conversation HAND_BUILT =
      Conversation.user(QUESTION)
          .add(Message.assistant().addToolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}"))
          .add(Message.toolResult("toolu_1", "4 C"));

  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return Json.parse(sent.get(sent.size() - 1).body());
  }

  private static LlmClient client(FakeProviderServer fake, ModelRegistry registry, String model) {
    return LlmClient.builder()
        .models(model)
        .registry(registry)
        .apiKeys(ApiKeys.sameForAll("sk-test"))
        .tools(WEATHER)
        .samplingParams(THINKING)
        .progress(StatusTracker.Display.NONE)
        .build();
  }

  /** The registry with {@code bedrock-claude-4-sonnet} also reached through Converse. */
  private static ModelRegistry withConverse(FakeProviderServer fake) {
    ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec invoke = registry.lookup("bedrock-claude-4-sonnet");
    return registry.withModel(
        invoke.toBuilder()
            .setId("converse-claude-4-sonnet")
            .setAliases(List.of())
            .setWireFormat(WireFormat.BEDROCK_CONVERSE)
            .build());
  }

  @Test
  public void anthropicTurnsThinkingOffOverAHandBuiltToolTurnAndSaysSo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            client(fake, fake.pointRegistry(ModelRegistry.defaults()), "claude-4.5-sonnet")) {
      ApiResponse r = client.start(HAND_BUILT).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("Tool results: 4 C", r.completion());
      assertEquals(List.of(ToolTurnThinking.WARNING), r.warnings());
      JsonNode body = lastBody(fake);
      assertFalse("thinking is off for this request", body.has("thinking"));
      assertEquals("so temperature goes again", 0.3, body.get("temperature").asDouble(), 0);
      assertEquals("max_tokens is the answer's own", 1000, body.get("max_tokens").asInt());

      ApiResponse fresh = client.start("Hello").join();
      assertEquals("a new turn thinks again", List.of(), fresh.warnings());
      assertEquals("enabled", lastBody(fake).at("/thinking/type").asText());
    }
  }

  @Test
  public void anthropicKeepsThinkingOnWhenTheTurnOpensWithItsThinking() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            client(fake, fake.pointRegistry(ModelRegistry.defaults()), "claude-4.5-sonnet")) {
      ApiResponse call = client.start(QUESTION).join();
      Conversation loop =
          Conversation.user(QUESTION)
              .add(call.message())
              .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C"));
      ApiResponse r = client.start(loop).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(List.of(), r.warnings());
      assertEquals("enabled", lastBody(fake).at("/thinking/type").asText());

      // Claude's redacted thinking opens the turn just as well.
      Conversation redacted =
          Conversation.user(QUESTION)
              .add(
                  Message.assistant()
                      .add(
                          Thinking.raw(
                              "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}",
                              Thinking.ANTHROPIC))
                      .addToolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}"))
              .add(Message.toolResult("toolu_1", "4 C"));
      ApiResponse again = client.start(redacted).join();
      assertFalse(again.error().toString(), again.isError());
      assertEquals(List.of(), again.warnings());
      assertEquals("redacted_thinking", lastBody(fake).at("/messages/1/content/0/type").asText());
    }
  }

  @Test
  public void bedrockInvokeTurnsThinkingOffOverAToolTurnFromAnotherProvider() {
    Conversation fromGemini =
        Conversation.user(QUESTION)
            .add(
                Message.assistant()
                    .add(Thinking.signed("", "CiQBcsjafJ4Ljxbw", Thinking.GEMINI))
                    .addToolCall("fc_1", "get_weather", "{\"city\":\"Oslo\"}"))
            .add(Message.toolResult("fc_1", "4 C"));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            client(fake, fake.pointRegistry(ModelRegistry.defaults()), "bedrock-claude-4-sonnet")) {
      ApiResponse r = client.start(fromGemini).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(List.of(ToolTurnThinking.WARNING), r.warnings());
      assertFalse(lastBody(fake).has("thinking"));
    }
  }

  @Test
  public void converseSendsRedactedReasoningBackAndKeepsThinking() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = client(fake, withConverse(fake), "converse-claude-4-sonnet")) {
      Conversation redacted =
          Conversation.user(QUESTION)
              .add(
                  Message.assistant()
                      .add(Thinking.raw("{\"redactedContent\":\"EmwKAhgB\"}", Thinking.BEDROCK))
                      .addToolCall("tooluse_1", "get_weather", "{\"city\":\"Oslo\"}"))
              .add(Message.toolResult("tooluse_1", "4 C"));
      ApiResponse r = client.start(redacted).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(List.of(), r.warnings());
      JsonNode body = lastBody(fake);
      assertEquals(
          "EmwKAhgB", body.at("/messages/1/content/0/reasoningContent/redactedContent").asText());
      assertEquals("enabled", body.at("/additionalModelRequestFields/thinking/type").asText());

      ApiResponse call = client.start(QUESTION).join();
      ApiResponse signed =
          client
              .start(
                  Conversation.user(QUESTION)
                      .add(call.message())
                      .add(Message.toolResult(call.toolCalls().get(0).id(), "4 C")))
              .join();
      assertFalse(signed.error().toString(), signed.isError());
      assertEquals(List.of(), signed.warnings());
      assertFalse(
          lastBody(fake)
              .at("/messages/1/content/0/reasoningContent/reasoningText/signature")
              .asText()
              .isEmpty());
    }
  }

  @Test
  public void converseTurnsThinkingOffOverAHandBuiltToolTurnAndSaysSo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = client(fake, withConverse(fake), "converse-claude-4-sonnet")) {
      ApiResponse r = client.start(HAND_BUILT).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(List.of(ToolTurnThinking.WARNING), r.warnings());
      JsonNode body = lastBody(fake);
      assertFalse(body.has("additionalModelRequestFields"));
      assertEquals(0.3, body.at("/inferenceConfig/temperature").asDouble(), 0);
    }
  }
}

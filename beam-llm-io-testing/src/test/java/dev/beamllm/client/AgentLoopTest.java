package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.ScriptedTurn;
import dev.beamllm.tool.ToolMethod;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/**
 * The client's agent loop against the fake provider, which calls the tools the user names and
 * answers with their results: the tool runs, its result goes back in each provider's shape, the
 * loop ends with the final answer and the whole conversation (issue 13, point 3).
 */
public class AgentLoopTest {
  /** A tool that counts its calls. */
  public static final class Weather {
    final AtomicInteger calls = new AtomicInteger();

    @ToolMethod(description = "The weather in a city.")
    public String lookup(String city) {
      calls.incrementAndGet();
      return "sunny in " + city;
    }
  }

  private static final List<String> MODELS =
      List.of(
          "gpt-4.1-mini",
          "claude-4.5-sonnet",
          "gemini-2.5-flash",
          "mistral-small",
          "command-a",
          "bedrock-nova-lite",
          "gpt-5-mini");

  @Test
  public void aLoopRunsTheToolAndEndsWithTheModelsAnswerOnEveryWireFormat() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : MODELS) {
        Weather weather = new Weather();
        try (LlmClient client = ClientTestSupport.client(fake, model).build()) {
          AgentResult r =
              client
                  .runAgentLoop(
                      Conversation.user("Use lookup for the weather."),
                      ToolSet.of(Tools.fromMethods(weather)),
                      5)
                  .join();
          assertFalse(model + ": " + r.error(), r.isError());
          assertEquals(model, 1, weather.calls.get());
          List<Message> messages = r.conversation().messages();
          assertEquals(model, 4, messages.size());
          ToolCall call = messages.get(1).partsOf(ToolCall.class).get(0);
          assertEquals(model, "lookup", call.name());
          ToolResult result = messages.get(2).partsOf(ToolResult.class).get(0);
          assertEquals(model, call.id(), result.callId());
          String expected = "sunny in " + call.argumentsMap().get("city");
          assertEquals(model, expected, result.text());
          assertEquals(model, Role.ASSISTANT, messages.get(3).role());
          assertEquals(model, "Tool results: " + expected, r.completion());
          assertEquals(model, 2, r.turns());
          assertEquals(model, 1, r.toolCalls());
          assertEquals(model, 2, r.attempts());
          assertTrue(model, r.usage().inputTokens() > 0);
          assertTrue(model, r.cost() > r.last().cost());
        }
      }
    }
  }

  @Test
  public void severalRoundsOfToolsOnEveryWireFormat() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : MODELS) {
        Weather weather = new Weather();
        try (LlmClient client = ClientTestSupport.client(fake, model).build()) {
          AgentResult r =
              client
                  .runAgentLoop(
                      Conversation.user("Use lookup, again and again. [rounds=3]"),
                      ToolSet.of(Tools.fromMethods(weather)),
                      6)
                  .join();
          assertFalse(model + ": " + r.error(), r.isError());
          assertEquals(model, 3, weather.calls.get());
          assertEquals(model, 4, r.turns());
          assertEquals(model, 3, r.toolCalls());
          assertEquals(model, 8, r.conversation().messages().size());
          ToolResult last = r.conversation().messages().get(6).partsOf(ToolResult.class).get(0);
          assertEquals(model, "Rounds: 3. Tool results: " + last.text(), r.completion());
        }
      }
    }
  }

  @Test
  public void aScriptedTurnWithTwoCallsRunsBothAndSendsBothResultsInOrder() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      fake.script(
          "plan the trip",
          List.of(
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call("lookup", "{\"city\":\"Oslo\"}"),
                  ScriptedTurn.call("lookup", "{\"city\":\"Rome\"}")),
              ScriptedTurn.toolCalls(ScriptedTurn.call("lookup", "{\"town\":\"Bergen\"}")),
              ScriptedTurn.text("Oslo and Rome are sunny.")));
      Weather weather = new Weather();
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Please plan the trip."),
                  ToolSet.of(Tools.fromMethods(weather)),
                  5)
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Oslo and Rome are sunny.", r.completion());
      assertEquals(3, r.turns());
      assertEquals(3, r.toolCalls());
      assertEquals(2, weather.calls.get());
      List<ToolResult> first = r.conversation().messages().get(2).partsOf(ToolResult.class);
      assertEquals(
          List.of("sunny in Oslo", "sunny in Rome"), first.stream().map(ToolResult::text).toList());
      // Arguments that do not fit reach the model as an error it can read, not as an exception.
      ToolResult wrong = r.conversation().messages().get(4).partsOf(ToolResult.class).get(0);
      assertTrue(wrong.isError());
      assertEquals(
          "invalid arguments for 'lookup': unknown argument(s) [town]; the tool takes [city]",
          wrong.text());
    }
  }

  /** A tool that returns a chart: text and a PNG. */
  public static final class Chart {
    static final String PNG =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    @ToolMethod(description = "Draws a chart.")
    public ToolOutput draw(String title) {
      return ToolOutput.of(List.of(new Text("chart of " + title), Image.fromBase64(PNG)));
    }
  }

  @Test
  public void anImageATurnsToolReturnsReachesTheModelInItsProvidersShape() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : List.of("claude-4.5-sonnet", "gpt-4.1-mini", "gemini-2.5-flash")) {
        fake.reset();
        try (LlmClient client = ClientTestSupport.client(fake, model).build()) {
          AgentResult r =
              client
                  .runAgentLoop(
                      Conversation.user("Use draw for sales."),
                      ToolSet.of(Tools.fromMethods(new Chart())),
                      3)
                  .join();
          assertFalse(model + ": " + r.error(), r.isError());
          ToolResult result = r.conversation().messages().get(2).partsOf(ToolResult.class).get(0);
          assertTrue(model, result.hasImages());
          String second = fake.requests().get(1).body();
          assertTrue(model + ": " + second, second.contains(Chart.PNG));
          switch (model) {
            case "claude-4.5-sonnet" ->
                assertTrue(second, second.contains("\"type\":\"tool_result\""));
            case "gpt-4.1-mini" ->
                assertTrue(second, second.contains("data:image/png;base64," + Chart.PNG));
            default -> assertTrue(second, second.contains("inlineData"));
          }
        }
      }
    }
  }

  @Test
  public void aReplayedLoopPaysNothingForTheTurnsAlreadyAnswered() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ResponseCache cache = ResponseCache.memory();
      Weather weather = new Weather();
      ToolSet tools = ToolSet.of(Tools.fromMethods(weather));
      Conversation prompt = Conversation.user("What does lookup say?");
      AgentResult first;
      try (LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").cache(cache).build()) {
        first = client.runAgentLoop(prompt, tools, 4).join();
      }
      assertEquals(2, fake.stats().received());
      try (LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").cache(cache).build()) {
        AgentResult again = client.runAgentLoop(prompt, tools, 4).join();
        assertEquals(first.completion(), again.completion());
        assertEquals(first.conversation(), again.conversation());
        assertTrue(again.last().cacheHit());
        assertEquals(0, again.attempts());
        assertEquals(0, again.paidCost(), 0);
        assertEquals(first.cost(), again.cost(), 1e-12);
        assertEquals(first.cost(), first.paidCost(), 1e-12);
      }
      assertEquals("no request reached the provider again", 2, fake.stats().received());
    }
  }

  @Test
  public void aModelStillCallingToolsAfterTheLastTurnEndsTheLoopWithAnError() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      Weather weather = new Weather();
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Call lookup."), ToolSet.of(Tools.fromMethods(weather)), 1)
              .join();
      assertTrue(r.isError());
      assertEquals(ErrorKind.MAX_TURNS, r.error().orElseThrow().kind());
      assertEquals(1, r.failedTurn());
      assertEquals(0, weather.calls.get());
      assertEquals(2, r.conversation().messages().size());
    }
  }

  @Test
  public void aFailedTurnEndsTheLoopWithItsError() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("right").start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .apiKeys(ApiKeys.sameForAll("wrong"))
                .build()) {
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Call lookup."),
                  ToolSet.of(Tools.fromMethods(new Weather())),
                  3)
              .join();
      assertTrue(r.isError());
      assertEquals(ErrorKind.AUTH, r.error().orElseThrow().kind());
      assertEquals(1, r.failedTurn());
      assertEquals(1, r.conversation().messages().size());
    }
  }
}

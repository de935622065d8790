package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.tool.Tool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.Test;

/**
 * {@link LlmClient#stream}: text as it arrives, the whole answer at the end, retries only before
 * any text.
 */
public class StreamingTest {

  /** Streams a prompt, collecting the pieces of text. */
  private static ApiResponse stream(LlmClient client, String prompt, List<String> pieces) {
    return client.stream(Conversation.user(prompt), pieces::add).join();
  }

  @Test
  public void chatCompletionDeltasAddUpToTheAnswerWithItsUsage() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<String> pieces = Collections.synchronizedList(new ArrayList<>());
      ApiResponse r = stream(client, "#tokens=200", pieces);
      assertFalse(String.valueOf(r.error()), r.isError());
      assertTrue("a long answer comes in many pieces: " + pieces.size(), pieces.size() > 10);
      assertEquals(r.completion(), String.join("", pieces));
      assertEquals(200, r.usage().outputTokens());
      assertTrue(r.usage().inputTokens() > 0);
      assertEquals("stop", r.finishReason().orElseThrow());
      assertEquals(
          client.config().registry().lookup("gpt-4.1-mini").cost(r.usage()), r.cost(), 1e-12);
      JsonNode body = Json.parse(fake.requests().get(0).body());
      assertTrue(body.get("stream").asBoolean());
      assertTrue(body.at("/stream_options/include_usage").asBoolean());
    }
  }

  @Test
  public void anthropicAndGeminiStreamsAddUpToTheAnswer() {
    for (String model : List.of("claude-3.5-haiku", "gemini-2.5-flash")) {
      try (FakeProviderServer fake = FakeProviderServer.builder().start();
          LlmClient client = ClientTestSupport.client(fake, model).build()) {
        List<String> pieces = new ArrayList<>();
        ApiResponse r = stream(client, "#tokens=120", pieces);
        assertFalse(model + ": " + r.error(), r.isError());
        assertTrue(model + " streamed in pieces: " + pieces.size(), pieces.size() > 1);
        assertEquals(model, String.join("", pieces), r.completion());
        assertEquals(model, 120, r.usage().outputTokens());
      }
    }
  }

  @Test
  public void responsesApiDeltasAddUpToTheCompletedResponse() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").responsesApi(true).build()) {
      List<String> pieces = Collections.synchronizedList(new ArrayList<>());
      ApiResponse r = stream(client, "#tokens=200", pieces);
      assertFalse(String.valueOf(r.error()), r.isError());
      assertTrue(pieces.size() > 10);
      assertEquals(r.completion(), String.join("", pieces));
      assertEquals(200, r.usage().outputTokens());
      assertEquals("/v1/responses", fake.requests().get(0).path());
      assertTrue(Json.parse(fake.requests().get(0).body()).get("stream").asBoolean());
    }
  }

  @Test
  public void streamedToolCallsAreAssembled() {
    Tool weather =
        Tool.of(
            "get_weather",
            "Weather by city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient chat = ClientTestSupport.client(fake, "gpt-4.1-mini").tools(weather).build();
        LlmClient responses =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .tools(weather)
                .responsesApi(true)
                .build()) {
      for (LlmClient client : List.of(chat, responses)) {
        List<String> pieces = new ArrayList<>();
        ApiResponse r = stream(client, "Use get_weather for Oslo", pieces);
        assertEquals("tool_calls", r.finishReason().orElseThrow());
        assertEquals("get_weather", r.toolCalls().get(0).name());
        assertTrue(r.toolCalls().get(0).argumentsMap().get("city") instanceof String);
        assertEquals(List.of(), pieces);
      }
    }
  }

  @Test
  public void aFaultBeforeTheFirstByteIsRetried() {
    FaultPlan plan =
        FaultPlan.none()
            .withScript(
                "gpt-4.1-mini", Fault.SERVER_ERROR, Fault.NONE, Fault.UNAVAILABLE, Fault.NONE);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient chat = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(2).build();
        LlmClient responses =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .maxAttempts(2)
                .build()) {
      for (LlmClient client : List.of(chat, responses)) {
        List<String> pieces = Collections.synchronizedList(new ArrayList<>());
        ApiResponse r = stream(client, "#tokens=50", pieces);
        assertFalse(String.valueOf(r.error()), r.isError());
        assertEquals(2, r.attempts());
        assertEquals(
            "the failed attempt delivered nothing", r.completion(), String.join("", pieces));
      }
      assertEquals(4, fake.stats().received());
    }
  }

  @Test
  public void aStreamCutAfterTextHasArrivedIsNotRetried() {
    FaultPlan plan = FaultPlan.none().withScript("gpt-4.1-mini", Fault.DROP_CONNECTION, Fault.NONE);
    try (FakeProviderServer fake = FakeProviderServer.builder().faults(plan).start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").maxAttempts(3).build()) {
      List<String> pieces = Collections.synchronizedList(new ArrayList<>());
      ApiResponse r = stream(client, "#tokens=200", pieces);
      assertEquals(ErrorKind.CONNECTION, r.error().orElseThrow().kind());
      assertEquals(1, r.attempts());
      assertFalse("part of the answer arrived before the cut", pieces.isEmpty());
      assertEquals(1, fake.stats().received());
    }
  }

  @Test
  public void serverSentEventsAreReadAsTheSpecSays() {
    List<String> events = new ArrayList<>();
    StreamDecoder recorder =
        new StreamDecoder() {
          @Override
          public void onEvent(String event, String data, Consumer<String> onText) {
            events.add(event + "|" + data);
            onText.accept(data);
          }

          @Override
          public ParsedAnswer finish() {
            return new ParsedAnswer(
                Message.of(Role.ASSISTANT, List.of(new Text("done"))),
                "stop",
                Usage.ZERO,
                List.of());
          }
        };
    List<String> texts = new ArrayList<>();
    SseReader reader = new SseReader(recorder, texts::add);
    assertFalse(reader.delivered());
    for (String line :
        List.of(
            ": a comment",
            "event: first",
            "data: one",
            "data:two",
            "id: 7",
            "",
            "",
            "data: {\"x\":1}",
            "",
            "event: last",
            "data: unterminated")) {
      reader.accept(line);
    }
    assertEquals("the last event counts once the stream ends", 2, events.size());
    assertEquals("done", reader.finish().message().text());
    assertEquals(List.of("first|one\ntwo", "null|{\"x\":1}", "last|unterminated"), events);
    assertEquals(3, texts.size());
    assertTrue(reader.delivered());
  }
}

package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.AgentResult;
import dev.beamllm.client.Limits;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.testing.FakeLatency;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ToolMethod;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import dev.beamllm.tool.prefab.PrefabTools;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;

/** {@code LlmIO.agent()} on the DirectRunner against the fake provider (issue 13, point 3). */
public class LlmIOAgentTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final AtomicInteger CALLS = new AtomicInteger();

  /** The tool the rows' agents call; serializable, as the workers get it. */
  public static final class Weather implements Serializable {
    @ToolMethod(description = "The weather in a city.")
    public String lookup(String city) {
      CALLS.incrementAndGet();
      return "sunny in " + city;
    }
  }

  @Test
  public void everyRowEndsAsItsAgentsFinalConversationOrAFailureNamingItsTurn() throws Exception {
    CALLS.set(0);
    int n = 120;
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .latency(FakeLatency.fixed(Duration.ofMillis(20)))
            .recordRequests(false)
            .start()) {
      List<Conversation> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(Conversation.user("Row " + i + ": ask lookup.").withId("row-" + i));
      }
      rows.add(Conversation.user("No tool needed here.").withId("plain"));
      LlmIO.Complete client =
          LlmIO.complete()
              .withModels("gpt-4.1-mini")
              .withRegistry(LlmIOTest.registry(fake))
              .withLimits(Limits.perMinute(100_000, 0).maxConcurrent(50));
      AgentOutput out =
          pipeline
              .apply(Create.of(rows))
              .apply(
                  LlmIO.agent()
                      .withClient(client)
                      .withTools(ToolSet.of(Tools.fromMethods(new Weather())))
                      .withMaxTurns(4));

      PAssert.that(out.failures()).empty();
      PAssert.that(out.results())
          .satisfies(
              results -> {
                Set<String> ids = new HashSet<>();
                for (AgentResult r : results) {
                  String id = r.conversation().id().orElseThrow();
                  ids.add(id);
                  if (id.equals("plain")) {
                    assertEquals(1, r.turns());
                    assertEquals(2, r.conversation().messages().size());
                    continue;
                  }
                  assertEquals(id, 2, r.turns());
                  assertEquals(id, 4, r.conversation().messages().size());
                  ToolCall call = r.conversation().messages().get(1).partsOf(ToolCall.class).get(0);
                  ToolResult result =
                      r.conversation().messages().get(2).partsOf(ToolResult.class).get(0);
                  String expected = "sunny in " + call.argumentsMap().get("city");
                  assertEquals(expected, result.text());
                  assertEquals("Tool results: " + expected, r.completion());
                  assertEquals(id, r.last().conversationId().orElseThrow());
                  assertTrue(r.cost() > 0);
                }
                assertEquals(n + 1, ids.size());
                return null;
              });
      pipeline.run().waitUntilFinish();
      assertEquals(n, CALLS.get());
      assertEquals(2L * n + 1, fake.stats().accepted());
    }
  }

  @Test
  public void eachRowKeepsItsOwnToDoList() {
    int n = 30;
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      List<Conversation> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(
            Conversation.user("Please call todo_add with {\"items\":[\"task-" + i + "\"]}")
                .withId("row-" + i));
      }
      AgentOutput out =
          pipeline
              .apply(Create.of(rows))
              .apply(
                  LlmIO.agent()
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake)))
                      .withToolsPerRow(r -> ToolSet.of(PrefabTools.todoList().tools()))
                      .withMaxTurns(3));
      PAssert.that(out.failures()).empty();
      PAssert.that(out.results())
          .satisfies(
              results -> {
                int count = 0;
                for (AgentResult r : results) {
                  count++;
                  String id = r.conversation().id().orElseThrow();
                  String mine = "task-" + id.substring("row-".length());
                  assertTrue(r.completion(), r.completion().contains(mine));
                  // One item: a list shared between rows would hold the others' too.
                  assertEquals(r.completion(), 1, r.completion().split("task-", -1).length - 1);
                }
                assertEquals(n, count);
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
  }

  @Test
  public void aLoopOutOfTurnsIsAFailureWithItsTurn() {
    try (FakeProviderServer fake = FakeProviderServer.builder().recordRequests(false).start()) {
      AgentOutput out =
          pipeline
              .apply(
                  Create.of(
                      Conversation.user("Call lookup.").withId("a"),
                      Conversation.user("Call lookup too.").withId("b")))
              .apply(
                  LlmIO.agent()
                      .withClient(
                          LlmIO.complete()
                              .withModels("gpt-4.1-mini")
                              .withRegistry(LlmIOTest.registry(fake)))
                      .withTools(ToolSet.of(Tools.fromMethods(new Weather())))
                      .withMaxTurns(1));
      PAssert.that(out.results()).empty();
      PAssert.that(out.failures())
          .satisfies(
              failures -> {
                int count = 0;
                for (LlmFailure f : failures) {
                  count++;
                  assertEquals("MAX_TURNS", f.getErrorKind());
                  assertEquals(1, f.getTurn());
                  assertTrue(f.getConversationJson(), f.input().messages().size() == 1);
                }
                assertEquals(2, count);
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
  }
}

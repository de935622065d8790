package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.AgentWires.Call;
import dev.beamllm.testing.AgentWires.Wire;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * Agent loops driven by hand against the fake over HTTP, in every wire format it serves: the fake
 * calls tools for several rounds ({@code [rounds=N]}), several tools in one turn, with explicit
 * arguments ({@code call <tool> with {...}}), or as a script says ({@link
 * FakeProviderServer#script}, {@code POST /fake/script}); each provider's own shapes carry the
 * calls out and the results back.
 */
@RunWith(Parameterized.class)
public class FakeAgentTurnsTest {

  @Parameterized.Parameters(name = "{0}")
  public static List<Object[]> wires() {
    List<Object[]> out = new ArrayList<>();
    for (Wire w : AgentWires.all()) {
      out.add(new Object[] {w});
    }
    return out;
  }

  private final Wire wire;
  private FakeProviderServer server;

  public FakeAgentTurnsTest(Wire wire) {
    this.wire = wire;
  }

  @Before
  public void start() {
    // Keyless: Bedrock's requests need no signature then, and the others need no key anyway.
    server = FakeProviderServer.builder().keyless(true).start();
  }

  @After
  public void stop() {
    server.close();
  }

  /**
   * What one loop saw.
   *
   * @param rounds the calls of each assistant turn that called tools
   * @param text the final text
   */
  private record Loop(List<List<Call>> rounds, String text) {}

  /**
   * Runs the loop: sends the conversation, and while the answer calls tools, appends the assistant
   * turn and results {@code "<tool>-r<round>"}, and sends again.
   */
  private Loop run(String prompt) throws Exception {
    ArrayNode messages = Json.MAPPER.createArrayNode();
    messages.add(wire.user(prompt));
    List<List<Call>> rounds = new ArrayList<>();
    for (int request = 0; request < 10; request++) {
      Http.Reply r =
          Http.post(
              server.baseUrl() + wire.path(), Json.write(wire.body(messages)), wire.headers());
      assertEquals(r.body(), 200, r.status());
      JsonNode answer = r.json();
      List<Call> calls = wire.calls(answer);
      if (calls.isEmpty()) {
        assertEquals(r.body(), wire.textStop(), wire.stop(answer));
        String text = wire.text(answer);
        assertNotNull(r.body(), text);
        return new Loop(rounds, text);
      }
      assertEquals(r.body(), wire.toolStop(), wire.stop(answer));
      rounds.add(calls);
      List<String> results = new ArrayList<>();
      for (Call c : calls) {
        results.add(c.name() + "-r" + rounds.size());
      }
      wire.assistant(answer).forEach(messages::add);
      wire.results(calls, results).forEach(messages::add);
    }
    fail("no text answer after 10 requests");
    return null;
  }

  private static List<String> names(List<Call> calls) {
    return calls.stream().map(Call::name).toList();
  }

  private static long tokens(String text) {
    return TokenCounter.count(text);
  }

  private void assertUniqueIds(List<List<Call>> rounds, int expected) {
    if (!wire.callIds()) {
      return;
    }
    Set<String> ids = new HashSet<>();
    rounds.forEach(round -> round.forEach(c -> ids.add(c.id())));
    assertEquals("call ids are unique across the conversation: " + rounds, expected, ids.size());
  }

  @Test
  public void threeRoundsOfTwoCallsEachEndWithTheLastRoundsResults() throws Exception {
    String addArgs = "{\"b\":40,\"a\":2,\"note\":\"x y\"}";
    String prompt = "[rounds=3] Use lookup first, then call add with " + addArgs + " please";
    Loop loop = run(prompt);

    assertEquals("three assistant turns called tools", 3, loop.rounds().size());
    String lookupArgs = Json.write(Json.object().put("city", prompt.substring(0, 40)));
    for (List<Call> round : loop.rounds()) {
      assertEquals("both named tools, in the order named", List.of("lookup", "add"), names(round));
      assertEquals("schema-derived arguments", lookupArgs, round.get(0).arguments());
      assertEquals("explicit arguments arrive verbatim", addArgs, round.get(1).arguments());
    }
    assertUniqueIds(loop.rounds(), 6);
    assertEquals("Rounds: 3. Tool results: lookup-r3; add-r3", loop.text());

    FakeServerStats stats = server.stats();
    assertEquals(4, stats.accepted());
    long perRound = tokens("lookup") + tokens(lookupArgs) + tokens("add") + tokens(addArgs);
    assertEquals(
        "tool-call turns count their names and arguments as output",
        3 * perRound + tokens(loop.text()),
        stats.outputTokens());
  }

  @Test
  public void withoutTheDirectiveTwoCallsAndBothResultsEndTheLoopAfterOneRound() throws Exception {
    Loop loop = run("Use add and lookup");
    assertEquals(1, loop.rounds().size());
    assertEquals(List.of("add", "lookup"), names(loop.rounds().get(0)));
    assertUniqueIds(loop.rounds(), 2);
    assertEquals("Tool results: add-r1; lookup-r1", loop.text());
  }

  @Test
  public void aScriptFromTheJavaApiIsFollowedTurnByTurn() throws Exception {
    server.script(
        "Plan my trip",
        List.of(
            ScriptedTurn.toolCalls(
                ScriptedTurn.call("lookup", "{\"city\": \"Oslo\"}"),
                ScriptedTurn.call("add", "{\"a\":1,\"b\":2}")),
            ScriptedTurn.toolCalls(ScriptedTurn.call("lookup", "{\"city\":\"Bergen\"}")),
            ScriptedTurn.text("Bergen it is.")));
    // Names "add", which the rules would call: the script comes first.
    Loop loop = run("Plan my trip to Norway; add nothing");
    assertEquals(2, loop.rounds().size());
    List<Call> first = loop.rounds().get(0);
    assertEquals(List.of("lookup", "add"), names(first));
    assertEquals("{\"city\":\"Oslo\"}", first.get(0).arguments());
    assertEquals("{\"a\":1,\"b\":2}", first.get(1).arguments());
    List<Call> second = loop.rounds().get(1);
    assertEquals(List.of("lookup"), names(second));
    assertEquals("{\"city\":\"Bergen\"}", second.get(0).arguments());
    assertUniqueIds(loop.rounds(), 3);
    assertEquals("Bergen it is.", loop.text());
  }

  @Test
  public void aScriptPostedOverHttpIsFollowedUntilItEndsAndResetClearsIt() throws Exception {
    String script =
        "{\"match\":\"Count for me\",\"turns\":[{\"tool_calls\":["
            + "{\"name\":\"add\",\"arguments\":{\"a\":5,\"b\":6}},"
            + "{\"name\":\"lookup\",\"arguments\":\"{\\\"city\\\":\\\"Tromsø\\\"}\"}]}]}";
    Http.Reply posted = Http.post(server.baseUrl() + "/fake/script", script);
    assertEquals(posted.body(), 200, posted.status());
    assertEquals(Json.parse("{\"match\":\"Count for me\",\"turns\":1}"), posted.json());

    Loop loop = run("Count for me, please");
    assertEquals(1, loop.rounds().size());
    List<Call> calls = loop.rounds().get(0);
    assertEquals(List.of("add", "lookup"), names(calls));
    assertEquals("{\"a\":5,\"b\":6}", calls.get(0).arguments());
    assertEquals("{\"city\":\"Tromsø\"}", calls.get(1).arguments());
    assertEquals(
        "Script exhausted: the script for \"Count for me\" ends after turn 1; this is assistant"
            + " turn 2",
        loop.text());

    assertEquals(200, Http.post(server.baseUrl() + "/fake/reset", "").status());
    Loop after = run("Count for me, please");
    assertEquals("the rules answer again", List.of(), after.rounds());
    assertEquals("Echo: Count for me, please", after.text());
  }
}

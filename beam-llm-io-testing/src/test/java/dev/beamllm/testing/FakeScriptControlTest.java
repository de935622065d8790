package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import java.util.List;
import org.junit.Test;

/**
 * The edges of scripted conversations and of the agent-loop rules, on OpenAI chat: what {@code POST
 * /fake/script} refuses, which script wins, what a directive needs, and that scripted answers are
 * counted and limited like any other.
 */
public class FakeScriptControlTest {
  private static final String TOOLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";

  private static Http.Reply chat(FakeProviderServer s, String messages) throws Exception {
    return Http.post(
        s.baseUrl() + "/v1/chat/completions",
        "{\"model\":\"gpt-4.1-mini\",\"tools\":" + TOOLS + ",\"messages\":" + messages + "}");
  }

  private static String user(String text) {
    return Json.write(Json.object().put("role", "user").put("content", text));
  }

  private static String text(Http.Reply r) {
    assertEquals(r.body(), 200, r.status());
    return r.json().at("/choices/0/message/content").asText();
  }

  private static String refusal(FakeProviderServer s, String body) throws Exception {
    Http.Reply r = Http.post(s.baseUrl() + "/fake/script", body);
    assertEquals(r.body(), 400, r.status());
    return r.json().at("/error/message").asText();
  }

  @Test
  public void invalidScriptsAreRefusedWithTheReasonAndAddNothing() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      assertThat(refusal(s, "not json"), startsWith("the body is not JSON: "));
      assertEquals(
          "the body must be a JSON object {match, turns}", refusal(s, "[{\"match\":\"m\"}]"));
      assertEquals("'match' must be a string", refusal(s, "{\"turns\":[{\"text\":\"x\"}]}"));
      assertEquals(
          "'turns' must be a non-empty array", refusal(s, "{\"match\":\"m\",\"turns\":[]}"));
      assertEquals(
          "turns[1] must have exactly one of 'text' and 'tool_calls'",
          refusal(
              s,
              "{\"match\":\"m\",\"turns\":[{\"text\":\"a\"},{\"text\":\"a\",\"tool_calls\":[]}]}"));
      assertEquals(
          "turns[0].tool_calls must be a non-empty array",
          refusal(s, "{\"match\":\"m\",\"turns\":[{\"tool_calls\":[]}]}"));
      assertEquals(
          "turns[0].tool_calls[0].name must be a non-empty string",
          refusal(s, "{\"match\":\"m\",\"turns\":[{\"tool_calls\":[{\"arguments\":{}}]}]}"));
      assertEquals(
          "turns[0].tool_calls[0]: arguments of scripted call to 'x' must be a JSON object, got [1]",
          refusal(
              s,
              "{\"match\":\"m\",\"turns\":[{\"tool_calls\":[{\"name\":\"x\",\"arguments\":[1]}]}]}"));
      Http.Reply get = Http.get(s.baseUrl() + "/fake/script");
      assertEquals(405, get.status());
      assertEquals("POST", get.header("allow"));

      assertEquals("nothing was scripted", "Echo: m", text(chat(s, "[" + user("m") + "]")));
      assertTrue(s.endpoints().stream().anyMatch(e -> e.startsWith("POST /fake/script ")));
    }
  }

  @Test
  public void theNewestMatchingScriptWinsAndOnlyTheFirstUserMessageIsMatched() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      s.script("trip", List.of(ScriptedTurn.text("old")));
      s.script("Plan", List.of(ScriptedTurn.text("plan")));
      s.script("trip", List.of(ScriptedTurn.text("new")));
      assertEquals("new", text(chat(s, "[" + user("Plan my trip") + "]")));
      assertEquals("plan", text(chat(s, "[" + user("Plan a holiday") + "]")));
      String later =
          "["
              + user("hello")
              + ",{\"role\":\"assistant\",\"content\":\"Hi.\"},"
              + user("Plan my trip")
              + "]";
      assertEquals("Echo: Plan my trip", text(chat(s, later)));

      s.script("", List.of(ScriptedTurn.text("anything")));
      assertEquals(
          "an empty match matches all, and is the newest",
          "anything",
          text(chat(s, "[" + user("Plan a holiday") + "]")));
      assertEquals(
          "turn k is the number of assistant messages already there",
          "Script exhausted: the script for \"\" ends after turn 1; this is assistant turn 2",
          text(chat(s, later)));
      s.reset();
      assertEquals("Echo: Plan a holiday", text(chat(s, "[" + user("Plan a holiday") + "]")));
    }
  }

  @Test
  public void scriptsAreCheckedWhenGiven() {
    assertThrows(IllegalArgumentException.class, () -> ScriptedTurn.call("x", "[1]"));
    assertThrows(IllegalArgumentException.class, () -> ScriptedTurn.call("x", "{oops"));
    assertThrows(IllegalArgumentException.class, () -> ScriptedTurn.call("", "{}"));
    assertThrows(IllegalArgumentException.class, () -> ScriptedTurn.toolCalls(List.of()));
    assertEquals("{}", ScriptedTurn.call("x", null).argumentsJson());
    assertEquals(
        "{\"b\":1,\"a\":2}", ScriptedTurn.call("x", "{ \"b\" : 1, \"a\": 2 }").argumentsJson());
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      assertThrows(IllegalArgumentException.class, () -> s.script("m", List.of()));
    }
  }

  @Test
  public void scriptedTurnsAreCountedAndRateLimitedLikeAnyAnswer() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().requestsPerMinute(2).start()) {
      String args = "{\"city\":\"Oslo\"}";
      s.script("go", List.of(ScriptedTurn.toolCalls(ScriptedTurn.call("lookup", args))));
      Http.Reply r = chat(s, "[" + user("go") + "]");
      assertEquals(r.body(), 200, r.status());
      JsonNode j = r.json();
      assertEquals("tool_calls", j.at("/choices/0/finish_reason").asText());
      long out = TokenCounter.count("lookup") + TokenCounter.count(args);
      assertEquals(out, j.at("/usage/completion_tokens").asLong());
      assertEquals(200, chat(s, "[" + user("go") + "]").status());
      assertEquals(429, chat(s, "[" + user("go") + "]").status());
      FakeServerStats stats = s.stats();
      assertEquals(2, stats.accepted());
      assertEquals(1, stats.rateLimited());
      assertEquals(2 * out, stats.outputTokens());
    }
  }

  @Test
  public void aRoundsDirectiveNeedsAPositiveCountInTheFirstUserMessage() throws Exception {
    try (FakeProviderServer s = FakeProviderServer.builder().start()) {
      for (String prompt : List.of("[rounds=0] use lookup", "use lookup [rounds = 2]")) {
        JsonNode call = chat(s, "[" + user(prompt) + "]").json().at("/choices/0/message");
        String id = call.at("/tool_calls/0/id").asText();
        String history =
            "["
                + user(prompt)
                + ","
                + Json.write(call)
                + ",{\"role\":\"tool\",\"tool_call_id\":\""
                + id
                + "\",\"content\":\"4 C\"}]";
        assertEquals(prompt, "Tool results: 4 C", text(chat(s, history)));
      }
      // The directive counts rounds even when a later request offers no tool to call.
      String prompt = "[rounds=2] use lookup";
      JsonNode call = chat(s, "[" + user(prompt) + "]").json().at("/choices/0/message");
      String history =
          "["
              + user(prompt)
              + ","
              + Json.write(call)
              + ",{\"role\":\"tool\",\"tool_call_id\":\""
              + call.at("/tool_calls/0/id").asText()
              + "\",\"content\":\"4 C\"}]";
      Http.Reply noTools =
          Http.post(
              s.baseUrl() + "/v1/chat/completions",
              "{\"model\":\"gpt-4.1-mini\",\"messages\":" + history + "}");
      assertEquals("Rounds: 1. Tool results: 4 C", text(noTools));
    }
  }

  @Test
  public void explicitArgumentsAreTheObjectAfterCallToolWith() {
    assertEquals(
        Json.parse("{\"a\":[1,{\"b\":null}],\"z\":\"} tricky\"}"),
        FakeAnswerer.explicitArguments(
            "Please CALL Lookup with {\"a\":[1,{\"b\":null}],\"z\":\"} tricky\"} and more",
            "lookup"));
    assertNull(FakeAnswerer.explicitArguments("call lookup with {oops", "lookup"));
    assertNull(FakeAnswerer.explicitArguments("call lookup with [1]", "lookup"));
    assertNull(FakeAnswerer.explicitArguments("call lookups with {}", "lookup"));
    assertNull(FakeAnswerer.explicitArguments("recall lookup with {}", "lookup"));
  }
}

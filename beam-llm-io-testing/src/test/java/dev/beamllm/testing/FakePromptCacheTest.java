package dev.beamllm.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * The fake's prompt cache, per breakpoint as Anthropic documents it: a prefix is cached at each
 * breakpoint, a later request reads the longest cached prefix ending at one of its breakpoints or
 * at one of the 20 blocks before it, writes the rest up to its last breakpoint at each segment's
 * TTL. Anthropic Messages and Bedrock Converse, raw JSON over HTTP; every number is exact.
 */
public class FakePromptCacheTest {
  private static final String KEY = "sk-ant-test-123";
  private static final String FIVE = "{\"type\":\"ephemeral\"}";
  private static final String HOUR = "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}";
  private static final String SYSTEM = "You are a careful assistant." + " river".repeat(1500);

  // ---- Anthropic ----

  private static Http.Reply send(FakeProviderServer fake, String body) throws Exception {
    return Http.post(
        fake.baseUrl() + "/v1/messages", body, "x-api-key", KEY, "anthropic-version", "2023-06-01");
  }

  private static JsonNode usage(FakeProviderServer fake, String body) throws Exception {
    Http.Reply r = send(fake, body);
    assertEquals(r.body(), 200, r.status());
    return r.json().get("usage");
  }

  private static String message(FakeProviderServer fake, String body) throws Exception {
    Http.Reply r = send(fake, body);
    assertEquals(r.body(), 400, r.status());
    assertEquals("invalid_request_error", r.json().at("/error/type").asText());
    return r.json().at("/error/message").asText();
  }

  private static FakeProviderServer anthropic() {
    return FakeProviderServer.builder().apiKey(KEY).start();
  }

  /** A text block, with {@code cache_control} when cc is not null. */
  private static String text(String text, String cc) {
    return "{\"type\":\"text\",\"text\":\""
        + text
        + "\""
        + (cc == null ? "" : ",\"cache_control\":" + cc)
        + "}";
  }

  private static String msg(String role, String... blocks) {
    return "{\"role\":\"" + role + "\",\"content\":[" + String.join(",", blocks) + "]}";
  }

  /** A body; system is its JSON value (a string or an array) or null. */
  private static String body(String system, String... messages) {
    return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
        + (system == null ? "" : "\"system\":" + system + ",")
        + "\"messages\":["
        + String.join(",", messages)
        + "]}";
  }

  /** The tokens of a prefix: its blocks joined by newlines. */
  private static long tokens(String... pieces) {
    return TokenCounter.count(String.join("\n", pieces));
  }

  private static void assertUsage(
      String what, JsonNode usage, long read, long write5m, long write1h) {
    assertEquals(what + ": read", read, usage.get("cache_read_input_tokens").asLong());
    assertEquals(
        what + ": write", write5m + write1h, usage.get("cache_creation_input_tokens").asLong());
    assertEquals(
        what + ": 5m", write5m, usage.at("/cache_creation/ephemeral_5m_input_tokens").asLong());
    assertEquals(
        what + ": 1h", write1h, usage.at("/cache_creation/ephemeral_1h_input_tokens").asLong());
  }

  @Test
  public void aCachedSystemPromptIsWrittenThenReadWhateverTheUserSays() throws Exception {
    long size = tokens(SYSTEM);
    assertTrue(size > 1400 && size < 1600);
    String system = "[" + text(SYSTEM, FIVE) + "]";
    try (FakeProviderServer fake = anthropic()) {
      JsonNode first = usage(fake, body(system, msg("user", text("first", null))));
      assertUsage("first", first, 0, size, 0);
      JsonNode second = usage(fake, body(system, msg("user", text("second", null))));
      assertUsage("second", second, size, 0, 0);
      long all =
          TokenCounter.estimate(
              Conversation.of(Message.system(SYSTEM), Message.user("second")),
              TokenCounter.ImageRule.ANTHROPIC);
      assertEquals(
          "input_tokens excludes the read", all - size, second.get("input_tokens").asLong());
      assertEquals(size, fake.stats().cacheReadTokens());
      assertEquals(size, fake.stats().cacheWriteTokens());
    }
  }

  @Test
  public void aMovedBreakpointReadsTheLastTurnsPrefixWithinTwentyBlocks() throws Exception {
    String system = "\"" + SYSTEM + "\"";
    String turn1 = body(system, msg("user", text("first question", FIVE)));
    long prefix1 = tokens(SYSTEM, "first question");
    try (FakeProviderServer fake = anthropic()) {
      assertUsage("turn 1", usage(fake, turn1), 0, prefix1, 0);
      String turn2 =
          body(
              system,
              msg("user", text("first question", null)),
              msg("assistant", text("first answer", null)),
              msg("user", text("second question", FIVE)));
      long prefix2 = tokens(SYSTEM, "first question", "first answer", "second question");
      assertUsage("turn 2", usage(fake, turn2), prefix1, prefix2 - prefix1, 0);
      assertEquals(prefix1, fake.stats().cacheReadTokens());
      assertEquals(prefix2, fake.stats().cacheWriteTokens());
    }
    // The breakpoint is block n + 2 (system 0, first question 1, n answer blocks): the cached
    // prefix ending at block 1 is found from 20 blocks back, not from 21.
    for (int n : new int[] {19, 20, 25}) {
      try (FakeProviderServer fake = anthropic()) {
        usage(fake, turn1);
        List<String> blocks = new ArrayList<>();
        List<String> pieces = new ArrayList<>(List.of(SYSTEM, "first question"));
        for (int i = 1; i <= n; i++) {
          blocks.add(text("step " + i, null));
          pieces.add("step " + i);
        }
        pieces.add("next question");
        String turn2 =
            body(
                system,
                msg("user", text("first question", null)),
                msg("assistant", blocks.toArray(String[]::new)),
                msg("user", text("next question", FIVE)));
        long all = tokens(pieces.toArray(String[]::new));
        if (n <= 19) {
          assertUsage(n + " blocks between", usage(fake, turn2), prefix1, all - prefix1, 0);
        } else {
          assertUsage(n + " blocks between", usage(fake, turn2), 0, all, 0);
        }
      }
    }
  }

  @Test
  public void twoBreakpointsSplitTheWriteByLifetime() throws Exception {
    String question = "Summarise the manual." + " stone".repeat(300);
    String system = "[" + text(SYSTEM, HOUR) + "]";
    long sys = tokens(SYSTEM);
    long withQuestion = tokens(SYSTEM, question);
    try (FakeProviderServer fake = anthropic()) {
      JsonNode first = usage(fake, body(system, msg("user", text(question, FIVE))));
      assertUsage("first", first, 0, withQuestion - sys, sys);
      String other = "Translate the manual." + " cloud".repeat(300);
      JsonNode second = usage(fake, body(system, msg("user", text(other, FIVE))));
      assertUsage("second", second, sys, tokens(SYSTEM, other) - sys, 0);
      JsonNode again = usage(fake, body(system, msg("user", text(question, FIVE))));
      assertUsage("the first again", again, withQuestion, 0, 0);
    }
  }

  @Test
  public void cacheControlIsCheckedAsAnthropicDoes() throws Exception {
    try (FakeProviderServer fake = anthropic()) {
      assertEquals(
          "messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come "
              + "after a ttl='5m' cache_control block. Note that blocks are processed in the "
              + "following order: `tools`, `system`, `messages`.",
          message(fake, body("[" + text(SYSTEM, FIVE) + "]", msg("user", text("q", HOUR)))));
      assertEquals(
          "system.0.cache_control.ttl: Input should be '5m' or '1h'",
          message(
              fake,
              body(
                  "[" + text("s", "{\"type\":\"ephemeral\",\"ttl\":\"10m\"}") + "]",
                  msg("user", text("q", null)))));
      String thinking =
          "{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"c2ln\",\"cache_control\":"
              + FIVE
              + "}";
      assertEquals(
          "messages.1.content.0.thinking.cache_control: Extra inputs are not permitted",
          message(
              fake,
              body(
                  null,
                  msg("user", text("q", null)),
                  msg("assistant", thinking, text("a", null)),
                  msg("user", text("r", null)))));
      // An hour-long tool breakpoint before five-minute ones, on a server tool: accepted.
      String tools =
          ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"cache_control\":"
              + HOUR
              + "}]}";
      String withTools =
          body("[" + text(SYSTEM, FIVE) + "]", msg("user", text("q", FIVE))).replaceAll("}$", "")
              + tools;
      Http.Reply ok = send(fake, withTools);
      assertEquals(ok.body(), 200, ok.status());
    }
  }

  @Test
  public void breakpointsUnderTheMinimumAreIgnored() throws Exception {
    String system = "[" + text(SYSTEM, FIVE) + "]";
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).promptCacheMinTokens(2048).start()) {
      assertUsage("first", usage(fake, body(system, msg("user", text("one", null)))), 0, 0, 0);
      assertUsage("second", usage(fake, body(system, msg("user", text("two", null)))), 0, 0, 0);
      assertEquals(0, fake.stats().cacheReadTokens());
      assertEquals(0, fake.stats().cacheWriteTokens());
    }
    // A short hour-long system breakpoint is ignored: the long user block's breakpoint writes the
    // whole prefix for five minutes.
    String shortSystem = "Be brief.";
    try (FakeProviderServer fake = anthropic()) {
      JsonNode u =
          usage(fake, body("[" + text(shortSystem, HOUR) + "]", msg("user", text(SYSTEM, FIVE))));
      assertUsage("short system", u, 0, tokens(shortSystem, SYSTEM), 0);
    }
  }

  // ---- Bedrock Converse ----

  private static Http.Reply converse(FakeProviderServer fake, String body) throws Exception {
    return Http.post(
        fake.baseUrl() + "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse",
        body,
        SigV4Headers.signed(SigV4Headers.authorization(SigV4Headers.ACCESS_KEY)));
  }

  private static FakeProviderServer bedrock() {
    return FakeProviderServer.builder().apiKey(SigV4Headers.ACCESS_KEY).start();
  }

  private static JsonNode converseUsage(FakeProviderServer fake, String body) throws Exception {
    Http.Reply r = converse(fake, body);
    assertEquals(r.body(), 200, r.status());
    return r.json().get("usage");
  }

  private static String converseError(FakeProviderServer fake, String body) throws Exception {
    Http.Reply r = converse(fake, body);
    assertEquals(r.body(), 400, r.status());
    assertEquals("ValidationException", r.header("x-amzn-ErrorType"));
    return r.json().get("message").asText();
  }

  private static String point(String ttl) {
    return "{\"cachePoint\":{\"type\":\"default\""
        + (ttl == null ? "" : ",\"ttl\":\"" + ttl + "\"")
        + "}}";
  }

  private static String ctext(String text) {
    return "{\"text\":\"" + text + "\"}";
  }

  private static String conv(String system, String... messages) {
    return "{"
        + (system == null ? "" : "\"system\":" + system + ",")
        + "\"messages\":["
        + String.join(",", messages)
        + "]}";
  }

  private static void assertConverse(String what, JsonNode usage, long read, long write) {
    assertEquals(what + ": read", read, usage.get("cacheReadInputTokens").asLong());
    assertEquals(what + ": write", write, usage.get("cacheWriteInputTokens").asLong());
  }

  @Test
  public void converseCachePointsWriteThenReadAndFollowTheConversation() throws Exception {
    long size = tokens(SYSTEM);
    String system = "[" + ctext(SYSTEM) + "," + point("1h") + "]";
    try (FakeProviderServer fake = bedrock()) {
      assertConverse(
          "first", converseUsage(fake, conv(system, msg("user", ctext("one")))), 0, size);
      JsonNode second = converseUsage(fake, conv(system, msg("user", ctext("two"))));
      assertConverse("second", second, size, 0);
      long all =
          TokenCounter.estimate(
              Conversation.of(Message.system(SYSTEM), Message.user("two")),
              TokenCounter.ImageRule.ANTHROPIC);
      assertEquals(all - size, second.get("inputTokens").asLong());
    }
    String plain = "[" + ctext(SYSTEM) + "]";
    long prefix1 = tokens(SYSTEM, "first question");
    try (FakeProviderServer fake = bedrock()) {
      assertConverse(
          "turn 1",
          converseUsage(fake, conv(plain, msg("user", ctext("first question"), point(null)))),
          0,
          prefix1);
      JsonNode turn2 =
          converseUsage(
              fake,
              conv(
                  plain,
                  msg("user", ctext("first question")),
                  msg("assistant", ctext("first answer")),
                  msg("user", ctext("second question"), point("5m"))));
      long prefix2 = tokens(SYSTEM, "first question", "first answer", "second question");
      assertConverse("turn 2", turn2, prefix1, prefix2 - prefix1);
    }
  }

  @Test
  public void converseCachePointsAreChecked() throws Exception {
    try (FakeProviderServer fake = bedrock()) {
      String five = String.join(",", ctext("a"), point(null), ctext("b"), point(null));
      assertEquals(
          "The model returned the following errors: A maximum of 4 blocks with cache_control may "
              + "be provided. Found 5.",
          converseError(
              fake, conv("[" + five + "," + five + "]", msg("user", ctext("q"), point(null)))));
      assertEquals(
          "The model returned the following errors: a ttl='1h' cache_control block must not come "
              + "after a ttl='5m' cache_control block. Note that blocks are processed in the "
              + "following order: `tools`, `system`, `messages`.",
          converseError(
              fake,
              conv(
                  "[" + ctext("s") + "," + point("5m") + "]",
                  msg("user", ctext("q"), point("1h")))));
      assertEquals(
          "1 validation error detected: Value '2h' at 'system.2.member.cachePoint.ttl' failed to "
              + "satisfy constraint: Member must satisfy enum value set: [5m, 1h]",
          converseError(
              fake, conv("[" + ctext("s") + "," + point("2h") + "]", msg("user", ctext("q")))));
      assertEquals(
          200,
          converse(
                  fake,
                  conv(
                      "[" + ctext("s") + "," + point("1h") + "]",
                      msg("user", ctext("q"), point("5m"))))
              .status());
    }
  }
}

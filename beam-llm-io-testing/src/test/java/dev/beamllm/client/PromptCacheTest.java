package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ToolMethod;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import java.util.List;
import org.junit.Test;

/**
 * Prompt caching end to end against the fake, which caches and charges as Anthropic documents: rows
 * sharing a long system prompt pay a tenth for it after the first, an hour's lifetime is written at
 * twice the input price, an agent's later turns read its earlier ones, and Bedrock Converse's
 * checkpoints do the same.
 */
public class PromptCacheTest {
  private static final String SYSTEM = longSystemPrompt();

  static String longSystemPrompt() {
    StringBuilder s = new StringBuilder("You label customer messages. Rules:\n");
    for (int i = 1; s.length() < 8_000; i++) {
      s.append(i).append(". A message about topic ").append(i).append(" gets label L").append(i);
      s.append(".\n");
    }
    return s.toString();
  }

  private static Conversation row(int i) {
    return Conversation.of(Message.system(SYSTEM), Message.user("Message " + i + ": it is late."));
  }

  private static ModelSpec spec(String model) {
    return ModelRegistry.defaults().lookup(model);
  }

  @Test
  public void rowsSharingASystemPromptPayATenthForItAfterTheFirst() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient cached =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .promptCache(PromptCache.of(PromptCache.Pattern.SYSTEM_AND_TOOLS))
                .build();
        LlmClient plain = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      ApiResponse first = cached.start(row(1)).join();
      ApiResponse second = cached.start(row(2)).join();
      assertFalse(first.error().toString(), first.isError());
      long prefix = first.usage().cacheWriteTokens();
      assertTrue("the system prompt is written: " + first.usage(), prefix > 1_500);
      assertEquals(0, first.usage().cacheReadTokens());
      assertEquals(prefix, second.usage().cacheReadTokens());
      assertEquals(0, second.usage().cacheWriteTokens());

      ApiResponse uncached = plain.start(row(2)).join();
      assertEquals(0, uncached.usage().cacheReadTokens() + uncached.usage().cacheWriteTokens());
      // Sonnet 4.5: $3 input, $3.75 a cache write, $0.30 a cache read, per million tokens.
      double saved = prefix * (3.0 - 0.3) / 1e6;
      assertEquals(uncached.cost() - saved, second.cost(), 1e-9);
      assertEquals(uncached.cost() + prefix * (3.75 - 3.0) / 1e6, first.cost(), 1e-9);
      assertTrue(second.cost() < uncached.cost() / 2);
    }
  }

  @Test
  public void anHoursLifetimeIsWrittenAtTwiceTheInputPrice() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient hour =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .promptCache(
                    PromptCache.of(PromptCache.Pattern.SYSTEM_AND_TOOLS)
                        .withTtl(PromptCache.Ttl.ONE_HOUR))
                .build()) {
      ApiResponse first = hour.start(row(1)).join();
      assertFalse(first.error().toString(), first.isError());
      long written = first.usage().cacheWriteTokens();
      assertTrue(written > 1_500);
      assertTrue(
          fake.requests().get(0).headers().get("anthropic-beta").contains("extended-cache-ttl"));
      assertEquals(
          spec("claude-4.5-sonnet").cost(first.usage()) + written * (6.0 - 3.75) / 1e6,
          first.cost(),
          1e-9);
    }
  }

  /** A tool the agent calls in every turn. */
  public static final class Lookup {
    /** Answers at once. */
    @ToolMethod(description = "Looks a key up.")
    public static String lookup(String key) {
      return "value of " + key + " ".repeat(10) + "x".repeat(3_000);
    }
  }

  @Test
  public void anAgentsLaterTurnsReadItsEarlierOnes() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .promptCache(PromptCache.of(PromptCache.Pattern.AUTO))
                .build()) {
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.of(
                      Message.system(SYSTEM), Message.user("Use lookup each turn. [rounds=3]")),
                  ToolSet.of(Tools.fromMethods(Lookup.class)),
                  5)
              .join();
      assertFalse(r.last().error().toString(), r.last().isError());
      assertEquals(4, r.turns());
      // Turn 1 writes the system prompt; each later turn reads what the turn before wrote.
      assertTrue(r.usage().toString(), r.usage().cacheReadTokens() > 3 * 1_500);
      assertTrue(r.usage().cacheReadTokens() > r.usage().inputTokens());
    }
  }

  @Test
  public void bedrockConverseCheckpointsAreReadToo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "bedrock-nova-lite")
                .promptCache(PromptCache.of(PromptCache.Pattern.SYSTEM_AND_TOOLS))
                .build()) {
      List<ApiResponse> two = List.of(client.start(row(1)).join(), client.start(row(2)).join());
      assertFalse(two.get(0).error().toString(), two.get(0).isError());
      assertTrue(two.get(0).usage().cacheWriteTokens() > 1_500);
      assertEquals(two.get(0).usage().cacheWriteTokens(), two.get(1).usage().cacheReadTokens());
      assertTrue(two.get(1).cost() < two.get(0).cost());
    }
  }
}

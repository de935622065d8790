package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * Prompt-cache marks as each API gets them, pinned in {@code
 * src/test/resources/golden/prompt-cache}: every pattern on Anthropic (an agent's conversation with
 * a system prompt, tools and a tool round), the hour's lifetime with its beta, Bedrock Converse's
 * checkpoints and Claude on Bedrock's marks; OpenAI, which caches on its own, gets none. Run with
 * {@code -Dgolden.update=true} to rewrite the files after a deliberate change.
 */
public class PromptCacheGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/prompt-cache");

  private static final List<Tool> TOOLS =
      List.of(Tool.of("lookup", "Looks a word up.", null), Tool.of("note", "Writes a note.", null));

  private static final Conversation AGENT =
      Conversation.of(
          Message.system("You are a careful assistant."),
          Message.user("What does 'beam' mean?"),
          Message.of(
              Role.ASSISTANT,
              List.of(new Text("Let me look."), new ToolCall("call_1", "lookup", "{}"))),
          Message.toolResults(List.of(ToolResult.of("call_1", "a long piece of timber"))),
          Message.of(Role.ASSISTANT, List.of(new Text("A long piece of timber."))),
          Message.user("And in physics?"));

  /** An agent's turn: the conversation ends with the results of the tools the model called. */
  private static final Conversation AGENT_TURN =
      Conversation.of(
          Message.system("You are a careful assistant."),
          Message.user("What does 'beam' mean?"),
          Message.of(
              Role.ASSISTANT,
              List.of(new Text("Let me look."), new ToolCall("call_1", "lookup", "{}"))),
          Message.toolResults(List.of(ToolResult.of("call_1", "a long piece of timber"))));

  private record Case(String model, WireFormat format, PromptCache cache, Conversation c) {}

  private static Map<String, Case> cases() {
    Map<String, Case> c = new LinkedHashMap<>();
    for (PromptCache.Pattern p : PromptCache.Pattern.values()) {
      c.put(
          "anthropic-" + p.wireName(),
          new Case("claude-4.5-sonnet", WireFormat.ANTHROPIC, PromptCache.of(p), AGENT));
    }
    c.put(
        "anthropic-auto-agent-turn",
        new Case(
            "claude-4.5-sonnet",
            WireFormat.ANTHROPIC,
            PromptCache.of(PromptCache.Pattern.AUTO),
            AGENT_TURN));
    c.put(
        "bedrock-invoke-claude-auto-agent-turn",
        new Case(
            "bedrock-claude-4.5-sonnet",
            WireFormat.BEDROCK_ANTHROPIC,
            PromptCache.of(PromptCache.Pattern.AUTO).withTtl(PromptCache.Ttl.ONE_HOUR),
            AGENT_TURN));
    c.put(
        "anthropic-auto-first-turn",
        new Case(
            "claude-4.5-sonnet",
            WireFormat.ANTHROPIC,
            PromptCache.of(PromptCache.Pattern.AUTO),
            Conversation.of(Message.system("Be brief."), Message.user("Hello"))));
    c.put(
        "anthropic-system_and_tools-1h",
        new Case(
            "claude-4.5-sonnet",
            WireFormat.ANTHROPIC,
            PromptCache.of(PromptCache.Pattern.SYSTEM_AND_TOOLS).withTtl(PromptCache.Ttl.ONE_HOUR),
            AGENT));
    c.put(
        "bedrock-converse-auto-1h",
        new Case(
            "bedrock-nova-lite",
            WireFormat.BEDROCK_CONVERSE,
            PromptCache.of(PromptCache.Pattern.AUTO).withTtl(PromptCache.Ttl.ONE_HOUR),
            AGENT));
    c.put(
        "bedrock-converse-last_2_user_messages",
        new Case(
            "bedrock-nova-lite",
            WireFormat.BEDROCK_CONVERSE,
            PromptCache.of(PromptCache.Pattern.LAST_2_USER_MESSAGES),
            AGENT));
    c.put(
        "bedrock-invoke-claude-auto-1h",
        new Case(
            "bedrock-claude-4.5-sonnet",
            WireFormat.BEDROCK_ANTHROPIC,
            PromptCache.of(PromptCache.Pattern.AUTO).withTtl(PromptCache.Ttl.ONE_HOUR),
            AGENT));
    return c;
  }

  private static HttpCall call(Case c) {
    ProviderRequest r =
        new ProviderRequest(
            ModelRegistry.defaults().lookup(c.model()),
            c.c(),
            SamplingParams.defaults(),
            TOOLS,
            c.format().name().startsWith("BEDROCK")
                ? Credentials.aws("AKIDEXAMPLE", "secret", null)
                : Credentials.apiKey("k"),
            Map.of(),
            null,
            false,
            null,
            List.of(),
            c.cache());
    return Adapters.forFormat(c.format()).request(r);
  }

  @Test
  public void everyPatternIsMarkedAsPinned() throws Exception {
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, Case> e : cases().entrySet()) {
      rendered.put(e.getKey(), GoldenFiles.headersAndBody(call(e.getValue())));
    }
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  @Test
  public void noPatternPutsMoreThanFourMarksOrAnyOnOpenAi() {
    for (PromptCache.Pattern p : PromptCache.Pattern.values()) {
      String anthropic =
          call(new Case("claude-4.5-sonnet", WireFormat.ANTHROPIC, PromptCache.of(p), AGENT))
              .body();
      int marks = anthropic.split("\"cache_control\"", -1).length - 1;
      assertTrue(p + ": " + marks, marks <= 4);
      assertEquals(p.toString(), p != PromptCache.Pattern.NONE, marks > 0);
      String openAi =
          call(new Case("gpt-4.1-mini", WireFormat.OPENAI, PromptCache.of(p), AGENT)).body();
      assertFalse(openAi.contains("cache_control") || openAi.contains("cachePoint"));
    }
  }

  @Test
  public void theSettingReadsAsFlagsAndYamlWriteIt() {
    assertEquals(
        PromptCache.of(PromptCache.Pattern.LAST_2_USER_MESSAGES),
        PromptCache.parse(" Last_2_User_Messages "));
    PromptCache hour = PromptCache.parse("auto:1h");
    assertEquals(PromptCache.Ttl.ONE_HOUR, hour.ttl());
    assertEquals("auto:1h", hour.toString());
    assertEquals(hour, PromptCache.parse(hour.toString()));
    assertEquals(
        "unknown pattern 'all': one of none, tools_only, system_and_tools, last_user_message,"
            + " last_2_user_messages, last_3_user_messages, auto",
        assertThrows(IllegalArgumentException.class, () -> PromptCache.parse("all")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> PromptCache.parse("auto:1h:x"));
  }
}

package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.GoldenConversations;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import java.util.Map;
import org.junit.Test;

/**
 * Conversations imported from OpenAI and Anthropic message lists render back to the same wire JSON.
 */
public class ImportTest {

  @Test
  public void openAiMessagesRoundTripThroughImport() throws Exception {
    for (Map.Entry<String, Conversation> e : GoldenConversations.all().entrySet()) {
      String wire;
      try {
        wire = WireFormats.openAi(e.getValue());
      } catch (InvalidPromptException unsupported) {
        continue;
      }
      Conversation imported = WireFormats.fromOpenAi(wire);
      assertEquals(e.getKey(), Json.parse(wire), Json.parse(WireFormats.openAi(imported)));
    }
  }

  @Test
  public void anthropicMessagesRoundTripThroughImport() throws Exception {
    for (Map.Entry<String, Conversation> e : GoldenConversations.all().entrySet()) {
      String wire;
      try {
        wire = WireFormats.anthropic(e.getValue());
      } catch (InvalidPromptException unsupported) {
        continue; // audio: Claude takes none
      }
      Conversation imported = WireFormats.fromAnthropic(wire);
      assertEquals(e.getKey(), Json.parse(wire), Json.parse(WireFormats.anthropic(imported)));
    }
  }

  @Test
  public void anthropicToolResultsBecomeAToolMessageBeforeTheUserText() {
    Conversation c =
        WireFormats.fromAnthropic(
            "{\"system\":\"be brief\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"w\",\"input\":{\"c\":\"Oslo\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"4 C\"},{\"type\":\"text\",\"text\":\"thanks\"}]}]}");
    assertEquals(5, c.messages().size());
    assertEquals(Role.SYSTEM, c.messages().get(0).role());
    assertEquals(Role.TOOL, c.messages().get(3).role());
    assertEquals("4 C", ((ToolResult) c.messages().get(3).parts().get(0)).text());
    assertEquals("thanks", c.messages().get(4).text());
    // The OpenAI form of the same conversation: system, user, assistant tool call, tool, user.
    assertEquals(5, Json.parse(WireFormats.openAi(c)).get("messages").size());
  }

  @Test
  public void openAiDeveloperRoleAndReasoningContent() {
    Conversation c =
        WireFormats.fromOpenAi(
            "[{\"role\":\"developer\",\"content\":\"terse\"},{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"hello\",\"reasoning_content\":\"greet back\"}]");
    assertEquals(Role.SYSTEM, c.messages().get(0).role());
    assertEquals(Thinking.of("greet back"), c.messages().get(2).parts().get(0));
  }
}

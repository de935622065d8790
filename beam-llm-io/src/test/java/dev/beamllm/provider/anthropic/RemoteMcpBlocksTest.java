package dev.beamllm.provider.anthropic;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import org.junit.Test;

/** Anthropic's mcp_tool_use and mcp_tool_result blocks become one part and go back verbatim. */
public class RemoteMcpBlocksTest {
  private static final String MESSAGE =
      "{\"content\":["
          + "{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"name\":\"ask\","
          + "\"server_name\":\"wiki\",\"input\":{\"q\":\"beam\"}},"
          + "{\"type\":\"mcp_tool_result\",\"tool_use_id\":\"mcptoolu_1\",\"is_error\":false,"
          + "\"content\":[{\"type\":\"text\",\"text\":\"Beam is a model\"}]},"
          + "{\"type\":\"text\",\"text\":\"Done\"}],"
          + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

  @Test
  public void theBlocksBecomeOnePartAndGoBackVerbatim() {
    JsonNode message = Json.parse(MESSAGE);
    ParsedAnswer answer = AnthropicAnswer.parse(message, false);
    assertEquals(2, answer.message().parts().size());
    ServerToolUse use = (ServerToolUse) answer.message().parts().get(0);
    assertEquals("wiki", use.server());
    assertEquals("ask", use.name());
    assertEquals("{\"q\":\"beam\"}", use.arguments());
    assertEquals("Beam is a model", use.output());
    assertEquals(Thinking.ANTHROPIC, use.origin());
    assertEquals(new Text("Done"), answer.message().parts().get(1));

    Conversation next =
        Conversation.of(Message.user("Ask the wiki"), answer.message(), Message.user("Thanks"));
    JsonNode assistant = AnthropicFormat.render(next).get("messages").get(1).get("content");
    assertEquals(3, assistant.size());
    assertEquals(message.get("content").get(0), assistant.get(0));
    assertEquals(message.get("content").get(1), assistant.get(1));
    assertEquals("text", assistant.get(2).path("type").asText());
    // Claude on Bedrock has no MCP connector: left out there.
    JsonNode bedrock = AnthropicFormat.render(next, false).get("messages").get(1).get("content");
    assertTrue(bedrock.isTextual() || bedrock.size() == 1);
  }
}

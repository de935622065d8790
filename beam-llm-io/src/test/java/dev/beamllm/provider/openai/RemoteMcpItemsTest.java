package dev.beamllm.provider.openai;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import java.util.List;
import org.junit.Test;

/** OpenAI Responses' remote MCP items are kept as {@link ServerToolUse} parts and sent back. */
public class RemoteMcpItemsTest {
  private static final String RESPONSE =
      "{\"status\":\"completed\",\"output\":["
          + "{\"type\":\"mcp_list_tools\",\"id\":\"mcpl_1\",\"server_label\":\"wiki\","
          + "\"tools\":[{\"name\":\"ask\",\"input_schema\":{}}]},"
          + "{\"type\":\"mcp_call\",\"id\":\"mcp_2\",\"server_label\":\"wiki\",\"name\":\"ask\","
          + "\"arguments\":\"{\\\"q\\\":\\\"beam\\\"}\",\"output\":\"Beam is a model\",\"error\":null},"
          + "{\"type\":\"mcp_call\",\"id\":\"mcp_3\",\"server_label\":\"wiki\",\"name\":\"ask\","
          + "\"arguments\":\"{}\",\"output\":null,\"error\":\"bad question\"},"
          + "{\"type\":\"mcp_approval_request\",\"id\":\"mcpr_4\",\"server_label\":\"wiki\","
          + "\"name\":\"ask\",\"arguments\":\"{}\"},"
          + "{\"type\":\"message\",\"id\":\"msg_5\",\"role\":\"assistant\","
          + "\"content\":[{\"type\":\"output_text\",\"text\":\"Done\"}]}],"
          + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

  @Test
  public void theItemsBecomePartsAndGoBackVerbatim() {
    ParsedAnswer answer = ResponsesAnswers.read(Json.parse(RESPONSE));
    List<?> parts = answer.message().parts();
    assertEquals(5, parts.size());
    ServerToolUse list = (ServerToolUse) parts.get(0);
    assertEquals("mcp_list_tools", list.kind());
    assertEquals("ask", list.output());
    ServerToolUse call = (ServerToolUse) parts.get(1);
    assertEquals(ServerToolUse.MCP, call.kind());
    assertEquals("wiki", call.server());
    assertEquals("ask", call.name());
    assertEquals("{\"q\":\"beam\"}", call.arguments());
    assertEquals("Beam is a model", call.output());
    assertFalse(call.isError());
    assertEquals(Thinking.OPENAI, call.origin());
    ServerToolUse failed = (ServerToolUse) parts.get(2);
    assertTrue(failed.isError());
    assertEquals("bad question", failed.output());
    ServerToolUse approval = (ServerToolUse) parts.get(3);
    assertTrue(approval.isError());
    assertTrue(approval.output(), approval.output().contains("approval"));
    assertEquals("stop", answer.finishReason());

    // The next turn: the list and both calls go back as they came, the approval request does not.
    Conversation next =
        Conversation.of(Message.user("Ask the wiki"), answer.message(), Message.user("Thanks"));
    JsonNode input = OpenAiResponsesFormat.render(next).get("input");
    List<String> types = new java.util.ArrayList<>();
    input.forEach(i -> types.add(i.path("type").asText("message")));
    assertEquals(
        List.of("message", "mcp_list_tools", "mcp_call", "mcp_call", "message", "message"), types);
    assertEquals(Json.parse(RESPONSE).get("output").get(1), input.get(2));
  }

  @Test
  public void aCallAnotherProviderRanIsLeftOut() {
    ServerToolUse foreign =
        new ServerToolUse("mcp", "wiki", "ask", "{}", "x", false, "[{}]", Thinking.ANTHROPIC);
    Conversation c =
        Conversation.of(
            Message.user("Ask"),
            Message.of(dev.beamllm.prompt.Role.ASSISTANT, List.of(foreign, new Text("ok"))));
    JsonNode input = OpenAiResponsesFormat.render(c).get("input");
    assertEquals(2, input.size());
  }
}

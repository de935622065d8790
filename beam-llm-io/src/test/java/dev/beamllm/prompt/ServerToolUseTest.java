package dev.beamllm.prompt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** A tool the provider ran: JSON form, round trip, roles. */
public class ServerToolUseTest {
  private static final ServerToolUse CALL =
      new ServerToolUse(
          ServerToolUse.MCP,
          "wiki",
          "ask",
          "{\"q\": \"beam\"}",
          "Beam is a model",
          false,
          "{\"type\":\"mcp_call\",\"id\":\"mcp_1\"}",
          Thinking.OPENAI);

  @Test
  public void itsJsonFormRoundTrips() {
    Conversation c =
        Conversation.of(
            Message.user("Ask"), Message.of(Role.ASSISTANT, List.of(CALL, new Text("Done"))));
    String json = ConversationJson.toJson(c, ConversationJson.Mode.REFERENCE);
    assertTrue(
        json,
        json.contains(
            "{\"type\":\"server_tool_use\",\"kind\":\"mcp\",\"server\":\"wiki\",\"name\":\"ask\","
                + "\"arguments\":{\"q\":\"beam\"},\"output\":\"Beam is a model\","
                + "\"raw\":{\"id\":\"mcp_1\",\"type\":\"mcp_call\"},\"origin\":\"openai\"}"));
    Conversation back = Conversation.fromJson(json);
    assertEquals(c.messages(), back.messages());
    assertEquals(c.fingerprint(), back.fingerprint());
  }

  @Test
  public void onlyTheAssistantHoldsOne() {
    Conversation c = Conversation.of(Message.of(Role.USER, List.of(CALL)));
    assertThrows(InvalidPromptException.class, c::validate);
  }

  @Test
  public void argumentsThatAreNotJsonAreKeptAsText() {
    ServerToolUse odd = new ServerToolUse("mcp", null, "t", "not json", null, true, null, null);
    assertEquals("not json", odd.arguments());
    assertEquals("t(not json)", odd.describe());
  }
}

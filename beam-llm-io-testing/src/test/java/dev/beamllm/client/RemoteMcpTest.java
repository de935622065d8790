package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.mcp.McpServer;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.util.List;
import org.junit.Test;

/**
 * Provider-side MCP end to end against the fake over real sockets: the request carries the remote
 * server as each API documents it, the answer's message keeps the provider's call, a second turn
 * sends it back, models whose API cannot call MCP servers are refused before sending, and {@link
 * RemoteMcp#LOCAL} sends nothing about the servers.
 */
public class RemoteMcpTest {
  /** The token comes from a variable with a default, read where the request is built. */
  private static final McpServers WIKI =
      McpServers.of(
          McpServer.http("wiki", "https://mcp.example.com/mcp")
              .withHeader("Authorization", "Bearer ${BEAMLLM_TEST_UNSET_WIKI_TOKEN:-tok-123}"));

  private static final String ASK = "Ask @wiki/ask{\"q\":\"beam\"} please";

  private static JsonNode body(RecordedRequest sent) {
    return Json.parse(sent.body());
  }

  private static ServerToolUse onlyServerCall(ApiResponse r) {
    List<Part> calls =
        r.message().parts().stream().filter(p -> p instanceof ServerToolUse).toList();
    assertEquals(r.message().toString(), 1, calls.size());
    return (ServerToolUse) calls.get(0);
  }

  @Test
  public void openAiResponsesCallsTheServerAndTheNextTurnSendsTheCallBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .remoteMcpServers(WIKI)
                .build()) {
      Conversation c = Conversation.user(ASK);
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());

      JsonNode tool = body(fake.requests().get(0)).get("tools").get(0);
      assertEquals(
          Json.parse(
              "{\"type\":\"mcp\",\"server_label\":\"wiki\",\"server_url\":\"https://mcp.example.com/mcp\","
                  + "\"headers\":{\"Authorization\":\"Bearer tok-123\"},\"require_approval\":\"never\"}"),
          tool);

      ServerToolUse call = onlyServerCall(r);
      assertEquals(ServerToolUse.MCP, call.kind());
      assertEquals("wiki", call.server());
      assertEquals("ask", call.name());
      assertEquals("{\"q\":\"beam\"}", call.arguments());
      assertEquals("remote ask({\"q\":\"beam\"})", call.output());
      assertFalse(call.isError());
      assertEquals(Thinking.OPENAI, call.origin());
      assertFalse("the final text follows", r.completion().isEmpty());

      // The next turn sends the provider's mcp_call item back as it came.
      ApiResponse second = client.start(c.add(r.message()).addUser("Thanks")).join();
      assertFalse(second.error().toString(), second.isError());
      JsonNode input = body(fake.requests().get(1)).get("input");
      JsonNode replayed = null;
      for (JsonNode item : input) {
        if ("mcp_call".equals(item.path("type").asText())) {
          replayed = item;
        }
      }
      assertEquals(Json.parse(call.raw()), replayed);
      assertTrue(
          "no new call without a mention",
          second.message().parts().stream().noneMatch(p -> p instanceof ServerToolUse));
    }
  }

  @Test
  public void anthropicCallsTheServerAndTheNextTurnSendsTheBlocksBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-3.5-haiku").remoteMcpServers(WIKI).build()) {
      Conversation c = Conversation.user(ASK);
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());

      RecordedRequest sent = fake.requests().get(0);
      assertTrue(
          sent.headers().toString(),
          sent.headers().get("anthropic-beta").contains("mcp-client-2025-11-20"));
      assertEquals(
          Json.parse(
              "[{\"type\":\"url\",\"url\":\"https://mcp.example.com/mcp\",\"name\":\"wiki\","
                  + "\"authorization_token\":\"tok-123\"}]"),
          body(sent).get("mcp_servers"));
      assertEquals(
          Json.parse("[{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"wiki\"}]"),
          body(sent).get("tools"));

      ServerToolUse call = onlyServerCall(r);
      assertEquals("wiki", call.server());
      assertEquals("ask", call.name());
      assertEquals("{\"q\":\"beam\"}", call.arguments());
      assertEquals("remote ask({\"q\":\"beam\"})", call.output());
      assertEquals(Thinking.ANTHROPIC, call.origin());

      ApiResponse second = client.start(c.add(r.message()).addUser("Thanks")).join();
      assertFalse(second.error().toString(), second.isError());
      JsonNode assistant = body(fake.requests().get(1)).get("messages").get(1).get("content");
      assertEquals("mcp_tool_use", assistant.get(0).path("type").asText());
      assertEquals("mcp_tool_result", assistant.get(1).path("type").asText());
      assertEquals(Json.parse(call.raw()).get(0), assistant.get(0));
      assertEquals(Json.parse(call.raw()).get(1), assistant.get(1));
    }
  }

  @Test
  public void aStreamedAnswerKeepsTheServerCallToo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient openAi =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .responsesApi(true)
                .remoteMcpServers(WIKI)
                .build();
        LlmClient claude =
            ClientTestSupport.client(fake, "claude-3.5-haiku").remoteMcpServers(WIKI).build()) {
      for (LlmClient client : List.of(openAi, claude)) {
        List<String> pieces = new java.util.ArrayList<>();
        ApiResponse r = client.stream(Conversation.user(ASK), pieces::add).join();
        assertFalse(r.error().toString(), r.isError());
        ServerToolUse call = onlyServerCall(r);
        assertEquals("ask", call.name());
        assertEquals("{\"q\":\"beam\"}", call.arguments());
        assertEquals("remote ask({\"q\":\"beam\"})", call.output());
        assertFalse(r.completion().isEmpty());
      }
    }
  }

  @Test
  public void aModelWhoseApiCannotCallMcpServersIsRefusedBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini").remoteMcpServers(WIKI).build()) {
      ApiResponse r = client.start(Conversation.user(ASK)).join();
      assertTrue(r.isError());
      assertEquals(ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
      String message = r.error().orElseThrow().message();
      assertTrue(message, message.contains("gpt-4.1-mini"));
      assertTrue(message, message.contains("RemoteMcp.LOCAL"));
      assertFalse("the token is not shown", message.contains("tok-123"));
      assertEquals("nothing was sent", 0, fake.requests().size());
    }
  }

  @Test
  public void localExecutionSendsNothingAboutTheServers() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .remoteMcpServers(WIKI)
                .remoteMcp(RemoteMcp.LOCAL)
                .build()) {
      ApiResponse r = client.start(Conversation.user(ASK)).join();
      assertFalse(r.error().toString(), r.isError());
      JsonNode body = body(fake.requests().get(0));
      assertFalse(body.toString(), body.has("tools"));
      assertFalse(body.toString().contains("mcp"));
      assertTrue(r.message().parts().stream().noneMatch(p -> p instanceof ServerToolUse));
    }
  }

  @Test
  public void theTokenIsNeverShown() {
    ClientConfig config = ClientConfig.forModels("gpt-4.1-mini").withRemoteMcpServers(WIKI);
    assertFalse(config.toString(), config.toString().contains("tok-123"));
    assertFalse(config.toString(), config.toString().contains("BEAMLLM_TEST_UNSET_WIKI_TOKEN"));
    assertTrue(config.toString(), config.toString().contains("wiki"));
    String shown =
        org.apache.beam.sdk.transforms.display.DisplayData.from(
                dev.beamllm.beam.LlmIO.complete()
                    .withModels("gpt-4.1-mini")
                    .withRemoteMcpServers(WIKI))
            .toString();
    assertTrue(shown, shown.contains("mcp.example.com"));
    assertFalse(shown, shown.contains("tok-123"));
    assertFalse(shown, shown.contains("BEAMLLM_TEST_UNSET_WIKI_TOKEN"));
  }
}

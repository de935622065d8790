package dev.beamllm.provider;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * Remote MCP servers the provider calls, and a second turn that sends its earlier call back, as
 * OpenAI Responses and Anthropic get them, pinned in {@code src/test/resources/golden/remote-mcp}:
 * the body and the {@code anthropic-*} headers. Run with {@code -Dgolden.update=true} to rewrite
 * the files after a deliberate change, then check every diff against the provider's API reference.
 */
public class RemoteMcpGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/remote-mcp");

  private static final List<RemoteMcpServer> SERVERS =
      List.of(
          new RemoteMcpServer(
              "wiki",
              "https://mcp.example.com/mcp",
              Map.of("Authorization", "Bearer tok-123"),
              List.of("ask")),
          new RemoteMcpServer("open", "https://open.example.com/mcp", Map.of(), List.of()));

  private record Case(String model, WireFormat format, ServerToolUse earlierCall) {}

  private static Map<String, Case> cases() {
    Map<String, Case> c = new LinkedHashMap<>();
    c.put(
        "openai-responses",
        new Case(
            "gpt-4.1-mini",
            WireFormat.OPENAI_RESPONSES,
            new ServerToolUse(
                ServerToolUse.MCP,
                "wiki",
                "ask",
                "{\"q\":\"beam\"}",
                "remote ask({\"q\":\"beam\"})",
                false,
                "{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"status\":\"completed\","
                    + "\"server_label\":\"wiki\",\"name\":\"ask\",\"arguments\":\"{\\\"q\\\":\\\"beam\\\"}\","
                    + "\"output\":\"remote ask({\\\"q\\\":\\\"beam\\\"})\",\"error\":null}",
                Thinking.OPENAI)));
    c.put(
        "anthropic",
        new Case(
            "claude-3.5-haiku",
            WireFormat.ANTHROPIC,
            new ServerToolUse(
                ServerToolUse.MCP,
                "wiki",
                "ask",
                "{\"q\":\"beam\"}",
                "remote ask({\"q\":\"beam\"})",
                false,
                "[{\"type\":\"mcp_tool_use\",\"id\":\"mcptoolu_1\",\"name\":\"ask\","
                    + "\"server_name\":\"wiki\",\"input\":{\"q\":\"beam\"}},"
                    + "{\"type\":\"mcp_tool_result\",\"tool_use_id\":\"mcptoolu_1\",\"is_error\":false,"
                    + "\"content\":[{\"type\":\"text\",\"text\":\"remote ask({\\\"q\\\":\\\"beam\\\"})\"}]}]",
                Thinking.ANTHROPIC)));
    return c;
  }

  @Test
  public void theServersAndAnEarlierCallAreSentAsPinned() throws Exception {
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, Case> e : cases().entrySet()) {
      rendered.put(e.getKey(), render(e.getValue()));
    }
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  @Test
  public void anthropicRefusesAHeaderItsConnectorCannotSend() {
    ProviderRequest r =
        request(
            new Case("claude-3.5-haiku", WireFormat.ANTHROPIC, null),
            List.of(
                new RemoteMcpServer(
                    "x", "https://x.example.com/mcp", Map.of("X-Key", "secret"), List.of())));
    UnsupportedOperationException e =
        org.junit.Assert.assertThrows(
            UnsupportedOperationException.class,
            () -> Adapters.forFormat(WireFormat.ANTHROPIC).request(r));
    assertTrue(e.getMessage(), e.getMessage().contains("'X-Key'"));
    assertTrue(e.getMessage(), !e.getMessage().contains("secret"));
  }

  private static ProviderRequest request(Case c, List<RemoteMcpServer> servers) {
    Conversation conversation =
        c.earlierCall() == null
            ? Conversation.user("Ask the wiki")
            : Conversation.of(
                Message.user("Ask @wiki/ask{\"q\":\"beam\"}"),
                Message.of(Role.ASSISTANT, List.of(c.earlierCall(), new Text("Beam is a model."))),
                Message.user("Thanks"));
    return new ProviderRequest(
        ModelRegistry.defaults().lookup(c.model()),
        conversation,
        SamplingParams.defaults(),
        List.of(),
        Credentials.apiKey("k"),
        Map.of(),
        null,
        false,
        null,
        servers);
  }

  private static JsonNode render(Case c) {
    HttpCall call = Adapters.forFormat(c.format()).request(request(c, SERVERS));
    return GoldenFiles.headersAndBody(call);
  }
}

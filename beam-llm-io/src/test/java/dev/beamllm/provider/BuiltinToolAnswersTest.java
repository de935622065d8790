package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The providers' own tool calls in their answers (the shapes of Anthropic's and OpenAI's API
 * references) become {@link ServerToolUse} parts: what ran, with what, what came back, and the
 * provider's blocks to send back.
 */
public class BuiltinToolAnswersTest {
  private static ParsedAnswer parse(WireFormat format, String model, String body) {
    return Adapters.forFormat(format)
        .parse(
            new ProviderRequest(
                ModelRegistry.defaults().lookup(model),
                Conversation.user("Search."),
                SamplingParams.defaults(),
                List.of(Tool.webSearch()),
                Credentials.apiKey("k"),
                Map.of(),
                null,
                false),
            new HttpAnswer(200, Map.of(), body));
  }

  @Test
  public void anthropicSearchesAndTheirResultsAreOnePartEach() {
    String use1 =
        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\","
            + "\"input\":{\"query\":\"beam io\"}}";
    String result1 =
        "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":["
            + "{\"type\":\"web_search_result\",\"url\":\"https://a.example/1\",\"title\":\"One\","
            + "\"encrypted_content\":\"e1\",\"page_age\":null},"
            + "{\"type\":\"web_search_result\",\"url\":\"https://a.example/2\",\"title\":\"Two\","
            + "\"encrypted_content\":\"e2\",\"page_age\":\"2 days\"}]}";
    String use2 =
        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_2\",\"name\":\"web_search\","
            + "\"input\":{\"query\":\"more\"}}";
    String result2 =
        "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_2\",\"content\":"
            + "{\"type\":\"web_search_tool_result_error\",\"error_code\":\"max_uses_exceeded\"}}";
    String body =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":["
            + use1
            + ","
            + result1
            + ",{\"type\":\"text\",\"text\":\"Beam is fast.\",\"citations\":[{\"type\":"
            + "\"web_search_result_location\",\"url\":\"https://a.example/1\",\"title\":\"One\","
            + "\"encrypted_index\":\"x\",\"cited_text\":\"fast\"}]},"
            + use2
            + ","
            + result2
            + "],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5,"
            + "\"server_tool_use\":{\"web_search_requests\":1}}}";
    ParsedAnswer a = parse(WireFormat.ANTHROPIC, "claude-4.5-sonnet", body);
    List<ServerToolUse> uses = a.message().partsOf(ServerToolUse.class);
    assertEquals(
        List.of(
            new ServerToolUse(
                "web_search",
                null,
                "web_search",
                "{\"query\":\"beam io\"}",
                "One — https://a.example/1\nTwo — https://a.example/2",
                false,
                "[" + use1 + "," + result1 + "]",
                Thinking.ANTHROPIC),
            new ServerToolUse(
                "web_search",
                null,
                "web_search",
                "{\"query\":\"more\"}",
                "max_uses_exceeded",
                true,
                "[" + use2 + "," + result2 + "]",
                Thinking.ANTHROPIC)),
        uses);
    assertEquals(List.of(new Text("Beam is fast.")), a.message().partsOf(Text.class));
    assertEquals("end_turn", a.finishReason());
  }

  @Test
  public void aPausedAnthropicTurnKeepsItsUnansweredSearch() {
    String body =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\","
            + "\"input\":{\"query\":\"q\"}}],\"stop_reason\":\"pause_turn\","
            + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
    ParsedAnswer a = parse(WireFormat.ANTHROPIC, "claude-4.5-sonnet", body);
    ServerToolUse use = a.message().partsOf(ServerToolUse.class).get(0);
    assertEquals(null, use.output());
    assertEquals(1, Json.parse(use.raw()).size());
    assertEquals("pause_turn", a.finishReason());
  }

  @Test
  public void openAiSearchAndCodeItemsAreKeptWhole() {
    String search =
        "{\"type\":\"web_search_call\",\"id\":\"ws_1\",\"status\":\"completed\",\"action\":"
            + "{\"type\":\"search\",\"query\":\"beam\",\"queries\":[\"beam\"],\"sources\":["
            + "{\"type\":\"url\",\"url\":\"https://a.example/1\"},"
            + "{\"type\":\"url\",\"url\":\"https://a.example/2\"}]}}";
    String code =
        "{\"type\":\"code_interpreter_call\",\"id\":\"ci_1\",\"status\":\"completed\","
            + "\"code\":\"print(6*7)\",\"container_id\":\"cntr_1\",\"outputs\":["
            + "{\"type\":\"logs\",\"logs\":\"42\"},{\"type\":\"image\",\"url\":\"https://img/1\"}]}";
    String failed =
        "{\"type\":\"code_interpreter_call\",\"id\":\"ci_2\",\"status\":\"failed\","
            + "\"code\":\"1/0\",\"container_id\":\"cntr_1\",\"outputs\":null}";
    String body =
        "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":["
            + search
            + ","
            + code
            + ","
            + failed
            + ",{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"output_text\",\"text\":\"42, see One\",\"annotations\":[{\"type\":"
            + "\"url_citation\",\"start_index\":8,\"end_index\":11,\"url\":\"https://a.example/1\","
            + "\"title\":\"One\"}]}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}";
    ParsedAnswer a = parse(WireFormat.OPENAI_RESPONSES, "gpt-4.1", body);
    List<ServerToolUse> uses = a.message().partsOf(ServerToolUse.class);
    assertEquals(3, uses.size());
    assertEquals(
        new ServerToolUse(
            "web_search",
            null,
            "web_search",
            "{\"query\":\"beam\",\"queries\":[\"beam\"],\"type\":\"search\"}",
            "https://a.example/1\nhttps://a.example/2",
            false,
            search,
            Thinking.OPENAI),
        uses.get(0));
    assertEquals(
        new ServerToolUse(
            "code_interpreter",
            null,
            "code_interpreter",
            "{\"code\":\"print(6*7)\"}",
            "42\n[image] https://img/1",
            false,
            code,
            Thinking.OPENAI),
        uses.get(1));
    assertTrue(uses.get(2).isError());
    assertEquals("", uses.get(2).output());
    assertFalse(a.message().text().isEmpty());
    assertEquals("stop", a.finishReason());
  }

  @Test
  public void geminiCodeRunsAndGroundingBecomeParts() {
    String code = "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(6*7)\"}}";
    String result = "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\",\"output\":\"42\\n\"}}";
    String body =
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
            + code
            + ","
            + result
            + ",{\"text\":\"It is 42.\"}]},\"finishReason\":\"STOP\","
            + "\"groundingMetadata\":{\"webSearchQueries\":[\"six times seven\"],"
            + "\"groundingChunks\":[{\"web\":{\"uri\":\"https://a.example/1\",\"title\":\"One\"}}]}}],"
            + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":4}}";
    ParsedAnswer a = parse(WireFormat.GEMINI, "gemini-2.5-flash", body);
    assertEquals(
        List.of(
            new ServerToolUse(
                "web_search",
                null,
                "web_search",
                "{\"queries\":[\"six times seven\"]}",
                "One — https://a.example/1",
                false,
                null,
                Thinking.GEMINI),
            new ServerToolUse(
                "code_interpreter",
                null,
                "code_interpreter",
                "{\"code\":\"print(6*7)\"}",
                "42\n",
                false,
                "[" + code + "," + result + "]",
                Thinking.GEMINI)),
        a.message().partsOf(ServerToolUse.class));
    assertEquals("It is 42.", a.message().text());
  }
}

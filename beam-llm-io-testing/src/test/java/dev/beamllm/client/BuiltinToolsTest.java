package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.Tools;
import dev.beamllm.tool.WebSearch;
import dev.beamllm.tool.prefab.PrefabTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The providers' own tools end to end against the fake over real sockets: web search and the code
 * interpreter as Anthropic and OpenAI Responses get them, their calls kept in the answer (and in a
 * stream's), charged, and sent back on the next turn, which the fake checks block for block; a
 * model whose API lacks the tool refused before sending; a paused turn carried on by the agent
 * loop; and bash and the text editor offered to Claude as Anthropic's definitions and run in their
 * directory.
 */
public class BuiltinToolsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String SEARCH = "Find @web_search{\"query\":\"beam io\"} please";

  private static JsonNode body(FakeProviderServer fake, int i) {
    return Json.parse(fake.requests().get(i).body());
  }

  private static List<ServerToolUse> serverTools(ApiResponse r) {
    return r.message().partsOf(ServerToolUse.class);
  }

  private static double tokenCost(String model, ApiResponse r) {
    return ModelRegistry.defaults().lookup(model).cost(r.usage(), r.serviceTier().orElse(null));
  }

  @Test
  public void anthropicSearchesAndTheNextTurnSendsTheBlocksBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .tools(Tool.webSearch(WebSearch.defaults().withMaxUses(3)))
                .build()) {
      Conversation c = Conversation.user(SEARCH);
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(
          Json.parse("[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}]"),
          body(fake, 0).get("tools"));

      List<ServerToolUse> uses = serverTools(r);
      assertEquals(1, uses.size());
      ServerToolUse search = uses.get(0);
      assertEquals(WebSearch.KIND, search.kind());
      assertEquals("{\"query\":\"beam io\"}", search.arguments());
      assertEquals(
          "Result 1 for beam io — https://search.example/beam-io/1\n"
              + "Result 2 for beam io — https://search.example/beam-io/2",
          search.output());
      assertEquals(Thinking.ANTHROPIC, search.origin());
      assertFalse("the text follows", r.completion().isEmpty());
      assertEquals(tokenCost("claude-4.5-sonnet", r) + 0.01, r.cost(), 1e-12);

      // The fake refuses blocks that do not come back exactly as it sent them.
      ApiResponse second = client.start(c.add(r.message()).addUser("Thanks")).join();
      assertFalse(second.error().toString(), second.isError());
      JsonNode assistant = body(fake, 1).get("messages").get(1).get("content");
      assertEquals(Json.parse(search.raw()).get(0), assistant.get(0));
      assertEquals(Json.parse(search.raw()).get(1), assistant.get(1));
      assertTrue("no new search without a mention", serverTools(second).isEmpty());
    }
  }

  @Test
  public void openAiSearchesRunsCodeAndTheNextTurnSendsTheItemsBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1")
                .responsesApi(true)
                .tools(
                    Tool.webSearch(
                        WebSearch.defaults()
                            .withAllowedDomains(List.of("docs.example.com"))
                            .withContextSize(WebSearch.ContextSize.LOW)),
                    Tool.codeInterpreter(CodeInterpreter.defaults().withMemoryLimit("4g")))
                .build()) {
      Conversation c =
          Conversation.user(SEARCH + " and run @code_interpreter{\"code\":\"print(6*7)\"}");
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      JsonNode sent = body(fake, 0);
      assertEquals(
          Json.parse(
              "[{\"type\":\"web_search\",\"filters\":{\"allowed_domains\":[\"docs.example.com\"]},"
                  + "\"search_context_size\":\"low\"},"
                  + "{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"memory_limit\":\"4g\"}}]"),
          sent.get("tools"));
      assertEquals(
          Json.parse("[\"web_search_call.action.sources\",\"code_interpreter_call.outputs\"]"),
          sent.get("include"));

      List<ServerToolUse> uses = serverTools(r);
      assertEquals(2, uses.size());
      assertEquals(WebSearch.KIND, uses.get(0).kind());
      assertEquals(
          "https://docs.example.com/beam-io/1\nhttps://docs.example.com/beam-io/2",
          uses.get(0).output());
      assertEquals(CodeInterpreter.KIND, uses.get(1).kind());
      assertEquals("{\"code\":\"print(6*7)\"}", uses.get(1).arguments());
      assertEquals("fake python ran: print(6*7)", uses.get(1).output());
      assertEquals(tokenCost("gpt-4.1", r) + 0.01 + 0.03, r.cost(), 1e-12);

      ApiResponse second = client.start(c.add(r.message()).addUser("Thanks")).join();
      assertFalse(second.error().toString(), second.isError());
      List<JsonNode> replayed = new ArrayList<>();
      for (JsonNode item : body(fake, 1).get("input")) {
        String type = item.path("type").asText();
        if (type.equals("web_search_call") || type.equals("code_interpreter_call")) {
          replayed.add(item);
        }
      }
      assertEquals(List.of(Json.parse(uses.get(0).raw()), Json.parse(uses.get(1).raw())), replayed);
    }
  }

  @Test
  public void geminiGroundsItsAnswerRunsCodeAndTheNextTurnSendsTheCodeBack() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client =
            ClientTestSupport.client(fake, "gemini-2.5-flash")
                .tools(Tool.webSearch(), Tool.codeInterpreter())
                .build()) {
      Conversation c =
          Conversation.user(SEARCH + " and run @code_interpreter{\"code\":\"print(6*7)\"}");
      ApiResponse r = client.start(c).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(
          Json.parse("[{\"googleSearch\":{}},{\"codeExecution\":{}}]"), body(fake, 0).get("tools"));
      List<ServerToolUse> uses = serverTools(r);
      assertEquals(2, uses.size());
      assertEquals(WebSearch.KIND, uses.get(0).kind());
      assertEquals("{\"queries\":[\"beam io\"]}", uses.get(0).arguments());
      assertEquals(
          "Result 1 for beam io — https://search.example/beam-io/1\n"
              + "Result 2 for beam io — https://search.example/beam-io/2",
          uses.get(0).output());
      assertEquals(CodeInterpreter.KIND, uses.get(1).kind());
      assertEquals("fake python ran: print(6*7)", uses.get(1).output());
      assertEquals(tokenCost("gemini-2.5-flash", r) + 0.035, r.cost(), 1e-12);

      ApiResponse second = client.start(c.add(r.message()).addUser("Thanks")).join();
      assertFalse(second.error().toString(), second.isError());
      JsonNode model = body(fake, 1).get("contents").get(1).get("parts");
      assertEquals(Json.parse(uses.get(1).raw()).get(0), model.get(0));
      assertEquals(Json.parse(uses.get(1).raw()).get(1), model.get(1));
    }
  }

  @Test
  public void aStreamedAnswerKeepsTheSearchToo() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient anthropic =
            ClientTestSupport.client(fake, "claude-4.5-sonnet").tools(Tool.webSearch()).build();
        LlmClient openAi =
            ClientTestSupport.client(fake, "gpt-4.1")
                .responsesApi(true)
                .tools(Tool.webSearch())
                .build();
        LlmClient gemini =
            ClientTestSupport.client(fake, "gemini-2.5-flash").tools(Tool.webSearch()).build()) {
      for (LlmClient client : List.of(anthropic, openAi, gemini)) {
        StringBuilder text = new StringBuilder();
        ApiResponse r = client.stream(Conversation.user(SEARCH), text::append).join();
        assertFalse(r.error().toString(), r.isError());
        assertEquals(r.model(), 1, serverTools(r).size());
        assertTrue(r.model(), serverTools(r).get(0).output().contains("beam-io/1"));
        assertEquals(r.model(), r.completion(), text.toString());
      }
    }
  }

  @Test
  public void aModelWhoseApiLacksTheToolIsRefusedBeforeSending() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient chat =
            ClientTestSupport.client(fake, "gpt-4.1-mini").tools(Tool.webSearch()).build();
        LlmClient claudeCode =
            ClientTestSupport.client(fake, "claude-4.5-sonnet")
                .tools(Tool.codeInterpreter())
                .build()) {
      ApiResponse r = chat.start(Conversation.user(SEARCH)).join();
      assertEquals(ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
      assertTrue(
          r.error().orElseThrow().message(),
          r.error().orElseThrow().message().contains("has no web search tool"));
      ApiResponse code = claudeCode.start(Conversation.user("run code")).join();
      assertEquals(ErrorKind.UNSUPPORTED, code.error().orElseThrow().kind());
      assertEquals("nothing was sent", 0, fake.requests().size());
    }
  }

  @Test
  public void theAgentLoopCarriesOnAfterAPausedTurn() {
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      AgentResult result =
          client
              .runAgentLoop(
                  Conversation.user(
                      "[pause_turn] Find @web_search{\"query\":\"one\"} and"
                          + " @web_search{\"query\":\"two\"}"),
                  ToolSet.of(Tools.onProvider(Tool.webSearch())),
                  5)
              .join();
      assertFalse(result.last().error().toString(), result.last().isError());
      assertEquals(2, result.turns());
      assertEquals(2, fake.requests().size());
      JsonNode messages = body(fake, 1).get("messages");
      assertEquals(
          "the paused turn went back as the last message",
          "assistant",
          messages.get(messages.size() - 1).path("role").asText());
      List<String> queries = new ArrayList<>();
      for (Message m : result.conversation().messages()) {
        if (m.role() == Role.ASSISTANT) {
          m.partsOf(ServerToolUse.class).forEach(u -> queries.add(u.arguments()));
        }
      }
      assertEquals(List.of("{\"query\":\"one\"}", "{\"query\":\"two\"}"), queries);
      assertEquals("end_turn", result.last().finishReason().orElse(null));
      assertEquals(
          "two searches charged, once each",
          ModelRegistry.defaults().lookup("claude-4.5-sonnet").cost(result.usage()) + 0.02,
          result.cost(),
          1e-9);
    }
  }

  @Test
  public void claudeGetsAnthropicsTextEditorAndBashAndTheyRunInTheirDirectory() throws Exception {
    Path root = tmp.newFolder("ws").toPath();
    ToolSet tools =
        ToolSet.of(
            PrefabTools.textEditor(root.toString()).tool(),
            PrefabTools.bash(root.toString()).tool());
    try (FakeProviderServer fake = FakeProviderServer.builder().keyless(true).start();
        LlmClient client = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      AgentResult created =
          client
              .runAgentLoop(
                  Conversation.user(
                      "call str_replace_based_edit_tool with {\"command\":\"create\","
                          + "\"path\":\"notes.txt\",\"file_text\":\"hello from claude\"}"),
                  tools,
                  3)
              .join();
      assertFalse(created.last().error().toString(), created.last().isError());
      assertEquals(
          Json.parse(
              "[{\"type\":\"text_editor_20250728\",\"name\":\"str_replace_based_edit_tool\"},"
                  + "{\"type\":\"bash_20250124\",\"name\":\"bash\"}]"),
          body(fake, 0).get("tools"));
      assertEquals("hello from claude", Files.readString(root.resolve("notes.txt")));

      AgentResult listed =
          client
              .runAgentLoop(
                  Conversation.user("call bash with {\"command\":\"cat notes.txt\"}"), tools, 3)
              .join();
      assertFalse(listed.last().error().toString(), listed.last().isError());
      assertTrue(
          listed.last().completion(), listed.last().completion().contains("hello from claude"));

      AgentResult restarted =
          client
              .runAgentLoop(Conversation.user("call bash with {\"restart\":true}"), tools, 3)
              .join();
      assertTrue(
          restarted.last().completion(), restarted.last().completion().contains("restarted"));
    }
  }
}

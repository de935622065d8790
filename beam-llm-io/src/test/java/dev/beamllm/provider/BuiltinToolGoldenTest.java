package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import dev.beamllm.tool.prefab.PrefabTools;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The providers' own tools as each API gets them, pinned in {@code
 * src/test/resources/golden/builtin-tools}: web search and the code interpreter (with their
 * settings, and an earlier call sent back), bash and the text editor as Anthropic's definitions
 * where the model takes them and as functions elsewhere. Run with {@code -Dgolden.update=true} to
 * rewrite the files after a deliberate change, then check every diff against the provider's API
 * reference.
 */
public class BuiltinToolGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/builtin-tools");

  private static final Tool SEARCH =
      Tool.webSearch(
          WebSearch.defaults()
              .withMaxUses(3)
              .withAllowedDomains(List.of("docs.example.com"))
              .withUserLocation(
                  new WebSearch.UserLocation("Paris", "Ile-de-France", "FR", "Europe/Paris")));

  private static final Tool BASH = PrefabTools.bash("/tmp/ws").tool().definition();
  private static final Tool EDITOR = PrefabTools.textEditor("/tmp/ws").tool().definition();

  static final ServerToolUse ANTHROPIC_SEARCH =
      new ServerToolUse(
          WebSearch.KIND,
          null,
          WebSearch.KIND,
          "{\"query\":\"beam\"}",
          "Beam — https://docs.example.com/beam",
          false,
          "[{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\","
              + "\"input\":{\"query\":\"beam\"}},"
              + "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\","
              + "\"content\":[{\"type\":\"web_search_result\",\"url\":\"https://docs.example.com/beam\","
              + "\"title\":\"Beam\",\"encrypted_content\":\"enc-1\",\"page_age\":null}]}]",
          Thinking.ANTHROPIC);

  static final ServerToolUse OPENAI_SEARCH =
      new ServerToolUse(
          WebSearch.KIND,
          null,
          WebSearch.KIND,
          "{\"type\":\"search\",\"query\":\"beam\"}",
          "https://docs.example.com/beam",
          false,
          "{\"type\":\"web_search_call\",\"id\":\"ws_1\",\"status\":\"completed\","
              + "\"action\":{\"type\":\"search\",\"query\":\"beam\",\"sources\":"
              + "[{\"type\":\"url\",\"url\":\"https://docs.example.com/beam\"}]}}",
          Thinking.OPENAI);

  static final ServerToolUse OPENAI_CODE =
      new ServerToolUse(
          CodeInterpreter.KIND,
          null,
          CodeInterpreter.KIND,
          "{\"code\":\"print(6*7)\"}",
          "42",
          false,
          "{\"type\":\"code_interpreter_call\",\"id\":\"ci_1\",\"status\":\"completed\","
              + "\"code\":\"print(6*7)\",\"container_id\":\"cntr_1\","
              + "\"outputs\":[{\"type\":\"logs\",\"logs\":\"42\"}]}",
          Thinking.OPENAI);

  static final ServerToolUse GEMINI_CODE =
      new ServerToolUse(
          CodeInterpreter.KIND,
          null,
          CodeInterpreter.KIND,
          "{\"code\":\"print(6*7)\"}",
          "42",
          false,
          "[{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(6*7)\"}},"
              + "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\",\"output\":\"42\"}}]",
          Thinking.GEMINI);

  private record Case(String model, WireFormat format, List<Tool> tools, List<Part> earlier) {}

  private static Map<String, Case> cases() {
    Map<String, Case> c = new LinkedHashMap<>();
    c.put(
        "anthropic",
        new Case(
            "claude-4.5-sonnet",
            WireFormat.ANTHROPIC,
            List.of(SEARCH, BASH, EDITOR),
            List.of(ANTHROPIC_SEARCH, new Text("Beam is a model."))));
    c.put(
        "anthropic-claude-3",
        new Case(
            "claude-3.5-haiku",
            WireFormat.ANTHROPIC,
            List.of(Tool.webSearch(), BASH, EDITOR),
            List.of(new Text("Nothing yet."))));
    c.put(
        "bedrock-invoke-claude",
        new Case(
            "bedrock-claude-4.5-sonnet",
            WireFormat.BEDROCK_ANTHROPIC,
            List.of(BASH, EDITOR),
            List.of(ANTHROPIC_SEARCH, new Text("Beam is a model."))));
    c.put(
        "openai-responses",
        new Case(
            "gpt-4.1",
            WireFormat.OPENAI_RESPONSES,
            List.of(
                Tool.webSearch(
                    WebSearch.defaults()
                        .withMaxUses(2)
                        .withAllowedDomains(List.of("docs.example.com"))
                        .withContextSize(WebSearch.ContextSize.HIGH)
                        .withUserLocation(new WebSearch.UserLocation(null, null, "US", null))),
                Tool.codeInterpreter(
                    CodeInterpreter.defaults()
                        .withMemoryLimit("4g")
                        .withFileIds(List.of("file-abc"))),
                BASH),
            List.of(OPENAI_SEARCH, OPENAI_CODE, new Text("Beam is a model; 6*7 is 42."))));
    c.put(
        "gemini",
        new Case(
            "gemini-2.5-flash",
            WireFormat.GEMINI,
            List.of(Tool.webSearch(), Tool.codeInterpreter(), BASH),
            List.of(GEMINI_CODE, ANTHROPIC_SEARCH, new Text("6*7 is 42."))));
    c.put(
        "openai-responses-container",
        new Case(
            "gpt-4.1",
            WireFormat.OPENAI_RESPONSES,
            List.of(Tool.codeInterpreter(CodeInterpreter.defaults().withContainerId("cntr_1"))),
            List.of(ANTHROPIC_SEARCH, new Text("Another provider's search is left out."))));
    return c;
  }

  @Test
  public void theToolsAndEarlierCallsAreSentAsPinned() throws Exception {
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, Case> e : cases().entrySet()) {
      rendered.put(e.getKey(), render(e.getValue()));
    }
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  @Test
  public void aSettingTheApiLacksIsRefusedBeforeSending() {
    Tool blocked = Tool.webSearch(WebSearch.defaults().withBlockedDomains(List.of("spam.example")));
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                Adapters.forFormat(WireFormat.OPENAI_RESPONSES)
                    .request(request("gpt-4.1", List.of(blocked), List.of(new Text("x")))));
    assertEquals(
        "OpenAI's web search takes allowed domains only, not blocked ones", e.getMessage());
    e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                Adapters.forFormat(WireFormat.ANTHROPIC)
                    .request(
                        request(
                            "claude-4.5-sonnet",
                            List.of(Tool.codeInterpreter()),
                            List.of(new Text("x")))));
    assertEquals("Anthropic Messages has no code interpreter tool", e.getMessage());
    e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                Adapters.forFormat(WireFormat.GEMINI)
                    .request(
                        request(
                            "gemini-2.5-flash",
                            List.of(Tool.webSearch(WebSearch.defaults().withMaxUses(2))),
                            List.of(new Text("x")))));
    assertEquals(
        "Gemini's Google Search takes no max uses and no allowed or blocked domains",
        e.getMessage());
  }

  @Test
  public void onlyTheApisThatRunAToolSayTheyDo() {
    WebSearch search = WebSearch.defaults();
    CodeInterpreter code = CodeInterpreter.defaults();
    assertTrue(Adapters.forFormat(WireFormat.ANTHROPIC).runs(search));
    assertTrue(!Adapters.forFormat(WireFormat.ANTHROPIC).runs(code));
    assertTrue(Adapters.forFormat(WireFormat.OPENAI_RESPONSES).runs(code));
    for (WireFormat f :
        List.of(
            WireFormat.OPENAI,
            WireFormat.MISTRAL,
            WireFormat.COHERE,
            WireFormat.BEDROCK_CONVERSE,
            WireFormat.BEDROCK_ANTHROPIC)) {
      assertTrue(f + " runs no web search", !Adapters.forFormat(f).runs(search));
    }
  }

  private static ProviderRequest request(String model, List<Tool> tools, List<Part> earlier) {
    Conversation conversation =
        Conversation.of(
            Message.user("Search @web_search{\"query\":\"beam\"} and run some code"),
            Message.of(Role.ASSISTANT, earlier),
            Message.user("Thanks"));
    return new ProviderRequest(
        ModelRegistry.defaults().lookup(model),
        conversation,
        SamplingParams.defaults(),
        tools,
        Credentials.apiKey("k"),
        Map.of(),
        null,
        false,
        null,
        List.of());
  }

  private static JsonNode render(Case c) {
    HttpCall call =
        Adapters.forFormat(c.format()).request(request(c.model(), c.tools(), c.earlier()));
    return GoldenFiles.headersAndBody(call);
  }

  @Test
  public void aCallLeftWithoutItsResultGoesBackOnlyAsThePausedLastTurn() {
    ServerToolUse open =
        new ServerToolUse(
            WebSearch.KIND,
            null,
            WebSearch.KIND,
            "{\"query\":\"two\"}",
            null,
            false,
            "[{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_2\",\"name\":\"web_search\","
                + "\"input\":{\"query\":\"two\"}}]",
            Thinking.ANTHROPIC);
    Message paused = Message.of(Role.ASSISTANT, List.of(ANTHROPIC_SEARCH, open));
    ProviderRequest goingOn =
        new ProviderRequest(
            ModelRegistry.defaults().lookup("claude-4.5-sonnet"),
            Conversation.of(Message.user("Search twice"), paused),
            SamplingParams.defaults(),
            List.of(Tool.webSearch()),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    JsonNode last =
        Json.parse(Adapters.forFormat(WireFormat.ANTHROPIC).request(goingOn).body())
            .get("messages")
            .get(1)
            .get("content");
    assertEquals("both blocks of the search, then the open call", 3, last.size());
    assertEquals("server_tool_use", last.get(2).path("type").asText());

    ProviderRequest later =
        new ProviderRequest(
            goingOn.model(),
            Conversation.of(Message.user("Search twice"), paused, Message.user("Go on")),
            SamplingParams.defaults(),
            List.of(Tool.webSearch()),
            Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    JsonNode earlier =
        Json.parse(Adapters.forFormat(WireFormat.ANTHROPIC).request(later).body())
            .get("messages")
            .get(1)
            .get("content");
    assertEquals("the open call is left out of an earlier turn", 2, earlier.size());
  }

  @Test
  public void anApiOfFunctionsOnlyRefusesAProviderToolEvenWhenCalledDirectly() {
    for (String model :
        List.of(
            "gpt-4.1-mini", "mistral-large", "bedrock-nova-lite", "bedrock-claude-4.5-sonnet")) {
      var spec = ModelRegistry.defaults().lookup(model);
      ProviderRequest r =
          new ProviderRequest(
              spec,
              Conversation.user("Search"),
              SamplingParams.defaults(),
              List.of(Tool.webSearch()),
              model.startsWith("bedrock")
                  ? Credentials.aws("AKIDEXAMPLE", "secret", null)
                  : Credentials.apiKey("k"),
              Map.of(),
              null,
              false);
      UnsupportedOperationException e =
          assertThrows(
              model,
              UnsupportedOperationException.class,
              () -> Adapters.forFormat(spec.wireFormat()).request(r));
      assertTrue(e.getMessage(), e.getMessage().endsWith("has no web search tool"));
    }
  }
}

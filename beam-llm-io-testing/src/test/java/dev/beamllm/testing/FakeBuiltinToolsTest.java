package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The providers' built-in tools on the fake server: Anthropic's web search server tool and its bash
 * and text editor tools, OpenAI Responses' web search and code interpreter, Gemini's Google Search
 * and code execution, all by the mention rule of {@link BuiltinToolCalls}.
 */
public class FakeBuiltinToolsTest {
  private static final String KEY = "sk-test-123";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  // ---------------------------------------------------------------- Anthropic

  private static Http.Reply anthropic(ObjectNode body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1/messages",
        Json.write(body),
        "x-api-key",
        KEY,
        "anthropic-version",
        "2023-06-01");
  }

  private static ObjectNode webSearchTool() {
    return Json.object().put("type", "web_search_20250305").put("name", "web_search");
  }

  private static ObjectNode anthropicBody(String userText, ObjectNode... tools) {
    ObjectNode body = Json.object().put("model", "claude-sonnet-4-5").put("max_tokens", 1024);
    ArrayNode t = body.putArray("tools");
    for (ObjectNode tool : tools) {
      t.add(tool);
    }
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    return body;
  }

  private static String anthropicError(Http.Reply r) {
    assertEquals(r.body(), 400, r.status());
    assertEquals("invalid_request_error", r.json().at("/error/type").asText());
    return r.json().at("/error/message").asText();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  public void anthropicWebSearchAnswersWithServerToolBlocksAndACitation() throws Exception {
    String text = "Look up @web_search{\"query\":\"Beam IO!\"} please";
    Http.Reply r = anthropic(anthropicBody(text, webSearchTool()));
    assertEquals(r.body(), 200, r.status());
    JsonNode content = r.json().get("content");
    assertEquals(r.body(), 4, content.size());
    JsonNode use = content.get(0);
    assertEquals("server_tool_use", use.get("type").asText());
    assertTrue(use.get("id").asText().startsWith("srvtoolu_"));
    assertEquals("web_search", use.get("name").asText());
    assertEquals("{\"query\":\"Beam IO!\"}", Json.write(use.get("input")));
    JsonNode result = content.get(1);
    assertEquals("web_search_tool_result", result.get("type").asText());
    assertEquals(use.get("id").asText(), result.get("tool_use_id").asText());
    assertEquals(2, result.get("content").size());
    for (int i = 1; i <= 2; i++) {
      JsonNode page = result.get("content").get(i - 1);
      String url = "https://search.example/beam-io/" + i;
      assertEquals("web_search_result", page.get("type").asText());
      assertEquals(url, page.get("url").asText());
      assertEquals("Result " + i + " for Beam IO!", page.get("title").asText());
      assertEquals(b64("fake:" + url), page.get("encrypted_content").asText());
      assertTrue(page.has("page_age") && page.get("page_age").isNull());
    }
    JsonNode citing = content.get(2);
    assertEquals("text", citing.get("type").asText());
    assertEquals("Found: Result 1 for Beam IO!.", citing.get("text").asText());
    JsonNode citation = citing.get("citations").get(0);
    assertEquals("web_search_result_location", citation.get("type").asText());
    assertEquals("https://search.example/beam-io/1", citation.get("url").asText());
    assertEquals("Result 1 for Beam IO!", citation.get("title").asText());
    assertTrue(citation.get("encrypted_index").isTextual());
    assertEquals("Result 1 for Beam IO!", citation.get("cited_text").asText());
    assertEquals("Echo: " + text, content.get(3).get("text").asText());
    assertEquals("end_turn", r.json().get("stop_reason").asText());
    assertEquals(1, r.json().at("/usage/server_tool_use/web_search_requests").asInt());
  }

  @Test
  public void anthropicMentionsWithoutTheToolOrAQueryArePlainText() throws Exception {
    String text = "@web_search{\"query\":\"x\"} and @web_search{\"q\":1} and @web_search{bad";
    Http.Reply plain = anthropic(anthropicBody(text));
    assertEquals(plain.body(), 200, plain.status());
    assertEquals(1, plain.json().get("content").size());
    assertFalse(plain.json().get("usage").has("server_tool_use"));
    Http.Reply offered = anthropic(anthropicBody(text, webSearchTool()));
    assertEquals(
        "only the mention with a query searches",
        1,
        offered.json().at("/usage/server_tool_use/web_search_requests").asInt());
    assertEquals("server_tool_use", offered.json().at("/content/0/type").asText());
    assertEquals("web_search_tool_result", offered.json().at("/content/1/type").asText());
    assertEquals("text", offered.json().at("/content/2/type").asText());
  }

  @Test
  public void anthropicAllowedDomainsAndMaxUses() throws Exception {
    ObjectNode tool = webSearchTool().put("max_uses", 1);
    tool.putArray("allowed_domains").add("docs.example.org").add("other.example");
    Http.Reply r =
        anthropic(
            anthropicBody(
                "@web_search{\"query\":\"a b\"} then @web_search{\"query\":\"  \"}", tool));
    assertEquals(r.body(), 200, r.status());
    JsonNode content = r.json().get("content");
    assertEquals("https://docs.example.org/a-b/1", content.get(1).at("/content/0/url").asText());
    JsonNode over = content.get(3);
    assertEquals("web_search_tool_result", over.get("type").asText());
    assertEquals(content.get(2).get("id").asText(), over.get("tool_use_id").asText());
    assertEquals("web_search_tool_result_error", over.at("/content/type").asText());
    assertEquals("max_uses_exceeded", over.at("/content/error_code").asText());
    assertEquals(1, r.json().at("/usage/server_tool_use/web_search_requests").asInt());
    // The empty slug.
    tool.remove("max_uses");
    tool.remove("allowed_domains");
    Http.Reply empty = anthropic(anthropicBody("@web_search{\"query\":\" ?? \"}", tool));
    assertEquals(
        "https://search.example/q/2", empty.json().at("/content/1/content/1/url").asText());
  }

  @Test
  public void anthropicWebSearchToolDefinitionsAreChecked() throws Exception {
    ObjectNode both = webSearchTool();
    both.putArray("allowed_domains").add("a.example");
    both.putArray("blocked_domains").add("b.example");
    assertEquals(
        "Cannot use both allowed_domains and blocked_domains",
        anthropicError(anthropic(anthropicBody("hi", both))));
    assertEquals(
        "tools.0.web_search_20250305.name: Input should be 'web_search'",
        anthropicError(anthropic(anthropicBody("hi", webSearchTool().put("name", "search")))));
    assertEquals(
        "tools.0.web_search_20250305.max_uses: Input should be greater than or equal to 1",
        anthropicError(anthropic(anthropicBody("hi", webSearchTool().put("max_uses", 0)))));
    assertEquals(
        "tools.0.web_search_20250305.color: Extra inputs are not permitted",
        anthropicError(anthropic(anthropicBody("hi", webSearchTool().put("color", "red")))));
    ObjectNode located = webSearchTool();
    located.putObject("user_location").put("type", "exact").put("city", "Oslo");
    assertEquals(
        "tools.0.web_search_20250305.user_location.type: Input should be 'approximate'",
        anthropicError(anthropic(anthropicBody("hi", located))));
    ObjectNode full =
        Json.object()
            .put("type", "web_search_20260209")
            .put("name", "web_search")
            .put("max_uses", 3);
    full.putArray("blocked_domains").add("b.example");
    full.putObject("user_location")
        .put("type", "approximate")
        .put("city", "Oslo")
        .put("region", "Oslo")
        .put("country", "NO")
        .put("timezone", "Europe/Oslo");
    full.putObject("cache_control").put("type", "ephemeral");
    Http.Reply ok = anthropic(anthropicBody("hi", full));
    assertEquals(ok.body(), 200, ok.status());
  }

  @Test
  public void anthropicPausesAfterTheFirstSearchAndGoesOnWhenTheTurnComesBack() throws Exception {
    String text = "[pause_turn] @web_search{\"query\":\"one\"} @web_search{\"query\":\"two\"}";
    ObjectNode body = anthropicBody(text, webSearchTool());
    Http.Reply paused = anthropic(body);
    assertEquals(paused.body(), 200, paused.status());
    assertEquals("pause_turn", paused.json().get("stop_reason").asText());
    JsonNode content = paused.json().get("content");
    assertEquals(2, content.size());
    assertEquals("one", content.at("/0/input/query").asText());
    assertEquals("web_search_tool_result", content.at("/1/type").asText());
    assertEquals(1, paused.json().at("/usage/server_tool_use/web_search_requests").asInt());

    ObjectNode next = body.deepCopy();
    next.withArray("messages").addObject().put("role", "assistant").set("content", content);
    Http.Reply done = anthropic(next);
    assertEquals(done.body(), 200, done.status());
    assertEquals("end_turn", done.json().get("stop_reason").asText());
    JsonNode rest = done.json().get("content");
    assertEquals(done.body(), 4, rest.size());
    assertEquals("server_tool_use", rest.at("/0/type").asText());
    assertEquals("two", rest.at("/0/input/query").asText());
    assertEquals("https://search.example/two/1", rest.at("/1/content/0/url").asText());
    assertEquals("Found: Result 1 for two.", rest.at("/2/text").asText());
    assertEquals("Echo: " + text, rest.at("/3/text").asText());
    assertEquals(1, done.json().at("/usage/server_tool_use/web_search_requests").asInt());
  }

  @Test
  public void anthropicStreamsSearchBlocksAndCitations() throws Exception {
    ObjectNode body = anthropicBody("@web_search{\"query\":\"sse\"}", webSearchTool());
    body.put("stream", true);
    Http.Reply r = anthropic(body);
    assertEquals(r.body(), 200, r.status());
    assertThat(r.body(), containsString("\"type\":\"server_tool_use\""));
    assertThat(r.body(), containsString("\"partial_json\":\"{\\\"query\\\":\\\"sse\\\"}\""));
    assertThat(r.body(), containsString("\"type\":\"web_search_tool_result\""));
    assertThat(r.body(), containsString("\"type\":\"citations_delta\""));
    assertThat(r.body(), containsString("\"server_tool_use\":{\"web_search_requests\":1}"));
  }

  /** The turn a search answered, sent back: mapped, and its encrypted content checked. */
  @Test
  public void anthropicSearchBlocksSentBackAreCheckedAndTampersRefused() throws Exception {
    ObjectNode first = anthropicBody("@web_search{\"query\":\"kept\"}", webSearchTool());
    Http.Reply r = anthropic(first);
    ObjectNode next = first.deepCopy();
    next.withArray("messages")
        .addObject()
        .put("role", "assistant")
        .set("content", r.json().get("content"));
    next.withArray("messages").addObject().put("role", "user").put("content", "thanks");
    Http.Reply ok = anthropic(next);
    assertEquals(ok.body(), 200, ok.status());
    assertEquals("Echo: thanks", ok.json().at("/content/0/text").asText());

    ObjectNode tampered = next.deepCopy();
    ((ObjectNode) tampered.at("/messages/1/content/1/content/0"))
        .put("encrypted_content", b64("fake:https://evil.example/"));
    assertThat(
        anthropicError(anthropic(tampered)),
        containsString("messages.1.content.1.content.0.encrypted_content"));

    ObjectNode unanswered = next.deepCopy();
    ((ArrayNode) unanswered.at("/messages/1/content")).remove(1);
    assertThat(
        anthropicError(anthropic(unanswered)),
        containsString("must be followed by a web_search_tool_result"));

    ObjectNode orphan = next.deepCopy();
    ((ObjectNode) orphan.at("/messages/1/content/1")).put("tool_use_id", "srvtoolu_other");
    assertThat(
        anthropicError(anthropic(orphan)),
        containsString("does not follow a server_tool_use block"));
  }

  @Test
  public void anthropicBashAndTextEditorToolsAreCallable() throws Exception {
    ObjectNode bash = Json.object().put("type", "bash_20250124").put("name", "bash");
    Http.Reply r = anthropic(anthropicBody("call bash with {\"command\":\"ls\"}", bash));
    assertEquals(r.body(), 200, r.status());
    JsonNode call = r.json().at("/content/0");
    assertEquals("tool_use", call.get("type").asText());
    assertEquals("bash", call.get("name").asText());
    assertEquals("{\"command\":\"ls\"}", Json.write(call.get("input")));
    assertEquals("tool_use", r.json().get("stop_reason").asText());

    ObjectNode editor =
        Json.object()
            .put("type", "text_editor_20250728")
            .put("name", "str_replace_based_edit_tool")
            .put("max_characters", 1000);
    Http.Reply e =
        anthropic(
            anthropicBody(
                "call str_replace_based_edit_tool with {\"command\":\"view\",\"path\":\"/a\"}",
                editor));
    assertEquals(e.body(), 200, e.status());
    assertEquals("str_replace_based_edit_tool", e.json().at("/content/0/name").asText());
    assertEquals("view", e.json().at("/content/0/input/command").asText());

    Http.Reply old =
        anthropic(
            anthropicBody(
                "use str_replace_editor",
                Json.object()
                    .put("type", "text_editor_20250124")
                    .put("name", "str_replace_editor")));
    assertEquals(old.body(), 200, old.status());
    assertEquals("str_replace_editor", old.json().at("/content/0/name").asText());
    assertEquals("view", old.json().at("/content/0/input/command").asText());

    assertEquals(
        "tools.0.bash_20250124.name: Input should be 'bash'",
        anthropicError(
            anthropic(
                anthropicBody("x", Json.object().put("type", "bash_20250124").put("name", "sh")))));
    assertEquals(
        "tools.0.text_editor_20250429.name: Input should be 'str_replace_based_edit_tool'",
        anthropicError(
            anthropic(
                anthropicBody(
                    "x",
                    Json.object()
                        .put("type", "text_editor_20250429")
                        .put("name", "str_replace_editor")))));
    assertEquals(
        "tools.0.text_editor_20250429.max_characters: Extra inputs are not permitted",
        anthropicError(
            anthropic(
                anthropicBody(
                    "x",
                    Json.object()
                        .put("type", "text_editor_20250429")
                        .put("name", "str_replace_based_edit_tool")
                        .put("max_characters", 5)))));
  }

  // ---------------------------------------------------------------- OpenAI Responses

  private static Http.Reply responses(ObjectNode body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1/responses", Json.write(body), "authorization", "Bearer " + KEY);
  }

  private static ObjectNode responsesBody(String input, ObjectNode... tools) {
    ObjectNode body = Json.object().put("model", "gpt-4.1-mini").put("input", input);
    ArrayNode t = body.putArray("tools");
    for (ObjectNode tool : tools) {
      t.add(tool);
    }
    return body;
  }

  private static ObjectNode codeInterpreter() {
    ObjectNode t = Json.object().put("type", "code_interpreter");
    t.putObject("container").put("type", "auto");
    return t;
  }

  private static String openAiError(Http.Reply r, String param) {
    assertEquals(r.body(), 400, r.status());
    assertEquals(param, r.json().at("/error/param").asText());
    return r.json().at("/error/message").asText();
  }

  @Test
  public void responsesWebSearchItemsAndUrlCitation() throws Exception {
    String input = "Find @web_search{\"query\":\"Apache Beam\"} now";
    Http.Reply r = responses(responsesBody(input, Json.object().put("type", "web_search")));
    assertEquals(r.body(), 200, r.status());
    JsonNode output = r.json().get("output");
    assertEquals(r.body(), 2, output.size());
    JsonNode call = output.get(0);
    assertEquals("web_search_call", call.get("type").asText());
    assertTrue(call.get("id").asText().startsWith("ws_"));
    assertEquals("completed", call.get("status").asText());
    assertEquals(
        "{\"type\":\"search\",\"query\":\"Apache Beam\",\"queries\":[\"Apache Beam\"]}",
        Json.write(call.get("action")));
    JsonNode part = output.get(1).at("/content/0");
    String text = part.get("text").asText();
    assertEquals("Found: Result 1 for Apache Beam. Echo: " + input, text);
    JsonNode annotation = part.at("/annotations/0");
    assertEquals(1, part.get("annotations").size());
    assertEquals("url_citation", annotation.get("type").asText());
    assertEquals("https://search.example/apache-beam/1", annotation.get("url").asText());
    assertEquals("Result 1 for Apache Beam", annotation.get("title").asText());
    assertEquals(
        "Result 1 for Apache Beam",
        text.substring(annotation.get("start_index").asInt(), annotation.get("end_index").asInt()));
    assertEquals("web_search", r.json().at("/tools/0/type").asText());

    ObjectNode sourced =
        responsesBody(
            input,
            (ObjectNode)
                Json.parse(
                    "{\"type\":\"web_search_2025_08_26\",\"search_context_size\":\"low\","
                        + "\"filters\":{\"allowed_domains\":[\"beam.apache.org\"]},"
                        + "\"user_location\":{\"type\":\"approximate\",\"city\":\"Oslo\"}}"));
    sourced.putArray("include").add("web_search_call.action.sources");
    Http.Reply s = responses(sourced);
    assertEquals(s.body(), 200, s.status());
    assertEquals(
        "[{\"type\":\"url\",\"url\":\"https://beam.apache.org/apache-beam/1\"},"
            + "{\"type\":\"url\",\"url\":\"https://beam.apache.org/apache-beam/2\"}]",
        Json.write(s.json().at("/output/0/action/sources")));
  }

  @Test
  public void responsesCodeInterpreterItemsCarryOutputsOnlyWhenIncluded() throws Exception {
    String input = "Run @code_interpreter{\"code\":\"print({1: 2})\"}";
    Http.Reply r = responses(responsesBody(input, codeInterpreter()));
    assertEquals(r.body(), 200, r.status());
    JsonNode call = r.json().at("/output/0");
    assertEquals("code_interpreter_call", call.get("type").asText());
    assertTrue(call.get("id").asText().startsWith("ci_"));
    assertEquals("completed", call.get("status").asText());
    assertEquals("print({1: 2})", call.get("code").asText());
    assertTrue(call.get("container_id").asText().startsWith("cntr_"));
    assertTrue(call.has("outputs") && call.get("outputs").isNull());
    assertEquals("Echo: " + input, r.json().at("/output/1/content/0/text").asText());
    assertEquals(0, r.json().at("/output/1/content/0/annotations").size());

    ObjectNode included =
        responsesBody(
            input, Json.object().put("type", "code_interpreter").put("container", "cntr_mine"));
    included.putArray("include").add("code_interpreter_call.outputs");
    Http.Reply o = responses(included);
    assertEquals(o.body(), 200, o.status());
    assertEquals("cntr_mine", o.json().at("/output/0/container_id").asText());
    assertEquals(
        "[{\"type\":\"logs\",\"logs\":\"fake python ran: print({1: 2})\"}]",
        Json.write(o.json().at("/output/0/outputs")));

    Http.Reply notOffered = responses(responsesBody(input));
    assertEquals(1, notOffered.json().get("output").size());
  }

  @Test
  public void responsesBuiltinToolDefinitionsAreChecked() throws Exception {
    assertEquals(
        "Missing required parameter: 'tools[1].container'.",
        openAiError(
            responses(
                responsesBody(
                    "x",
                    Json.object().put("type", "web_search"),
                    Json.object().put("type", "code_interpreter"))),
            "tools[1].container"));
    ObjectNode memory = codeInterpreter();
    ((ObjectNode) memory.get("container")).put("memory_limit", "2g");
    openAiError(responses(responsesBody("x", memory)), "tools[0].container.memory_limit");
    openAiError(
        responses(
            responsesBody(
                "x", Json.object().put("type", "web_search").put("search_context_size", "huge"))),
        "tools[0].search_context_size");
    ObjectNode previewFilters = Json.object().put("type", "web_search_preview");
    previewFilters.putObject("filters").putArray("allowed_domains").add("a.example");
    assertEquals(
        "Unknown parameter: 'tools[0].filters'.",
        openAiError(responses(responsesBody("x", previewFilters)), "tools[0].filters"));
    ObjectNode location = Json.object().put("type", "web_search_preview_2025_03_11");
    location.putObject("user_location").put("type", "exact");
    openAiError(responses(responsesBody("x", location)), "tools[0].user_location.type");
    openAiError(
        responses(responsesBody("x", Json.object().put("type", "file_search"))), "tools[0].type");
  }

  @Test
  public void responsesBuiltinItemsSentBackAreReadOrRefused() throws Exception {
    String input = "@web_search{\"query\":\"q\"} @code_interpreter{\"code\":\"1+1\"}";
    ObjectNode first =
        responsesBody(input, Json.object().put("type", "web_search"), codeInterpreter());
    first.put("store", false);
    first
        .putArray("include")
        .add("web_search_call.action.sources")
        .add("code_interpreter_call.outputs");
    Http.Reply r = responses(first);
    assertEquals(r.body(), 200, r.status());
    assertEquals(3, r.json().get("output").size());
    assertEquals("code_interpreter_call", r.json().at("/output/1/type").asText());

    ObjectNode next = first.deepCopy();
    ArrayNode items = next.putArray("input");
    items.addObject().put("role", "user").put("content", input);
    for (JsonNode item : r.json().get("output")) {
      items.add(item);
    }
    items.addObject().put("role", "user").put("content", "and now?");
    Http.Reply ok = responses(next);
    assertEquals(ok.body(), 200, ok.status());
    assertEquals("Echo: and now?", ok.json().at("/output/0/content/0/text").asText());
    assertEquals(
        "the replayed calls count as input",
        true,
        ok.json().at("/usage/input_tokens").asLong()
            > responses(responsesBody("and now?")).json().at("/usage/input_tokens").asLong());

    ObjectNode noAction = next.deepCopy();
    ((ObjectNode) noAction.at("/input/1")).remove("action");
    openAiError(responses(noAction), "input[1].action");
    ObjectNode badOutputs = next.deepCopy();
    ((ObjectNode) badOutputs.at("/input/2")).put("outputs", "logs");
    openAiError(responses(badOutputs), "input[2].outputs");
    ObjectNode noContainer = next.deepCopy();
    ((ObjectNode) noContainer.at("/input/2")).remove("container_id");
    openAiError(responses(noContainer), "input[2].container_id");
    ObjectNode badAnnotations = next.deepCopy();
    ((ObjectNode) badAnnotations.at("/input/3/content/0")).put("annotations", "x");
    openAiError(responses(badAnnotations), "input[3].content[0].annotations");
  }

  @Test
  public void responsesStreamBuiltinItemsWhole() throws Exception {
    ObjectNode body =
        responsesBody(
            "@web_search{\"query\":\"s\"} @code_interpreter{\"code\":\"2\"}",
            Json.object().put("type", "web_search"),
            codeInterpreter());
    body.put("stream", true);
    Http.Reply r = responses(body);
    assertEquals(r.body(), 200, r.status());
    List<String> added = new ArrayList<>();
    String annotation = null;
    for (String line : lines(r.body())) {
      if (!line.startsWith("data: ")) {
        continue;
      }
      JsonNode e = Json.parse(line.substring(6));
      if (e.get("type").asText().equals("response.output_item.added")) {
        added.add(e.at("/item/type").asText());
      }
      if (e.get("type").asText().equals("response.output_text.annotation.added")) {
        annotation = e.at("/annotation/url").asText();
      }
    }
    assertEquals(List.of("web_search_call", "code_interpreter_call", "message"), added);
    assertEquals("https://search.example/s/1", annotation);
  }

  // ---------------------------------------------------------------- Gemini

  private static Http.Reply gemini(String method, ObjectNode body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1beta/models/gemini-2.5-flash:" + method,
        Json.write(body),
        "x-goog-api-key",
        KEY);
  }

  private static ObjectNode geminiBody(String text, String... tools) {
    ObjectNode body = Json.object();
    body.putArray("contents")
        .addObject()
        .put("role", "user")
        .putArray("parts")
        .addObject()
        .put("text", text);
    ArrayNode t = body.putArray("tools");
    for (String tool : tools) {
      t.addObject().putObject(tool);
    }
    return body;
  }

  @Test
  public void geminiGoogleSearchGroundsTheAnswer() throws Exception {
    String text = "@web_search{\"query\":\"Gemini café\"} @web_search{\"query\":\"two\"}";
    Http.Reply r = gemini("generateContent", geminiBody(text, "google_search"));
    assertEquals(r.body(), 200, r.status());
    JsonNode candidate = r.json().at("/candidates/0");
    String answer = candidate.at("/content/parts/0/text").asText();
    assertEquals("Found: Result 1 for Gemini café. Echo: " + text, answer);
    JsonNode g = candidate.get("groundingMetadata");
    assertEquals("[\"Gemini café\",\"two\"]", Json.write(g.get("webSearchQueries")));
    assertEquals(4, g.get("groundingChunks").size());
    assertEquals(
        "{\"web\":{\"uri\":\"https://search.example/gemini-caf/1\",\"title\":\"Result 1 for Gemini café\"}}",
        Json.write(g.at("/groundingChunks/0")));
    assertEquals("https://search.example/two/2", g.at("/groundingChunks/3/web/uri").asText());
    JsonNode segment = g.at("/groundingSupports/0/segment");
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "Result 1 for Gemini café",
        new String(
            bytes,
            segment.get("startIndex").asInt(),
            segment.get("endIndex").asInt() - segment.get("startIndex").asInt(),
            StandardCharsets.UTF_8));
    assertEquals("[0]", Json.write(g.at("/groundingSupports/0/groundingChunkIndices")));

    Http.Reply plain = gemini("generateContent", geminiBody(text));
    assertFalse(plain.json().at("/candidates/0").has("groundingMetadata"));
  }

  @Test
  public void geminiCodeExecutionPartsComeBeforeTheTextAndGoBack() throws Exception {
    String text = "@code_interpreter{\"code\":\"print(6*7)\"}";
    ObjectNode body = geminiBody(text, "codeExecution");
    Http.Reply r = gemini("generateContent", body);
    assertEquals(r.body(), 200, r.status());
    JsonNode parts = r.json().at("/candidates/0/content/parts");
    assertEquals(3, parts.size());
    assertEquals(
        "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(6*7)\"}}",
        Json.write(parts.get(0)));
    assertEquals(
        "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\",\"output\":\"fake python ran: print(6*7)\"}}",
        Json.write(parts.get(1)));
    assertEquals("Echo: " + text, parts.get(2).get("text").asText());

    ObjectNode next = body.deepCopy();
    ArrayNode contents = next.withArray("contents");
    contents.add(r.json().at("/candidates/0/content"));
    contents.addObject().put("role", "user").putArray("parts").addObject().put("text", "ok");
    Http.Reply ok = gemini("generateContent", next);
    assertEquals(ok.body(), 200, ok.status());
    assertEquals("Echo: ok", ok.json().at("/candidates/0/content/parts/0/text").asText());

    ObjectNode badOutcome = next.deepCopy();
    ((ObjectNode) badOutcome.at("/contents/1/parts/1/codeExecutionResult")).put("outcome", "FINE");
    Http.Reply bad = gemini("generateContent", badOutcome);
    assertEquals(bad.body(), 400, bad.status());
    ObjectNode inUserTurn = next.deepCopy();
    ((ArrayNode) inUserTurn.at("/contents/2/parts")).add(parts.get(0));
    assertEquals(400, gemini("generateContent", inUserTurn).status());

    ObjectNode streamed = body.deepCopy();
    Http.Reply sse =
        Http.post(
            server.baseUrl() + "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            Json.write(streamed),
            "x-goog-api-key",
            KEY);
    assertEquals(sse.body(), 200, sse.status());
    String firstData =
        lines(sse.body()).stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
    assertThat(firstData, containsString("\"executableCode\""));
    assertThat(firstData, containsString("\"codeExecutionResult\""));
  }

  // ---------------------------------------------------------------- Conversation mapping

  private static ServerToolUse onlyServerToolUse(Message m) {
    List<ServerToolUse> uses = new ArrayList<>();
    m.parts()
        .forEach(
            p -> {
              if (p instanceof ServerToolUse u) {
                uses.add(u);
              }
            });
    assertEquals(m.parts().toString(), 1, uses.size());
    return uses.get(0);
  }

  /** Provider-run calls sent back become ServerToolUse parts of the assistant turn, in place. */
  @Test
  public void builtinCallsSentBackBecomeServerToolUseParts() throws Exception {
    ObjectNode first = anthropicBody("@web_search{\"query\":\"map me\"}", webSearchTool());
    JsonNode content = anthropic(first).json().get("content");
    ObjectNode next = first.deepCopy();
    next.withArray("messages").addObject().put("role", "assistant").set("content", content);
    next.withArray("messages").addObject().put("role", "user").put("content", "more");
    Conversation c = AnthropicRequest.parse(next, "claude-sonnet-4-5").conversation();
    Message turn = c.messages().get(1);
    assertEquals(Role.ASSISTANT, turn.role());
    assertTrue("the search comes first", turn.parts().get(0) instanceof ServerToolUse);
    assertEquals(3, turn.parts().size());
    ServerToolUse use = onlyServerToolUse(turn);
    assertEquals("web_search", use.kind());
    assertEquals("web_search", use.name());
    assertEquals(null, use.server());
    assertEquals("{\"query\":\"map me\"}", use.arguments());
    assertEquals(
        "Result 1 for map me \u2014 https://search.example/map-me/1\n"
            + "Result 2 for map me \u2014 https://search.example/map-me/2",
        use.output());
    assertFalse(use.isError());
    assertEquals(Thinking.ANTHROPIC, use.origin());
    ArrayNode raw = Json.MAPPER.createArrayNode().add(content.get(0)).add(content.get(1));
    assertEquals(Json.canonical(raw), use.raw());

    ObjectNode responses =
        responsesBody("x", Json.object().put("type", "web_search"), codeInterpreter());
    responses
        .putArray("include")
        .add("web_search_call.action.sources")
        .add("code_interpreter_call.outputs");
    responses.put("input", "@web_search{\"query\":\"r\"} @code_interpreter{\"code\":\"1\"}");
    JsonNode output = responses(responses).json().get("output");
    ArrayNode input = Json.MAPPER.createArrayNode();
    input.addObject().put("role", "user").put("content", "hi");
    input.add(output.get(0));
    ArrayNode runOnly = input.deepCopy();
    runOnly.remove(1);
    runOnly.add(output.get(1));
    Message search = ResponsesInput.read(null, input).messages().get(1);
    ServerToolUse ws = onlyServerToolUse(search);
    assertEquals("web_search", ws.kind());
    assertEquals("{\"query\":\"r\"}", ws.arguments());
    assertEquals("https://search.example/r/1\nhttps://search.example/r/2", ws.output());
    assertEquals(Thinking.OPENAI, ws.origin());
    assertEquals(Json.canonical(output.get(0)), ws.raw());
    ServerToolUse ci = onlyServerToolUse(ResponsesInput.read(null, runOnly).messages().get(1));
    assertEquals("code_interpreter", ci.kind());
    assertEquals("{\"code\":\"1\"}", ci.arguments());
    assertEquals("fake python ran: 1", ci.output());

    ObjectNode g = geminiBody("@code_interpreter{\"code\":\"2\"}", "codeExecution");
    JsonNode model = gemini("generateContent", g).json().at("/candidates/0/content");
    ArrayNode contents = ((ArrayNode) g.get("contents")).deepCopy().add(model);
    Message geminiTurn = GeminiContents.read(null, contents).messages().get(1);
    ServerToolUse run = onlyServerToolUse(geminiTurn);
    assertEquals("code_interpreter", run.kind());
    assertEquals("{\"code\":\"2\"}", run.arguments());
    assertEquals("fake python ran: 2", run.output());
    assertEquals(Thinking.GEMINI, run.origin());
    assertEquals(
        Json.canonical(
            Json.MAPPER.createArrayNode().add(model.at("/parts/0")).add(model.at("/parts/1"))),
        run.raw());
  }

  static List<String> lines(String s) {
    return new ArrayList<>(List.of(s.split("\n")));
  }
}

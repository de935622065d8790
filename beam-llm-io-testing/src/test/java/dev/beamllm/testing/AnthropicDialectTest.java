package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Anthropic Messages on the fake server: validation, answers, tools, thinking, caching, streaming,
 * errors, rate-limit headers.
 */
public class AnthropicDialectTest {
  private static final String KEY = "sk-ant-test-123";
  private static final String TOOLS =
      "[{\"name\":\"get_weather\",\"description\":\"Weather for a city\",\"input_schema\":{\"type\":\"object\","
          + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
  private static FakeProviderServer server;

  /** The MCP connector: every server in mcp_servers needs exactly one mcp_toolset tool. */
  @Test
  public void remoteMcpServersNeedTheirToolsets() throws Exception {
    String server =
        "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://m.example.com/mcp\",\"name\":\"wiki\"}]";
    String ask = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    String head = "{\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":10," + ask + ",";
    String[] beta = {
      "x-api-key", KEY, "anthropic-version", "2023-06-01", "anthropic-beta", "mcp-client-2025-11-20"
    };
    String url = AnthropicDialectTest.server.baseUrl() + "/v1/messages";
    assertEquals(
        "mcp_servers: MCP server 'wiki' must be referenced by one mcp_toolset in tools",
        message(Http.post(url, head + server + "}", beta)));
    String twice =
        ",\"tools\":[{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"wiki\"},"
            + "{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"wiki\"}]";
    assertEquals(
        "tools: MCP server 'wiki' is referenced by more than one mcp_toolset",
        message(Http.post(url, head + server + twice + "}", beta)));
    String unknown = ",\"tools\":[{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"docs\"}]";
    assertEquals(
        "tools: mcp_toolset names MCP server 'docs', which mcp_servers lacks",
        message(Http.post(url, head + server + unknown + "}", beta)));
    String one = ",\"tools\":[{\"type\":\"mcp_toolset\",\"mcp_server_name\":\"wiki\"}]";
    assertEquals(200, Http.post(url, head + server + one + "}", beta).status());
  }

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static Http.Reply send(FakeProviderServer fake, String body) throws Exception {
    return Http.post(
        fake.baseUrl() + "/v1/messages", body, "x-api-key", KEY, "anthropic-version", "2023-06-01");
  }

  private static Http.Reply send(String body) throws Exception {
    return send(server, body);
  }

  private static String user(String text) {
    return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(text))
        + "}]}";
  }

  /** Asserts Anthropic's error shape and returns the error object. */
  private static JsonNode error(Http.Reply r, int status, String type) {
    assertEquals(r.body(), status, r.status());
    JsonNode j = r.json();
    assertEquals("error", j.get("type").asText());
    assertEquals(type, j.at("/error/type").asText());
    assertThat(j.get("request_id").asText(), startsWith("req_"));
    assertEquals(
        "the body's request_id is the header's",
        r.header("request-id"),
        j.get("request_id").asText());
    return j.get("error");
  }

  @Test
  public void answersWithAMessageAndUsageCountedLikeTheClient() throws Exception {
    String messages = "[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]";
    Http.Reply r =
        send(
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"system\":\"Be terse.\",\"messages\":"
                + messages
                + "}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertThat(j.get("id").asText(), startsWith("msg_"));
    assertEquals("message", j.get("type").asText());
    assertEquals("assistant", j.get("role").asText());
    assertEquals("claude-sonnet-4-5", j.get("model").asText());
    assertEquals(1, j.get("content").size());
    assertEquals("text", j.at("/content/0/type").asText());
    assertEquals("Echo: What is 2+2?", j.at("/content/0/text").asText());
    assertEquals("end_turn", j.get("stop_reason").asText());
    assertTrue(j.get("stop_sequence").isNull());
    Conversation sent =
        WireFormats.fromAnthropic("{\"system\":\"Be terse.\",\"messages\":" + messages + "}");
    assertEquals(
        TokenCounter.estimate(sent, TokenCounter.ImageRule.ANTHROPIC),
        j.at("/usage/input_tokens").asLong());
    assertEquals(TokenCounter.count("Echo: What is 2+2?"), j.at("/usage/output_tokens").asLong());
    assertEquals(0, j.at("/usage/cache_creation_input_tokens").asLong());
    assertEquals(0, j.at("/usage/cache_read_input_tokens").asLong());
    assertThat(r.header("request-id"), startsWith("req_"));
    assertNull(
        "no limits configured, so no rate-limit headers",
        r.header("anthropic-ratelimit-requests-limit"));
  }

  @Test
  public void outputIsCutAtMaxTokensWithStopReasonMaxTokens() throws Exception {
    Http.Reply r =
        send(
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"#tokens=50\"}]}");
    assertEquals("max_tokens", r.json().get("stop_reason").asText());
    assertEquals(5, r.json().at("/usage/output_tokens").asInt());
  }

  @Test
  public void acceptsImagesDocumentsSystemBlocksAndServerTools() throws Exception {
    String png =
        Base64.getEncoder()
            .encodeToString(Files.readAllBytes(TestData.file("images/red-square.png")));
    String pdf =
        Base64.getEncoder().encodeToString(Files.readAllBytes(TestData.file("docs/sample.pdf")));
    String content =
        "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
            + png
            + "\"}},"
            + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}},"
            + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\""
            + pdf
            + "\"}},"
            + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"Some notes\"},\"title\":\"notes\"},"
            + "{\"type\":\"text\",\"text\":\"Describe these\"}]";
    String body =
        "{\"model\":\"m\",\"max_tokens\":200,\"system\":[{\"type\":\"text\",\"text\":\"You see images.\"}],"
            + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":"
            + content
            + "}]}";
    Http.Reply r = send(body);
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: Describe these", r.json().at("/content/0/text").asText());
    Conversation sent =
        WireFormats.fromAnthropic(
            "{\"system\":\"You see images.\",\"messages\":[{\"role\":\"user\",\"content\":"
                + content
                + "}]}");
    long expected = TokenCounter.estimate(sent, TokenCounter.ImageRule.ANTHROPIC);
    assertEquals(
        "images and PDF pages are counted by Anthropic's rule",
        expected,
        r.json().at("/usage/input_tokens").asLong());
    assertThat(expected, greaterThan(1_600L));
  }

  @Test
  public void validationErrorsUseAnthropicsShapeAndMessages() throws Exception {
    Http.Reply noVersion =
        Http.post(server.baseUrl() + "/v1/messages", user("hi"), "x-api-key", KEY);
    assertEquals(
        "anthropic-version: header is required",
        error(noVersion, 400, "invalid_request_error").get("message").asText());
    Http.Reply badVersion =
        Http.post(
            server.baseUrl() + "/v1/messages",
            user("hi"),
            "x-api-key",
            KEY,
            "anthropic-version",
            "2024-10-22");
    assertThat(
        error(badVersion, 400, "invalid_request_error").get("message").asText(),
        containsString("is not a valid version"));
    Http.Reply withBeta =
        Http.post(
            server.baseUrl() + "/v1/messages",
            user("hi"),
            "x-api-key",
            KEY,
            "anthropic-version",
            "2023-06-01",
            "anthropic-beta",
            "files-api-2025-04-14");
    assertEquals(200, withBeta.status());

    assertEquals(
        "max_tokens: Field required",
        message(send("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertEquals(
        "max_tokens: Input should be greater than or equal to 1",
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertEquals(
        "model: Field required",
        message(send("{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertEquals(
        "messages: at least one message is required",
        message(send("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[]}")));
    assertEquals(
        "messages.0.role: Input should be 'user' or 'assistant'",
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}")));
    assertEquals(
        "temperature: Input should be less than or equal to 1",
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertThat(
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}")),
        containsString("messages.0.content.0.type: Input tag 'video'"));
    assertThat(
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                    + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/bmp\",\"data\":\"AA==\"}}]}]}")),
        containsString("source.media_type"));
    assertThat(
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,\"tools\":[{\"name\":\"bad name!\",\"input_schema\":{\"type\":\"object\"}}],"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")),
        containsString("String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"));
    assertEquals(
        "tools.0.custom.input_schema: Field required",
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":10,"
                    + "\"tools\":[{\"name\":\"t\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertEquals(
        "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        message(
            send(
                "{\"model\":\"m\","
                    + "\"max_tokens\":4000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":500},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
    assertThat(
        message(
            send(
                "{\"model\":\"m\",\"max_tokens\":2000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")),
        startsWith("`max_tokens` must be greater than `thinking.budget_tokens`"));
    Http.Reply notJson = send("{not json");
    error(notJson, 400, "invalid_request_error");
  }

  private static String message(Http.Reply r) {
    return error(r, 400, "invalid_request_error").get("message").asText();
  }

  @Test
  public void toolsNamedInThePromptAreCalledAndResultsEndTheLoop() throws Exception {
    String question = "{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}";
    Http.Reply call =
        send(
            "{\"model\":\"m\",\"max_tokens\":500,\"tools\":"
                + TOOLS
                + ",\"messages\":["
                + question
                + "]}");
    JsonNode j = call.json();
    assertEquals("tool_use", j.get("stop_reason").asText());
    assertEquals("no empty text block beside the tool call", 1, j.get("content").size());
    JsonNode use = j.at("/content/0");
    assertEquals("tool_use", use.get("type").asText());
    assertThat(use.get("id").asText(), startsWith("toolu_"));
    assertEquals("get_weather", use.get("name").asText());
    assertTrue(use.at("/input/city").isTextual());

    Http.Reply done =
        send(
            "{\"model\":\"m\",\"max_tokens\":500,\"tools\":"
                + TOOLS
                + ",\"messages\":["
                + question
                + ","
                + "{\"role\":\"assistant\",\"content\":["
                + Json.write(use)
                + "]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
                + use.get("id").asText()
                + "\",\"content\":\"4 C\"}]}]}");
    assertEquals(done.body(), "end_turn", done.json().get("stop_reason").asText());
    assertEquals("Tool results: 4 C", done.json().at("/content/0/text").asText());

    Http.Reply none =
        send(
            "{\"model\":\"m\",\"max_tokens\":500,\"tools\":"
                + TOOLS
                + ",\"tool_choice\":{\"type\":\"none\"},\"messages\":["
                + question
                + "]}");
    assertEquals(
        "tool_choice none offers no tool", "end_turn", none.json().get("stop_reason").asText());
  }

  @Test
  public void thinkingComesFirstWithASignatureAndGoesBackWithToolResults() throws Exception {
    String question = "{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}";
    String thinking = "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
    Http.Reply call =
        send(
            "{\"model\":\"m\",\"max_tokens\":2048,"
                + thinking
                + ",\"tools\":"
                + TOOLS
                + ",\"messages\":["
                + question
                + "]}");
    JsonNode content = call.json().get("content");
    assertEquals(call.body(), "thinking", content.at("/0/type").asText());
    assertThat(content.at("/0/thinking").asText(), containsString("Use get_weather for Oslo"));
    String signature = content.at("/0/signature").asText();
    assertEquals(32, Base64.getDecoder().decode(signature).length);
    assertEquals("tool_use", content.at("/1/type").asText());

    Http.Reply done =
        send(
            "{\"model\":\"m\",\"max_tokens\":2048,"
                + thinking
                + ",\"tools\":"
                + TOOLS
                + ",\"messages\":["
                + question
                + ","
                + "{\"role\":\"assistant\",\"content\":"
                + Json.write(content)
                + "},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\""
                + content.at("/1/id").asText()
                + "\",\"content\":\"sunny\"}]}]}");
    assertEquals(done.body(), 200, done.status());
    assertEquals("thinking", done.json().at("/content/0/type").asText());
    assertEquals("Tool results: sunny", done.json().at("/content/1/text").asText());

    Http.Reply plain = send(user("no thinking asked"));
    assertEquals("text", plain.json().at("/content/0/type").asText());
  }

  @Test
  public void thinkingOverAToolTurnThatDoesNotOpenWithThinkingIsRefused() throws Exception {
    String thinking = "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
    String head = "{\"model\":\"m\",\"max_tokens\":2048,\"tools\":" + TOOLS + ",";
    String question = "{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}";
    String call =
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\","
            + "\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}]}";
    String result =
        "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"4 C\"}]}";
    String loop = question + "," + call + "," + result;

    Http.Reply refused = send(head + thinking + ",\"messages\":[" + loop + "]}");
    assertEquals(
        "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`."
            + " When `thinking` is enabled, a final `assistant` message must start with a thinking"
            + " block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We"
            + " recommend you include thinking blocks from previous turns. To avoid this"
            + " requirement, disable `thinking`. Please consult our documentation at"
            + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
        message(refused));

    assertEquals(
        "without thinking the same history is fine",
        200,
        send(head + "\"messages\":[" + loop + "]}").status());
    assertEquals(
        "a finished turn needs no thinking back",
        200,
        send(head
                + thinking
                + ",\"messages\":["
                + loop
                + ",{\"role\":\"assistant\",\"content\":\"4 C in Oslo.\"},"
                + "{\"role\":\"user\",\"content\":\"Thanks. And Bergen?\"}]}")
            .status());
    String redacted =
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"},"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}}]}";
    String second =
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_2\","
            + "\"name\":\"get_weather\",\"input\":{\"city\":\"Bergen\"}}]}";
    String secondResult =
        "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"6 C\"}]}";
    Http.Reply laterStep =
        send(
            head
                + thinking
                + ",\"messages\":["
                + String.join(",", question, redacted, result, second, secondResult)
                + "]}");
    assertEquals(
        "only the turn's first assistant message opens with thinking; later steps need none",
        200,
        laterStep.status());
    assertThat(
        "a text block first is no better than a tool_use",
        message(
            send(
                head
                    + thinking
                    + ",\"messages\":["
                    + question
                    + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
                    + "\"input\":{\"city\":\"Oslo\"}}]},"
                    + result
                    + "]}")),
        startsWith(
            "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`."));
  }

  @Test
  public void aCachedSystemPromptIsWrittenOnceThenRead() throws Exception {
    String system = "You are a careful assistant." + " river".repeat(1100);
    long size = TokenCounter.count(system);
    assertThat(size, greaterThan(1024L));
    String body =
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"system\":[{\"type\":\"text\",\"text\":\""
            + system
            + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey(KEY).start()) {
      JsonNode first = send(fake, String.format(body, "first")).json().get("usage");
      assertEquals(size, first.get("cache_creation_input_tokens").asLong());
      assertEquals(0, first.get("cache_read_input_tokens").asLong());
      JsonNode second = send(fake, String.format(body, "second")).json().get("usage");
      assertEquals(0, second.get("cache_creation_input_tokens").asLong());
      assertEquals(size, second.get("cache_read_input_tokens").asLong());
      Conversation sent =
          WireFormats.fromAnthropic(
              "{\"system\":\""
                  + system
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}");
      assertEquals(
          "input_tokens excludes the cached prefix",
          TokenCounter.estimate(sent, TokenCounter.ImageRule.ANTHROPIC) - size,
          second.get("input_tokens").asLong());
      assertEquals(size, fake.stats().cacheReadTokens());
      assertEquals(size, fake.stats().cacheWriteTokens());
    }
    try (FakeProviderServer fake =
        FakeProviderServer.builder().apiKey(KEY).promptCacheMinTokens(2048).start()) {
      send(fake, String.format(body, "first"));
      JsonNode again = send(fake, String.format(body, "second")).json().get("usage");
      assertEquals(
          "a prefix under the minimum is not cached",
          0,
          again.get("cache_read_input_tokens").asLong());
      assertEquals(0, again.get("cache_creation_input_tokens").asLong());
    }
  }

  @Test
  public void moreThanFourCacheBreakpointsAreRefused() throws Exception {
    String block =
        "{\"type\":\"text\",\"text\":\"part\",\"cache_control\":{\"type\":\"ephemeral\"}}";
    String body =
        "{\"model\":\"m\",\"max_tokens\":10,\"system\":["
            + String.join(",", block, block, block, block, block)
            + "],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    assertEquals(
        "A maximum of 4 blocks with cache_control may be provided. Found 5.", message(send(body)));
  }

  @Test
  public void streamsTheDocumentedEventSequence() throws Exception {
    Http.Reply r =
        send(
            "{\"model\":\"m\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream this please, it is long enough\"}]}");
    assertEquals(200, r.status());
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    List<String[]> events = events(r.body());
    List<String> names = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (String[] e : events) {
      JsonNode data = Json.parse(e[1]);
      assertEquals("each event's name is its data's type", e[0], data.get("type").asText());
      names.add(e[0]);
      if (e[0].equals("content_block_delta")) {
        assertEquals("text_delta", data.at("/delta/type").asText());
        text.append(data.at("/delta/text").asText());
      }
    }
    assertEquals(List.of("message_start", "ping", "content_block_start"), names.subList(0, 3));
    assertEquals(
        List.of("content_block_stop", "message_delta", "message_stop"),
        names.subList(names.size() - 3, names.size()));
    assertThat(names.stream().filter("content_block_delta"::equals).count(), greaterThan(1L));
    assertEquals("Echo: stream this please, it is long enough", text.toString());
    JsonNode start = Json.parse(events.get(0)[1]).get("message");
    assertEquals(0, start.get("content").size());
    assertTrue(start.get("stop_reason").isNull());
    assertThat(start.at("/usage/input_tokens").asLong(), greaterThan(0L));
    JsonNode delta = Json.parse(events.get(events.size() - 2)[1]);
    assertEquals("end_turn", delta.at("/delta/stop_reason").asText());
    assertEquals(TokenCounter.count(text.toString()), delta.at("/usage/output_tokens").asLong());
  }

  @Test
  public void streamsThinkingWithSignatureAndToolInputAsJsonDeltas() throws Exception {
    Http.Reply r =
        send(
            "{\"model\":\"m\",\"max_tokens\":2048,\"stream\":true,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"tools\":"
                + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Use get_weather for Oslo\"}]}");
    StringBuilder thinking = new StringBuilder();
    StringBuilder json = new StringBuilder();
    String signature = null;
    List<String> blocks = new ArrayList<>();
    String stop = null;
    for (String[] e : events(r.body())) {
      JsonNode data = Json.parse(e[1]);
      switch (e[0]) {
        case "content_block_start" -> {
          assertEquals(blocks.size(), data.get("index").asInt());
          blocks.add(data.at("/content_block/type").asText());
        }
        case "content_block_delta" -> {
          switch (data.at("/delta/type").asText()) {
            case "thinking_delta" -> thinking.append(data.at("/delta/thinking").asText());
            case "signature_delta" -> signature = data.at("/delta/signature").asText();
            case "input_json_delta" -> json.append(data.at("/delta/partial_json").asText());
            default -> throw new AssertionError("unexpected delta " + data);
          }
        }
        case "message_delta" -> stop = data.at("/delta/stop_reason").asText();
        default -> {}
      }
    }
    assertEquals(List.of("thinking", "tool_use"), blocks);
    assertThat(thinking.toString(), containsString("Use get_weather for Oslo"));
    assertNotNull("a signature_delta closes the thinking block", signature);
    assertEquals(32, Base64.getDecoder().decode(signature).length);
    assertTrue(Json.parse(json.toString()).get("city").isTextual());
    assertEquals("tool_use", stop);
  }

  /** Server-sent events as (name, data) pairs. */
  private static List<String[]> events(String sse) {
    List<String[]> out = new ArrayList<>();
    for (String chunk : sse.split("\n\n")) {
      String[] lines = chunk.split("\n");
      assertEquals(chunk, 2, lines.length);
      assertThat(lines[0], startsWith("event: "));
      assertThat(lines[1], startsWith("data: "));
      out.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
    }
    return out;
  }

  @Test
  public void aMissingOrWrongKeyGetsAnthropics401() throws Exception {
    Http.Reply none =
        Http.post(server.baseUrl() + "/v1/messages", user("x"), "anthropic-version", "2023-06-01");
    assertEquals(
        "x-api-key header is required",
        error(none, 401, "authentication_error").get("message").asText());
    Http.Reply wrong =
        Http.post(
            server.baseUrl() + "/v1/messages",
            user("x"),
            "x-api-key",
            "sk-ant-wrong",
            "anthropic-version",
            "2023-06-01");
    assertEquals(
        "invalid x-api-key", error(wrong, 401, "authentication_error").get("message").asText());
    assertFalse("the key is never echoed", wrong.body().contains("sk-ant-wrong"));
  }

  @Test
  public void serviceTierIsAutoOrStandardOnlyAsTheMessagesApiTakes() throws Exception {
    for (String tier : new String[] {"auto", "standard_only"}) {
      String body =
          user("hi").replace("{\"model\"", "{\"service_tier\":\"" + tier + "\",\"model\"");
      assertEquals(tier, 200, send(body).status());
    }
    for (String tier : new String[] {"\"flex\"", "\"default\"", "\"priority\"", "1"}) {
      String body = user("hi").replace("{\"model\"", "{\"service_tier\":" + tier + ",\"model\"");
      assertEquals(
          tier,
          "service_tier: Input should be 'auto' or 'standard_only'",
          error(send(body), 400, "invalid_request_error").get("message").asText());
    }
  }

  @Test
  public void quotaFaultIsAnthropicsCreditBalance400() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .faults(FaultPlan.none().withScript("claude-sonnet-4-5", Fault.QUOTA_EXHAUSTED))
            .start()) {
      assertThat(
          error(send(fake, user("hi")), 400, "invalid_request_error").get("message").asText(),
          startsWith("Your credit balance is too low to access the Anthropic API."));
    }
  }

  @Test
  public void unknownModelsContextOverflowAndFaultsUseAnthropicsTypes() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder()
            .models(Set.of("claude-sonnet-4-5"))
            .contextWindow(200)
            .faults(
                FaultPlan.none()
                    .withScript(
                        "claude-sonnet-4-5", Fault.NONE, Fault.OVERLOADED, Fault.SERVER_ERROR))
            .start()) {
      String longText = " river".repeat(300);
      assertEquals(
          "model: claude-nope",
          error(
                  send(fake, user("x").replace("claude-sonnet-4-5", "claude-nope")),
                  404,
                  "not_found_error")
              .get("message")
              .asText());
      String tooLong =
          error(send(fake, user(longText)), 400, "invalid_request_error").get("message").asText();
      assertThat(tooLong, startsWith("prompt is too long: "));
      assertThat(tooLong, containsString(" tokens > 200 maximum"));
      String withOutput =
          error(send(fake, user("short")), 400, "invalid_request_error").get("message").asText();
      assertThat(withOutput, startsWith("input length and `max_tokens` exceed context limit: "));
      assertThat(withOutput, containsString(" + 1024 > 200"));

      String small =
          "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertEquals(200, send(fake, small).status());
      assertEquals(
          "Overloaded", error(send(fake, small), 529, "overloaded_error").get("message").asText());
      error(send(fake, small), 500, "api_error");
    }
  }

  @Test
  public void rateLimitHeadersOnEveryAnswerAndRetryAfterOn429() throws Exception {
    try (FakeProviderServer fake =
        FakeProviderServer.builder().requestsPerMinute(2).tokensPerMinute(100_000).start()) {
      String small =
          "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      Http.Reply ok = send(fake, small);
      assertEquals(200, ok.status());
      assertEquals("2", ok.header("anthropic-ratelimit-requests-limit"));
      assertEquals("1", ok.header("anthropic-ratelimit-requests-remaining"));
      Instant reset =
          OffsetDateTime.parse(ok.header("anthropic-ratelimit-requests-reset")).toInstant();
      assertTrue(
          "the reset is within the minute",
          reset.isAfter(Instant.now().minusSeconds(1))
              && reset.isBefore(Instant.now().plusSeconds(61)));
      for (String family : new String[] {"tokens", "input-tokens", "output-tokens"}) {
        assertEquals("100000", ok.header("anthropic-ratelimit-" + family + "-limit"));
        assertThat(
            Long.parseLong(ok.header("anthropic-ratelimit-" + family + "-remaining")),
            greaterThan(90_000L));
        OffsetDateTime.parse(ok.header("anthropic-ratelimit-" + family + "-reset"));
      }
      assertNull(ok.header("retry-after"));
      send(fake, small);
      Http.Reply limited = send(fake, small);
      JsonNode e = error(limited, 429, "rate_limit_error");
      assertThat(e.get("message").asText(), containsString("2 requests per minute"));
      assertThat(Long.parseLong(limited.header("retry-after")), greaterThan(0L));
      assertEquals("0", limited.header("anthropic-ratelimit-requests-remaining"));
    }
  }
}

package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.File;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.WireFormats;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Gemini generateContent on the fake server: validation, answers, tools, JSON, thoughts, streaming,
 * keys, errors.
 */
public class GeminiDialectTest {
  private static final String KEY = "AIza-test-123";
  private static final String MODEL = "gemini-2.5-flash";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey(KEY).start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  private static String url(FakeProviderServer s, String method) {
    return s.baseUrl() + "/v1beta/models/" + MODEL + ":" + method;
  }

  private static Http.Reply generate(String body) throws Exception {
    return Http.post(url(server, "generateContent"), body, "x-goog-api-key", KEY);
  }

  private static String user(String text) {
    return "{\"role\":\"user\",\"parts\":[{\"text\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(text))
        + "}]}";
  }

  @Test
  public void echoesTheLastUserTextWithUsageCountedLikeTheClient() throws Exception {
    Http.Reply r =
        generate(
            "{\"systemInstruction\":{\"parts\":[{\"text\":\"Be terse.\"}]},\"contents\":["
                + user("What is 2+2?")
                + "]}");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    JsonNode candidate = j.at("/candidates/0");
    assertEquals("model", candidate.at("/content/role").asText());
    assertEquals("Echo: What is 2+2?", candidate.at("/content/parts/0/text").asText());
    assertEquals(1, candidate.at("/content/parts").size());
    assertEquals("STOP", candidate.get("finishReason").asText());
    assertEquals(0, candidate.get("index").asInt());
    assertEquals(MODEL, j.get("modelVersion").asText());
    assertFalse(j.get("responseId").asText().isEmpty());
    long prompt =
        TokenCounter.estimate(
            Conversation.of(Message.system("Be terse."), Message.user("What is 2+2?")),
            TokenCounter.ImageRule.GEMINI);
    assertEquals(prompt, j.at("/usageMetadata/promptTokenCount").asLong());
    assertEquals(
        TokenCounter.count("Echo: What is 2+2?"),
        j.at("/usageMetadata/candidatesTokenCount").asLong());
    assertEquals(
        prompt + TokenCounter.count("Echo: What is 2+2?"),
        j.at("/usageMetadata/totalTokenCount").asLong());
    assertTrue(
        "no thoughts were asked for", j.at("/usageMetadata/thoughtsTokenCount").isMissingNode());
  }

  @Test
  public void theKeyMayComeAsAQueryParameter() throws Exception {
    Http.Reply r =
        Http.post(
            url(server, "generateContent") + "?key=" + KEY, "{\"contents\":[" + user("hi") + "]}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: hi", r.json().at("/candidates/0/content/parts/0/text").asText());
  }

  @Test
  public void aWrongKeyIsA400ApiKeyInvalidAndAMissingOneA403() throws Exception {
    Http.Reply wrong =
        Http.post(
            url(server, "generateContent") + "?key=AIza-wrong",
            "{\"contents\":[" + user("hi") + "]}");
    assertEquals(400, wrong.status());
    JsonNode e = wrong.json().get("error");
    assertEquals(400, e.get("code").asInt());
    assertEquals("INVALID_ARGUMENT", e.get("status").asText());
    assertEquals("API key not valid. Please pass a valid API key.", e.get("message").asText());
    assertEquals("type.googleapis.com/google.rpc.ErrorInfo", e.at("/details/0/@type").asText());
    assertEquals("API_KEY_INVALID", e.at("/details/0/reason").asText());
    assertFalse("the key is never echoed", wrong.body().contains("AIza-wrong"));

    Http.Reply none =
        Http.post(url(server, "generateContent"), "{\"contents\":[" + user("hi") + "]}");
    assertEquals(403, none.status());
    assertEquals("PERMISSION_DENIED", none.json().at("/error/status").asText());
    assertThat(
        none.json().at("/error/message").asText(),
        containsString("Method doesn't allow unregistered callers"));
  }

  @Test
  public void outputIsCutAtMaxOutputTokensWithFinishReasonMaxTokens() throws Exception {
    Http.Reply r =
        generate(
            "{\"contents\":["
                + user("#tokens=50")
                + "],\"generationConfig\":{\"maxOutputTokens\":5}}");
    assertEquals("MAX_TOKENS", r.json().at("/candidates/0/finishReason").asText());
    assertEquals(5, r.json().at("/usageMetadata/candidatesTokenCount").asInt());
    Http.Reply snake =
        generate(
            "{\"contents\":["
                + user("#tokens=50")
                + "],\"generation_config\":{\"max_output_tokens\":7}}");
    assertEquals(
        "proto field names are accepted too",
        7,
        snake.json().at("/usageMetadata/candidatesTokenCount").asInt());
  }

  @Test
  public void functionsNamedInThePromptAreCalledAndResponsesEndTheLoop() throws Exception {
    String tools =
        "[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"OBJECT\","
            + "\"properties\":{\"city\":{\"type\":\"STRING\"},\"days\":{\"type\":\"INTEGER\",\"minimum\":1}},\"required\":[\"city\",\"days\"]}}]}]";
    Http.Reply call =
        generate(
            "{\"tools\":" + tools + ",\"contents\":[" + user("Use get_weather for Oslo") + "]}");
    assertEquals(call.body(), 200, call.status());
    JsonNode part = call.json().at("/candidates/0/content/parts/0");
    assertEquals("STOP", call.json().at("/candidates/0/finishReason").asText());
    assertEquals("get_weather", part.at("/functionCall/name").asText());
    assertTrue(
        "upper-case OpenAPI types are understood", part.at("/functionCall/args/city").isTextual());
    assertEquals(1, part.at("/functionCall/args/days").asInt());

    String history =
        "["
            + user("Use get_weather for Oslo")
            + ",{\"role\":\"model\",\"parts\":["
            + Json.write(part)
            + "]},"
            + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"output\":\"4 C\"}}}]}]";
    Http.Reply done = generate("{\"tools\":" + tools + ",\"contents\":" + history + "}");
    assertEquals(done.body(), 200, done.status());
    assertEquals(
        "Tool results: 4 C", done.json().at("/candidates/0/content/parts/0/text").asText());

    Http.Reply orphan =
        generate(
            "{\"contents\":["
                + user("hi")
                + ",{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
                + "{\"name\":\"get_weather\",\"response\":{\"output\":\"4 C\"}}}]}]}");
    assertEquals(400, orphan.status());
    assertThat(
        orphan.json().at("/error/message").asText(),
        containsString("function response turn comes immediately after a function call turn"));
  }

  @Test
  public void jsonMimeTypeAndSchemasGiveValidJson() throws Exception {
    Http.Reply obj =
        generate(
            "{\"contents\":["
                + user("hello")
                + "],\"generationConfig\":{\"responseMimeType\":\"application/json\"}}");
    assertEquals(
        "hello",
        Json.parse(obj.json().at("/candidates/0/content/parts/0/text").asText())
            .get("echo")
            .asText());

    String schema =
        "{\"type\":\"OBJECT\",\"properties\":{\"name\":{\"type\":\"STRING\",\"maxLength\":5},\"age\":{\"type\":\"INTEGER\",\"minimum\":18},"
            + "\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\",\"enum\":[\"a\",\"b\"]}}},\"required\":[\"name\",\"age\",\"tags\"]}";
    Http.Reply s =
        generate(
            "{\"contents\":["
                + user("Describe someone")
                + "],\"generationConfig\":{\"responseMimeType\":\"application/json\","
                + "\"responseSchema\":"
                + schema
                + "}}");
    JsonNode v = Json.parse(s.json().at("/candidates/0/content/parts/0/text").asText());
    assertTrue(v.get("name").asText().length() <= 5);
    assertEquals(18, v.get("age").asInt());
    assertEquals("a", v.at("/tags/0").asText());
    assertEquals(3, v.size());

    Http.Reply js =
        generate(
            "{\"contents\":["
                + user("Describe")
                + "],\"generationConfig\":{\"responseMimeType\":\"application/json\","
                + "\"responseJsonSchema\":{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}}}");
    assertTrue(
        Json.parse(js.json().at("/candidates/0/content/parts/0/text").asText())
            .get("ok")
            .asBoolean());

    Http.Reply noMime =
        generate(
            "{\"contents\":["
                + user("x")
                + "],\"generationConfig\":{\"responseSchema\":"
                + schema
                + "}}");
    assertEquals(400, noMime.status());
    assertThat(noMime.json().at("/error/message").asText(), containsString("response_mime_type"));
  }

  @Test
  public void validationErrorsUseGooglesShape() throws Exception {
    Http.Reply none = generate("{}");
    assertEquals(400, none.status());
    assertEquals("INVALID_ARGUMENT", none.json().at("/error/status").asText());
    assertEquals(400, none.json().at("/error/code").asInt());
    assertThat(
        none.json().at("/error/message").asText(),
        containsString("GenerateContentRequest.contents: contents is not specified"));

    Http.Reply role =
        generate("{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"x\"}]}]}");
    assertEquals(
        "Please use a valid role: user, model.", role.json().at("/error/message").asText());

    Http.Reply unknown =
        generate("{\"contents\":[" + user("x") + "],\"generationConfig\":{\"max_tokens\":5}}");
    assertEquals(400, unknown.status());
    assertThat(
        unknown.json().at("/error/message").asText(),
        containsString("Unknown name \"max_tokens\" at 'generation_config': Cannot find field."));

    Http.Reply hot =
        generate("{\"contents\":[" + user("x") + "],\"generationConfig\":{\"temperature\":3}}");
    assertEquals(400, hot.status());
    assertEquals(
        "generation_config.temperature",
        hot.json().at("/error/details/0/fieldViolations/0/field").asText());

    assertEquals(
        400,
        generate("{\"contents\":[" + user("x") + "],\"generationConfig\":{\"candidateCount\":2}}")
            .status());
    assertEquals(400, generate("{\"contents\":[{\"role\":\"user\",\"parts\":[]}]}").status());
    assertEquals(400, generate("not json").status());
    Http.Reply badTool =
        generate(
            "{\"contents\":["
                + user("x")
                + "],\"tools\":[{\"functionDeclarations\":[{\"name\":\"bad name!\"}]}]}");
    assertThat(
        badTool.json().at("/error/message").asText(), containsString("Invalid function name"));
  }

  @Test
  public void inlineImagesAreCountedWithGeminisImageRule() throws Exception {
    String png = Base64.getEncoder().encodeToString(png(64, 64));
    Http.Reply r =
        generate(
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is this?\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
                + png
                + "\"}}]}]}");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Echo: What is this?", r.json().at("/candidates/0/content/parts/0/text").asText());
    long expected =
        TokenCounter.estimate(
            Conversation.of(Message.user("What is this?").addImage(Image.fromBase64(png))),
            TokenCounter.ImageRule.GEMINI);
    assertEquals(expected, r.json().at("/usageMetadata/promptTokenCount").asLong());
    assertEquals(
        258,
        expected
            - TokenCounter.estimate(
                Conversation.user("What is this?"), TokenCounter.ImageRule.GEMINI));

    Http.Reply bad =
        generate(
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"aGVsbG8=\"}}]}]}");
    assertEquals(400, bad.status());
    assertEquals("Provided image is not valid", bad.json().at("/error/message").asText());
  }

  @Test
  public void thoughtsComeFirstWithTheSignatureOnTheNextPartAndAreCountedApart() throws Exception {
    Http.Reply r =
        generate(
            "{\"contents\":["
                + user("Think about it")
                + "],\"generationConfig\":{\"thinkingConfig\":"
                + "{\"includeThoughts\":true,\"thinkingBudget\":1024}}}");
    assertEquals(r.body(), 200, r.status());
    JsonNode parts = r.json().at("/candidates/0/content/parts");
    assertEquals(2, parts.size());
    assertTrue(parts.get(0).get("thought").asBoolean());
    assertThat(parts.get(0).get("text").asText(), startsWith("Considering the request"));
    assertEquals("Echo: Think about it", parts.get(1).get("text").asText());
    assertNotNull(parts.get(1).get("thoughtSignature"));
    JsonNode usage = r.json().get("usageMetadata");
    assertEquals(
        TokenCounter.count(parts.get(0).get("text").asText()),
        usage.get("thoughtsTokenCount").asLong());
    assertEquals(
        TokenCounter.count("Echo: Think about it"), usage.get("candidatesTokenCount").asLong());
    assertEquals(
        usage.get("promptTokenCount").asLong()
            + usage.get("candidatesTokenCount").asLong()
            + usage.get("thoughtsTokenCount").asLong(),
        usage.get("totalTokenCount").asLong());

    String history =
        "["
            + user("Think about it")
            + ",{\"role\":\"model\",\"parts\":"
            + Json.write(parts)
            + "},"
            + user("Again")
            + "]";
    Http.Reply next = generate("{\"contents\":" + history + "}");
    assertEquals("thoughts and signatures are accepted back", 200, next.status());
    assertEquals("Echo: Again", next.json().at("/candidates/0/content/parts/0/text").asText());

    Http.Reply off =
        generate(
            "{\"contents\":["
                + user("x")
                + "],\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":0}}}");
    assertEquals(
        "a budget of 0 turns thinking off", 1, off.json().at("/candidates/0/content/parts").size());
  }

  private static Http.Reply generate(String model, String body) throws Exception {
    return Http.post(
        server.baseUrl() + "/v1beta/models/" + model + ":generateContent",
        body,
        "x-goog-api-key",
        KEY);
  }

  /** A weather call (its part given) answered, after the user's question. */
  private static String callAndResponse(String callPart) {
    return "{\"role\":\"model\",\"parts\":["
        + callPart
        + "]},{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
        + "{\"name\":\"get_weather\",\"response\":{\"output\":\"4 C\"}}}]}";
  }

  @Test
  public void geminiThreeRefusesAnUnsignedFirstFunctionCallOfTheCurrentTurn() throws Exception {
    String unsigned = "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}}}";
    String signed =
        "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{}},"
            + "\"thoughtSignature\":\"skip_thought_signature_validator\"}";
    String current = "{\"contents\":[" + user("Weather?") + "," + callAndResponse(unsigned) + "]}";

    Http.Reply refused = generate("gemini-3-flash-preview", current);
    assertEquals(refused.body(), 400, refused.status());
    assertEquals("INVALID_ARGUMENT", refused.json().at("/error/status").asText());
    assertEquals(
        "Function call is missing a thought_signature in functionCall parts. This is required for"
            + " tools to work correctly, and missing thought_signature may lead to degraded model"
            + " performance. Additional data, function call `default_api:get_weather` , position"
            + " 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for"
            + " more details.",
        refused.json().at("/error/message").asText());

    assertEquals("Gemini 2.5 does not enforce signatures", 200, generate(MODEL, current).status());
    Http.Reply withSignature =
        generate(
            "gemini-3-flash-preview",
            "{\"contents\":[" + user("Weather?") + "," + callAndResponse(signed) + "]}");
    assertEquals(withSignature.body(), 200, withSignature.status());
    Http.Reply parallel =
        generate(
            "gemini-3-pro-preview",
            "{\"contents\":["
                + user("Weather?")
                + ","
                + "{\"role\":\"model\",\"parts\":["
                + signed
                + ","
                + unsigned
                + "]},{\"role\":\"user\",\"parts\":["
                + "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"output\":\"4 C\"}}},"
                + "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"output\":\"5 C\"}}}]}"
                + "]}");
    assertEquals("only the first call of a step is signed", 200, parallel.status());
    Http.Reply earlierTurn =
        generate(
            "gemini-3-flash-preview",
            "{\"contents\":["
                + user("Weather?")
                + ","
                + callAndResponse(unsigned)
                + ",{\"role\":\"model\",\"parts\":[{\"text\":\"4 C\"}]},"
                + user("Thanks")
                + "]}");
    assertEquals("turns before the last user text are not checked", 200, earlierTurn.status());
  }

  @Test
  public void thinkingLevelsAreGeminiThreesAloneAndNeverBesideABudget() throws Exception {
    String contents = "{\"contents\":[" + user("Think") + "],\"generationConfig\":";
    Http.Reply both =
        generate(
            "gemini-3-flash-preview",
            contents + "{\"thinkingConfig\":{\"thinkingLevel\":\"low\",\"thinkingBudget\":1024}}}");
    assertEquals(400, both.status());
    assertEquals(
        "You can only set only one of thinking budget and thinking level.",
        both.json().at("/error/message").asText());

    Http.Reply old =
        generate(MODEL, contents + "{\"thinkingConfig\":{\"thinkingLevel\":\"low\"}}}");
    assertEquals(400, old.status());
    assertEquals(
        "Thinking level is not supported for this model.",
        old.json().at("/error/message").asText());

    Http.Reply proMedium =
        generate(
            "gemini-3-pro-preview",
            contents + "{\"thinkingConfig\":{\"thinking_level\":\"medium\"}}}");
    assertEquals(400, proMedium.status());
    assertEquals(
        "Thinking level MEDIUM is not supported for this model.",
        proMedium.json().at("/error/message").asText());

    Http.Reply unknown =
        generate(
            "gemini-3-flash-preview",
            contents + "{\"thinkingConfig\":{\"thinkingLevel\":\"extreme\"}}}");
    assertEquals(400, unknown.status());
    assertThat(
        unknown.json().at("/error/message").asText(),
        startsWith("Invalid value at 'generation_config.thinking_config.thinking_level'"));

    Http.Reply low =
        generate(
            "gemini-3-pro-preview",
            contents
                + "{\"thinkingConfig\":{\"thinkingLevel\":\"low\",\"includeThoughts\":true}}}");
    assertEquals(low.body(), 200, low.status());
    assertTrue(low.json().at("/candidates/0/content/parts/0/thought").asBoolean());
    assertEquals(
        200,
        generate(
                "gemini-3-flash-preview",
                contents + "{\"thinkingConfig\":{\"thinkingLevel\":\"MINIMAL\"}}}")
            .status());
  }

  @Test
  public void logprobsListTheChosenTokensAndTheirAlternatives() throws Exception {
    Http.Reply r =
        generate(
            "{\"contents\":["
                + user("hello there")
                + "],\"generationConfig\":{\"responseLogprobs\":true,\"logprobs\":2}}");
    JsonNode candidate = r.json().at("/candidates/0");
    JsonNode chosen = candidate.at("/logprobsResult/chosenCandidates");
    assertEquals(TokenCounter.count("Echo: hello there"), chosen.size());
    StringBuilder text = new StringBuilder();
    chosen.forEach(c -> text.append(c.get("token").asText()));
    assertEquals("Echo: hello there", text.toString());
    assertEquals(2, candidate.at("/logprobsResult/topCandidates/0/candidates").size());
    assertTrue(candidate.get("avgLogprobs").asDouble() < 0);

    Http.Reply bad =
        generate("{\"contents\":[" + user("x") + "],\"generationConfig\":{\"logprobs\":2}}");
    assertEquals(400, bad.status());
  }

  @Test
  public void streamsServerSentEventsWithAlternateSse() throws Exception {
    String body = "{\"contents\":[" + user("stream this please, it is long enough") + "]}";
    Http.Reply r =
        Http.post(url(server, "streamGenerateContent") + "?alt=sse", body, "x-goog-api-key", KEY);
    assertEquals(r.body(), 200, r.status());
    assertThat(r.header("content-type"), startsWith("text/event-stream"));
    String[] events = r.body().split("\n\n");
    assertTrue(events.length > 1);
    StringBuilder text = new StringBuilder();
    JsonNode last = null;
    for (String event : events) {
      assertThat(event, startsWith("data: "));
      last = Json.parse(event.substring(6));
      text.append(last.at("/candidates/0/content/parts/0/text").asText());
      assertTrue("every chunk carries usage", last.has("usageMetadata"));
    }
    assertEquals("Echo: stream this please, it is long enough", text.toString());
    assertEquals("STOP", last.at("/candidates/0/finishReason").asText());
    assertEquals(
        TokenCounter.count("Echo: stream this please, it is long enough"),
        last.at("/usageMetadata/candidatesTokenCount").asLong());
    assertTrue(Json.parse(events[0].substring(6)).at("/candidates/0/finishReason").isMissingNode());

    Http.Reply array = Http.post(url(server, "streamGenerateContent"), body, "x-goog-api-key", KEY);
    assertEquals(200, array.status());
    assertTrue("without alt=sse the chunks come as one JSON array", array.json().isArray());
    assertEquals(events.length, array.json().size());
  }

  @Test
  public void aRateLimitIsResourceExhaustedWithARetryDelay() throws Exception {
    try (FakeProviderServer limited = FakeProviderServer.builder().requestsPerMinute(1).start()) {
      String body = "{\"contents\":[" + user("hi") + "]}";
      assertEquals(200, Http.post(url(limited, "generateContent"), body).status());
      Http.Reply r = Http.post(url(limited, "generateContent"), body);
      assertEquals(429, r.status());
      JsonNode e = r.json().get("error");
      assertEquals("RESOURCE_EXHAUSTED", e.get("status").asText());
      assertThat(e.get("message").asText(), containsString("You exceeded your current quota"));
      JsonNode retry = null;
      JsonNode quota = null;
      for (JsonNode d : e.get("details")) {
        if (d.get("@type").asText().endsWith("RetryInfo")) {
          retry = d;
        } else if (d.get("@type").asText().endsWith("QuotaFailure")) {
          quota = d;
        }
      }
      assertNotNull(retry);
      assertTrue(
          retry.get("retryDelay").asText(), retry.get("retryDelay").asText().matches("[1-9]\\d*s"));
      assertEquals(MODEL, quota.at("/violations/0/quotaDimensions/model").asText());
      assertEquals("1", quota.at("/violations/0/quotaValue").asText());
    }
  }

  @Test
  public void unknownModelsContextOverflowAndOverloadUseGooglesStatuses() throws Exception {
    try (FakeProviderServer s =
        FakeProviderServer.builder()
            .models(Set.of("gemini-2.0-flash"))
            .contextWindow(100)
            .faults(FaultPlan.none().withScript("gemini-2.0-flash", Fault.NONE, Fault.OVERLOADED))
            .start()) {
      Http.Reply missing =
          Http.post(url(s, "generateContent"), "{\"contents\":[" + user("hi") + "]}");
      assertEquals(404, missing.status());
      assertEquals("NOT_FOUND", missing.json().at("/error/status").asText());
      assertThat(
          missing.json().at("/error/message").asText(),
          startsWith("models/" + MODEL + " is not found for API version v1beta"));

      String known = s.baseUrl() + "/v1beta/models/gemini-2.0-flash:generateContent";
      Http.Reply big =
          Http.post(
              known,
              "{\"contents\":["
                  + user("word ".repeat(200))
                  + "],\"generationConfig\":{\"maxOutputTokens\":10}}");
      assertEquals(400, big.status());
      assertThat(
          big.json().at("/error/message").asText(),
          containsString("exceeds the maximum number of tokens allowed (100)."));

      String small =
          "{\"contents\":[" + user("hi") + "],\"generationConfig\":{\"maxOutputTokens\":10}}";
      assertEquals(200, Http.post(known, small).status());
      Http.Reply overloaded = Http.post(known, small);
      assertEquals(503, overloaded.status());
      assertEquals("UNAVAILABLE", overloaded.json().at("/error/status").asText());
      assertEquals(
          "The model is overloaded. Please try again later.",
          overloaded.json().at("/error/message").asText());
    }
  }

  @Test
  public void readsBackWhatGeminiFormatWrites() throws Exception {
    Conversation original =
        Conversation.system("Be terse.")
            .add(
                Message.user("Look at these")
                    .addImage(Image.fromBytes(png(8, 8)))
                    .addImage("https://example.com/cat.png")
                    .addFile(File.fromUrl("https://example.com/report.pdf")))
            .add(
                Message.of(
                    Role.ASSISTANT,
                    List.of(
                        Thinking.signed("", "c2lnbmF0dXJl", Thinking.GEMINI),
                        ToolCall.of("call_a", "get_weather", "{\"city\":\"Oslo\"}"),
                        ToolCall.of("call_b", "get_time", "{}"))))
            .add(
                Message.toolResults(
                    List.of(ToolResult.of("call_a", "4 C"), ToolResult.error("call_b", "boom"))));
    String wire = WireFormats.gemini(original);
    JsonNode body = Json.parse(wire);
    Conversation read = GeminiContents.read(body.get("systemInstruction"), body.get("contents"));
    assertEquals(
        "nothing is lost: the ids Gemini does not carry are all that differ",
        wire,
        WireFormats.gemini(read));
    List<ToolCall> calls = read.messages().get(2).partsOf(ToolCall.class);
    assertEquals(
        List.of("gemini-call-1", "gemini-call-2"), calls.stream().map(ToolCall::id).toList());
    List<ToolResult> results = read.messages().get(3).partsOf(ToolResult.class);
    assertEquals(
        List.of("gemini-call-1", "gemini-call-2"),
        results.stream().map(ToolResult::callId).toList());
    assertTrue(results.get(1).isError());

    Http.Reply r = generate(wire);
    assertEquals(r.body(), 200, r.status());
    assertEquals(
        "Tool results: 4 C; boom", r.json().at("/candidates/0/content/parts/0/text").asText());
  }

  static byte[] png(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake model: deterministic answers derived from the request, so tests can assert on them.
 *
 * <ol>
 *   <li>A scripted conversation comes first: when a script's {@code match} is a substring of the
 *       first user message's text ({@link FakeProviderServer#script}, {@code POST /fake/script};
 *       the newest such script), the answer is the script's turn k, k being the number of assistant
 *       messages already in the conversation: its text, or its tool calls with the arguments given
 *       and ids generated as below. Past the script's end the answer is the text {@code "Script
 *       exhausted: the script for \"<match>\" ends after turn <n>; this is assistant turn <k+1>"}.
 *   <li>Then a computer-use session, when the request offers a computer tool (a provider's own, or
 *       a function named {@code computer}) and the first user message holds {@code [computer:
 *       ...]}: its actions one per turn, then a summary of the screenshots received ({@link
 *       FakeComputer}).
 *   <li>When the conversation ends with tool results, the answer is text: {@code "Tool results:
 *       <result texts joined by '; '>"}, with every result sent after the last assistant turn
 *       (several tool messages in a row count as one round of results). Agent loops therefore end
 *       after one round of tools, unless the first user message holds the directive {@code
 *       [rounds=N]} (N from 1 to 999999): then, while fewer than N assistant turns in the
 *       conversation called tools, the answer calls the named tools again (as in the next rule),
 *       and otherwise (N rounds done, or no tool named) the text is {@code "Rounds: <assistant
 *       turns that called tools>. Tool results: <the last round's result texts joined by '; '>"},
 *       e.g. {@code "Rounds: 3. Tool results: 4 C; 7"}.
 *   <li>Else, when tools are offered and the last user text names one or more of them (as whole
 *       words, case-insensitive), the answer calls each named tool once, in the order named, with
 *       arguments built from the tool's schema (see {@link #instance}), or, when the text holds
 *       {@code call <tool> with <JSON object>} for that tool, exactly that object (written
 *       compactly, keys in the order given). Call ids are {@code call_} and 16 hex digits of a hash
 *       of the conversation and the call's place in the turn: the same for the same request, and
 *       unique across the turns of a conversation.
 *   <li>Else, when the request forces a tool call (Anthropic's {@code tool_choice} {@code tool} or
 *       {@code any}), the answer calls the forced tool (the first offered, for {@code any}) with
 *       the JSON-schema answer of its parameters, described next; an older Claude model's
 *       structured output comes back this way.
 *   <li>Else, for a plain-text request, two rules for the ready helpers ({@code LlmIO.translate},
 *       {@code LlmIO.score}): when the system prompt asks to {@code Translate} and names the target
 *       as {@code (ISO 639-1 code: xx)}, the answer is {@code "[xx] <last user text>"}; when the
 *       last user text holds {@code PROB=p} (p a decimal strictly between 0 and 1, such as {@code
 *       PROB=0.83}), the answer is {@code Yes} when p &ge; 0.5, else {@code No}, and, when
 *       log-probabilities are asked for, its first token's alternatives are {@code Yes} with
 *       log-probability ln(p) and {@code No} with ln(1 - p) (the more likely first), then filler
 *       tokens ({@code Maybe}, {@code I}...) with ln(1e-9) each: so P(yes) read from them is p.
 *       Every dialect that returns log-probabilities (OpenAI chat and Responses, Gemini's {@code
 *       logprobsResult}) carries the same values.
 *   <li>Else the text is {@code "Echo: <last user text>"}; a JSON-object request gets {@code
 *       {"echo": "<last user text>"}}, and a JSON-schema request an instance of the schema (an
 *       {@code enum} gets the value the last user text names as a whole word, case-insensitive, the
 *       earliest named; the first value when it names none). A user text containing {@code
 *       #tokens=N} gets exactly N tokens of seeded filler words instead. Deliberately invalid JSON,
 *       for tests of extraction: a JSON request whose first user message holds {@code INVALID_JSON}
 *       gets the answer cut off in the middle on its first turn (no assistant message yet) and, on
 *       every later turn, the valid answer made from the first user message (as a repair turn would
 *       fix it); one whose first user message holds {@code ALWAYS_INVALID} gets {@code
 *       {"unexpected": true}} on every turn.
 * </ol>
 *
 * <p>Audio parts are "heard" by {@link AudioTranscript}'s rule: the text after a {@code
 * TRANSCRIPT:} marker in the audio's bytes (a test writes it into a WAV chunk), else the name of
 * the file a URI names ({@code .../hello_world.wav} is "hello world"), else the word {@code audio}
 * (inline audio has no name). In the last user message each audio part reads as {@code [audio:
 * <heard text>]} on its own line after the text before it, so "Repeat what is said" with audio
 * holding {@code TRANSCRIPT: hello world} is answered {@code "Echo: Repeat what is said\n[audio:
 * hello world]"}. Audio counts as input tokens by the provider's rate (see {@link
 * dev.beamllm.prompt.TokenCounter#audioTokens}).
 *
 * <p>The dialects add the providers' built-in tools on top of these rules: see {@link
 * BuiltinToolCalls} for web search and the code interpreter, and {@link RemoteMcpCalls}.
 *
 * <p>Output longer than the request's limit is cut to the limit with finish reason {@code length}.
 * Tokens are counted with o200k_base, like the client; a tool-call turn's output tokens are those
 * of each call's name and arguments JSON (plus the reasoning, when asked for).
 */
final class FakeAnswerer {
  private static final Encoding O200K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  private static final Pattern TOKENS_DIRECTIVE = Pattern.compile("#tokens=(\\d{1,7})");
  private static final Pattern PROB_DIRECTIVE = Pattern.compile("\\bPROB=(0\\.\\d*[1-9]\\d*)");
  private static final Pattern TRANSLATE_RULE =
      Pattern.compile("\\bTranslate\\b.*\\(ISO 639-1 code: ([a-z]{2})\\)", Pattern.DOTALL);
  private static final Pattern ROUNDS_DIRECTIVE = Pattern.compile("\\[rounds=([1-9]\\d{0,5})]");
  private static final String[] FILLER = {
    "alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "maple"
  };

  private FakeAnswerer() {}

  /**
   * The answer to a request: its script's turn when a script matches (see {@link
   * ConversationScripts}), else by the rules above.
   *
   * @param scripts the server's scripted conversations, or null for none
   */
  static Answer answer(
      ParsedRequest request,
      long cacheReadTokens,
      long cacheWriteTokens,
      ConversationScripts scripts) {
    return answer(request, cacheReadTokens, cacheWriteTokens, 0, scripts);
  }

  /**
   * The same, with the part of the cache write that has the one-hour lifetime.
   *
   * @param scripts the server's scripted conversations, or null for none
   */
  static Answer answer(
      ParsedRequest request,
      long cacheReadTokens,
      long cacheWriteTokens,
      long cacheWrite1hTokens,
      ConversationScripts scripts) {
    List<Message> messages = request.conversation().messages();
    Message last = messages.get(messages.size() - 1);
    String lastUser = lastUserText(messages);
    String thinking =
        request.thinking() ? "Considering the request: " + abbreviate(lastUser, 80) : null;
    String signature =
        thinking == null
            ? null
            : Base64.getEncoder().encodeToString(Digests.sha256("sig:" + thinking));
    long input = Math.max(0, request.inputTokens() - cacheReadTokens - cacheWriteTokens);
    Usage usage =
        new Usage(
            thinking, signature, input, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens);

    String firstUser = firstUserText(messages);
    ConversationScripts.Script script = scripts == null ? null : scripts.find(firstUser);
    if (script != null) {
      return scripted(request, script, usage);
    }
    FakeComputer.Offer offer = FakeComputer.offer(request);
    FakeComputer.Session session = offer == null ? null : FakeComputer.session(firstUser);
    if (session != null) {
      return computer(request, session, offer, usage);
    }
    if (last.role() == Role.TOOL) {
      String results = "Tool results: " + String.join("; ", lastResults(messages));
      Matcher rounds = ROUNDS_DIRECTIVE.matcher(firstUser);
      if (!rounds.find()) {
        return text(request, results, usage);
      }
      int done = toolRounds(messages);
      if (done < Integer.parseInt(rounds.group(1))) {
        List<Answer.ToolCallOut> calls = toolCalls(request, lastUser);
        if (!calls.isEmpty()) {
          return calls(calls, usage);
        }
      }
      return text(request, "Rounds: " + done + ". " + results, usage);
    }
    List<Answer.ToolCallOut> calls = toolCalls(request, lastUser);
    if (calls.isEmpty()) {
      calls = forcedCall(request, firstUser, lastUser, messages);
    }
    if (!calls.isEmpty()) {
      return calls(calls, usage);
    }
    if (request.format() == ParsedRequest.OutputFormat.TEXT) {
      Matcher translate = TRANSLATE_RULE.matcher(request.conversation().systemPrompt().orElse(""));
      if (translate.find()) {
        return text(request, "[" + translate.group(1) + "] " + lastUser, usage);
      }
      Matcher prob = PROB_DIRECTIVE.matcher(lastUser);
      if (prob.find()) {
        double p = Double.parseDouble(prob.group(1));
        return text(request, p >= 0.5 ? "Yes" : "No", usage, p);
      }
    }
    String text;
    Matcher directive = TOKENS_DIRECTIVE.matcher(lastUser);
    if (directive.find()) {
      text = filler(Integer.parseInt(directive.group(1)));
    } else {
      text = invalidJson(request, firstUser, messages);
      if (text == null) {
        text =
            switch (request.format()) {
              case TEXT -> "Echo: " + lastUser;
              case JSON_OBJECT -> Json.write(Json.object().put("echo", lastUser));
              case JSON_SCHEMA ->
                  Json.write(instance(Json.parse(request.schemaJson()), lastUser, 0));
            };
      }
    }
    return text(request, text, usage);
  }

  /** The directive for malformed JSON on the first turn and valid JSON after; see the rules. */
  static final String INVALID_JSON = "INVALID_JSON";

  /** The directive for JSON that never satisfies the schema; see the rules. */
  static final String ALWAYS_INVALID = "ALWAYS_INVALID";

  /**
   * The deliberately invalid answers a JSON request gets by rule, or null when no rule applies:
   * with {@code INVALID_JSON} in the first user message, the first answer (no assistant turn yet)
   * is the schema's instance cut off in the middle (not JSON at all) and every later one the
   * instance made from the first user message (the answer a valid first turn would have had); with
   * {@code ALWAYS_INVALID}, every answer is {@code {"unexpected": true}}, which fails any schema
   * that requires a property or forbids others.
   */
  private static String invalidJson(
      ParsedRequest request, String firstUser, List<Message> messages) {
    if (request.format() == ParsedRequest.OutputFormat.TEXT) {
      return null;
    }
    if (firstUser.contains(ALWAYS_INVALID)) {
      return Json.write(Json.object().put("unexpected", true));
    }
    if (!firstUser.contains(INVALID_JSON)) {
      return null;
    }
    String valid =
        request.format() == ParsedRequest.OutputFormat.JSON_SCHEMA
            ? Json.write(instance(Json.parse(request.schemaJson()), firstUser, 0))
            : Json.write(Json.object().put("echo", firstUser));
    boolean firstTurn = messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT);
    return firstTurn ? valid.substring(0, Math.max(1, valid.length() / 2)) : valid;
  }

  /**
   * What every answer to one request shares: its reasoning and the prompt's token counts.
   *
   * @param thinking visible reasoning, or null
   * @param signature its signature, or null
   * @param input input tokens, excluding prompt-cache reads and writes
   * @param cacheRead prompt tokens read from the cache
   * @param cacheWrite prompt tokens written to the cache
   * @param cacheWrite1h the part of the write with the one-hour lifetime
   */
  private record Usage(
      String thinking,
      String signature,
      long input,
      long cacheRead,
      long cacheWrite,
      long cacheWrite1h) {}

  /**
   * Turn k of a script, k being the number of assistant messages already in the conversation; a
   * clear text once the script has no turn k.
   */
  private static Answer scripted(
      ParsedRequest request, ConversationScripts.Script script, Usage usage) {
    List<Message> messages = request.conversation().messages();
    int k = (int) messages.stream().filter(m -> m.role() == Role.ASSISTANT).count();
    List<ScriptedTurn> turns = script.turns();
    if (k >= turns.size()) {
      return text(
          request,
          "Script exhausted: the script for \""
              + script.match()
              + "\" ends after turn "
              + turns.size()
              + "; this is assistant turn "
              + (k + 1),
          usage);
    }
    ScriptedTurn turn = turns.get(k);
    if (turn.isText()) {
      return text(request, turn.text(), usage);
    }
    String seed = request.conversation().fingerprint();
    List<Answer.ToolCallOut> calls = new ArrayList<>();
    for (ScriptedTurn.Call c : turn.toolCalls()) {
      calls.add(new Answer.ToolCallOut(callId(seed, calls.size()), c.name(), c.argumentsJson()));
    }
    return calls(calls, usage);
  }

  /**
   * The next action of a computer session, one per turn, as a call of the computer tool; the
   * session's summary once every action has had its turn.
   */
  private static Answer computer(
      ParsedRequest request, FakeComputer.Session session, FakeComputer.Offer offer, Usage usage) {
    List<Message> messages = request.conversation().messages();
    int k = FakeComputer.done(messages);
    if (k >= session.actions().size()) {
      return text(request, FakeComputer.summary(session, messages), usage);
    }
    FakeComputer.Action action = session.actions().get(k);
    com.fasterxml.jackson.databind.node.ObjectNode gemini = FakeComputer.geminiCall(session, k);
    if (gemini == null && offer.kind().equals("gemini")) {
      return text(request, "Gemini's computer use has no '" + action.kind() + "' action", usage);
    }
    String seed = request.conversation().fingerprint();
    return calls(
        List.of(
            new Answer.ToolCallOut(
                callId(seed, 0),
                "computer",
                FakeComputer.anthropicInput(action),
                new Answer.ComputerOut(FakeComputer.openAiAction(action), gemini))),
        usage);
  }

  private static Answer calls(List<Answer.ToolCallOut> calls, Usage usage) {
    long out =
        calls.stream().mapToLong(c -> count(c.name()) + count(c.argumentsJson())).sum()
            + (usage.thinking() == null ? 0 : count(usage.thinking()));
    return new Answer(
        "",
        calls,
        usage.thinking(),
        usage.signature(),
        Answer.Finish.TOOL_CALLS,
        usage.input(),
        out,
        usage.cacheRead(),
        usage.cacheWrite(),
        usage.cacheWrite1h(),
        List.of(),
        Double.NaN);
  }

  /**
   * The texts of the results that end the conversation: every tool message after the last assistant
   * turn (OpenAI and Mistral send one message per result), in order.
   */
  private static List<String> lastResults(List<Message> messages) {
    int from = messages.size();
    while (from > 0 && messages.get(from - 1).role() == Role.TOOL) {
      from--;
    }
    List<String> results = new ArrayList<>();
    for (Message m : messages.subList(from, messages.size())) {
      for (ToolResult r : m.partsOf(ToolResult.class)) {
        results.add(r.text());
      }
    }
    return results;
  }

  /** The assistant turns that called tools. */
  private static int toolRounds(List<Message> messages) {
    int rounds = 0;
    for (Message m : messages) {
      if (m.role() == Role.ASSISTANT && !m.partsOf(ToolCall.class).isEmpty()) {
        rounds++;
      }
    }
    return rounds;
  }

  private static Answer text(ParsedRequest request, String fullText, Usage usage) {
    return text(request, fullText, usage, Double.NaN);
  }

  /**
   * A text answer; {@code yesProbability} (NaN for none) shapes the first token's log-probabilities
   * of a yes/no answer by the {@code PROB=p} rule.
   */
  private static Answer text(
      ParsedRequest request, String fullText, Usage usage, double yesProbability) {
    String thinking = usage.thinking();
    IntArrayList ids = O200K.encodeOrdinary(fullText);
    Answer.Finish finish = Answer.Finish.STOP;
    String text = fullText;
    if (ids.size() > request.maxTokens()) {
      IntArrayList cut = new IntArrayList(request.maxTokens());
      for (int i = 0; i < request.maxTokens(); i++) {
        cut.add(ids.get(i));
      }
      ids = cut;
      text = O200K.decode(cut);
      finish = Answer.Finish.LENGTH;
    }
    List<String> tokens = List.of();
    if (request.logprobs()) {
      tokens = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        IntArrayList one = new IntArrayList(1);
        one.add(ids.get(i));
        tokens.add(O200K.decode(one));
      }
    }
    long out = ids.size() + (thinking == null ? 0 : count(thinking));
    return new Answer(
        text,
        List.of(),
        thinking,
        usage.signature(),
        finish,
        usage.input(),
        out,
        usage.cacheRead(),
        usage.cacheWrite(),
        usage.cacheWrite1h(),
        tokens,
        yesProbability);
  }

  private static List<Answer.ToolCallOut> toolCalls(ParsedRequest request, String lastUser) {
    List<Answer.ToolCallOut> calls = new ArrayList<>();
    if (request.tools().isEmpty()) {
      return calls;
    }
    String lower = lastUser.toLowerCase(Locale.ROOT);
    List<int[]> found = new ArrayList<>();
    for (int t = 0; t < request.tools().size(); t++) {
      Matcher m =
          Pattern.compile(
                  "\\b"
                      + Pattern.quote(request.tools().get(t).name().toLowerCase(Locale.ROOT))
                      + "\\b")
              .matcher(lower);
      if (m.find()) {
        found.add(new int[] {m.start(), t});
      }
    }
    found.sort((a, b) -> Integer.compare(a[0], b[0]));
    String seed = request.conversation().fingerprint();
    for (int[] f : found) {
      ParsedRequest.ToolDef tool = request.tools().get(f[1]);
      JsonNode args = explicitArguments(lastUser, tool.name());
      if (args == null) {
        JsonNode schema =
            tool.parametersJson() == null ? Json.object() : Json.parse(tool.parametersJson());
        args = instance(schema, abbreviate(lastUser, 40), 0);
      }
      calls.add(
          new Answer.ToolCallOut(
              callId(seed, calls.size()),
              tool.name(),
              Json.write(args.isObject() ? args : Json.object())));
    }
    return calls;
  }

  /**
   * The call a request that forces a tool gets when its text names none: the forced tool (the first
   * offered for "any tool") with the arguments a JSON-schema answer of its schema would be, under
   * the same rules for deliberately invalid output (an older Claude model's structured output comes
   * back this way). Arguments are always an object, so {@code INVALID_JSON}'s first turn gets
   * {@code {}} (missing every required property) rather than text cut short.
   */
  private static List<Answer.ToolCallOut> forcedCall(
      ParsedRequest request, String firstUser, String lastUser, List<Message> messages) {
    String forced = request.forcedTool();
    if (forced == null || request.tools().isEmpty()) {
      return List.of();
    }
    ParsedRequest.ToolDef tool =
        request.tools().stream()
            .filter(t -> forced.equals(ParsedRequest.ANY_TOOL) || t.name().equals(forced))
            .findFirst()
            .orElse(null);
    if (tool == null) {
      return List.of();
    }
    JsonNode schema =
        tool.parametersJson() == null ? Json.object() : Json.parse(tool.parametersJson());
    boolean firstTurn = messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT);
    JsonNode args;
    if (firstUser.contains(ALWAYS_INVALID)) {
      args = Json.object().put("unexpected", true);
    } else if (firstUser.contains(INVALID_JSON)) {
      args = firstTurn ? Json.object() : instance(schema, firstUser, 0);
    } else {
      args = instance(schema, lastUser, 0);
    }
    return List.of(
        new Answer.ToolCallOut(
            callId(request.conversation().fingerprint(), 0),
            tool.name(),
            Json.write(args.isObject() ? args : Json.object())));
  }

  /**
   * A call id, from the conversation's fingerprint and the call's place in the turn: the same for
   * the same request, different for each turn of a conversation (whose fingerprint grows).
   */
  private static String callId(String seed, int index) {
    return "call_" + HexFormat.of().formatHex(Digests.sha256(seed + "/" + index)).substring(0, 16);
  }

  /**
   * The JSON object that follows {@code call <tool> with} in the text (the tool's name matched
   * case-insensitively), or null when there is none or it is not a JSON object.
   */
  static JsonNode explicitArguments(String text, String tool) {
    Matcher m =
        Pattern.compile(
                "\\bcall\\s+" + Pattern.quote(tool) + "\\s+with\\s*(?=\\{)",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
            .matcher(text);
    if (!m.find()) {
      return null;
    }
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text.substring(m.end()))) {
      JsonNode node = Json.MAPPER.readTree(parser);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A JSON value that satisfies a schema: objects with every required property (all properties when
   * none are listed), the {@code enum} value the text names ({@link #enumValue}), {@code const},
   * strings with the given text (within min/max length), numbers within bounds, one-item arrays,
   * the first {@code anyOf}/{@code oneOf} branch.
   */
  static JsonNode instance(JsonNode schema, String text, int depth) {
    if (depth > 16 || schema == null || !schema.isObject()) {
      return Json.MAPPER.getNodeFactory().textNode(text);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.has("enum") && schema.get("enum").size() > 0) {
      return enumValue(schema.get("enum"), text);
    }
    for (String union : new String[] {"anyOf", "oneOf", "allOf"}) {
      if (schema.has(union) && schema.get(union).size() > 0) {
        return instance(schema.get(union).get(0), text, depth + 1);
      }
    }
    JsonNode typeNode = schema.get("type");
    String type =
        typeNode == null
            ? (schema.has("properties") ? "object" : "string")
            : typeNode.isArray() ? firstNonNull(typeNode) : typeNode.asText();
    switch (type) {
      case "object":
        {
          ObjectNode out = Json.object();
          JsonNode props = schema.path("properties");
          JsonNode required = schema.get("required");
          List<String> names = new ArrayList<>();
          if (required != null && required.isArray()) {
            required.forEach(r -> names.add(r.asText()));
          } else {
            props.fieldNames().forEachRemaining(names::add);
          }
          for (String name : names) {
            out.set(name, instance(props.get(name), text, depth + 1));
          }
          return out;
        }
      case "array":
        {
          ArrayNode out = Json.MAPPER.createArrayNode();
          int min = schema.path("minItems").asInt(1);
          int items =
              Math.max(
                  min, schema.has("maxItems") ? Math.min(1, schema.get("maxItems").asInt()) : 1);
          for (int i = 0; i < items; i++) {
            out.add(instance(schema.get("items"), text, depth + 1));
          }
          return out;
        }
      case "integer":
        {
          long v = schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble()) : 1;
          return Json.MAPPER.getNodeFactory().numberNode(v);
        }
      case "number":
        {
          double v = schema.has("minimum") ? schema.get("minimum").asDouble() : 1.5;
          return Json.MAPPER.getNodeFactory().numberNode(v);
        }
      case "boolean":
        return Json.MAPPER.getNodeFactory().booleanNode(true);
      case "null":
        return Json.MAPPER.getNodeFactory().nullNode();
      default:
        {
          String s = text.isEmpty() ? "x" : text;
          int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
          int min = schema.path("minLength").asInt(0);
          if (s.length() > max) {
            s = s.substring(0, max);
          }
          StringBuilder sb = new StringBuilder(s);
          while (sb.length() < min) {
            sb.append('x');
          }
          return Json.MAPPER.getNodeFactory().textNode(sb.toString());
        }
    }
  }

  /**
   * The enum value the text names: of the string values that occur in it as whole words
   * (case-insensitive), the one that occurs first (the longest when several start there); the first
   * value when none does.
   */
  static JsonNode enumValue(JsonNode values, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    JsonNode best = null;
    int bestAt = Integer.MAX_VALUE;
    for (JsonNode v : values) {
      if (!v.isTextual() || v.asText().isEmpty()) {
        continue;
      }
      Matcher m =
          Pattern.compile(
                  "(?<![\\p{L}\\p{N}_])"
                      + Pattern.quote(v.asText().toLowerCase(Locale.ROOT))
                      + "(?![\\p{L}\\p{N}_])")
              .matcher(lower);
      if (m.find()
          && (m.start() < bestAt
              || (m.start() == bestAt && v.asText().length() > best.asText().length()))) {
        best = v;
        bestAt = m.start();
      }
    }
    return best != null ? best : values.get(0);
  }

  private static String firstNonNull(JsonNode types) {
    for (JsonNode t : types) {
      if (!"null".equals(t.asText())) {
        return t.asText();
      }
    }
    return "null";
  }

  /** The text of the conversation's first user message, or "" when it has none. */
  static String firstUserText(List<Message> messages) {
    for (Message m : messages) {
      if (m.role() == Role.USER) {
        return m.text();
      }
    }
    return "";
  }

  static String lastUserText(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return heard(messages.get(i));
      }
    }
    return "";
  }

  /**
   * A user message as the fake reads it: its text parts, and each audio part as {@code [audio:
   * <transcript>]}, one per line in order; a message without audio reads as its text.
   */
  private static String heard(Message m) {
    if (m.partsOf(Audio.class).isEmpty()) {
      return m.text();
    }
    List<String> lines = new ArrayList<>();
    for (Part part : m.parts()) {
      if (part instanceof Text t) {
        lines.add(t.text());
      } else if (part instanceof Audio audio) {
        String name = audio.location().orElse("audio");
        byte[] bytes = audio.bytes().orElse(new byte[0]);
        lines.add("[audio: " + AudioTranscript.of(name, bytes).text() + "]");
      }
    }
    return String.join("\n", lines);
  }

  static int count(String text) {
    return text.isEmpty() ? 0 : O200K.countTokensOrdinary(text);
  }

  /** Exactly {@code n} tokens of filler: each " word" below is one o200k token. */
  private static String filler(int n) {
    StringBuilder sb = new StringBuilder();
    long state = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      sb.append(' ').append(FILLER[(int) ((state >>> 33) % FILLER.length)]);
    }
    return sb.toString();
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
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
 *   <li>When the conversation ends with tool results, the answer is text: {@code "Tool results:
 *       <result texts joined by '; '>"}. Agent loops therefore end after one round of tools.
 *   <li>Else, when tools are offered and the last user text names one or more of them (as whole
 *       words, case-insensitive), the answer calls each named tool once, in the order named, with
 *       arguments built from the tool's schema (see {@link #instance}).
 *   <li>Else the text is {@code "Echo: <last user text>"}; a JSON-object request gets {@code
 *       {"echo": "<last user text>"}}, and a JSON-schema request an instance of the schema. A user
 *       text containing {@code #tokens=N} gets exactly N tokens of seeded filler words instead.
 * </ol>
 *
 * Output longer than the request's limit is cut to the limit with finish reason {@code length}.
 * Tokens are counted with o200k_base, like the client.
 */
final class FakeAnswerer {
  private static final Encoding O200K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  private static final Pattern TOKENS_DIRECTIVE = Pattern.compile("#tokens=(\\d{1,7})");
  private static final String[] FILLER = {
    "alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "maple"
  };

  private FakeAnswerer() {}

  static Answer answer(ParsedRequest request, long cacheReadTokens, long cacheWriteTokens) {
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

    if (last.role() == Role.TOOL) {
      List<String> results = new ArrayList<>();
      for (ToolResult r : last.partsOf(ToolResult.class)) {
        results.add(r.text());
      }
      return text(
          request,
          "Tool results: " + String.join("; ", results),
          thinking,
          signature,
          input,
          cacheReadTokens,
          cacheWriteTokens);
    }
    List<Answer.ToolCallOut> calls = toolCalls(request, lastUser);
    if (!calls.isEmpty()) {
      long out =
          calls.stream().mapToLong(c -> count(c.name()) + count(c.argumentsJson())).sum()
              + (thinking == null ? 0 : count(thinking));
      return new Answer(
          "",
          calls,
          thinking,
          signature,
          Answer.Finish.TOOL_CALLS,
          input,
          out,
          cacheReadTokens,
          cacheWriteTokens,
          List.of());
    }
    String text;
    Matcher directive = TOKENS_DIRECTIVE.matcher(lastUser);
    if (directive.find()) {
      text = filler(Integer.parseInt(directive.group(1)));
    } else {
      text =
          switch (request.format()) {
            case TEXT -> "Echo: " + lastUser;
            case JSON_OBJECT -> Json.write(Json.object().put("echo", lastUser));
            case JSON_SCHEMA -> Json.write(instance(Json.parse(request.schemaJson()), lastUser, 0));
          };
    }
    return text(request, text, thinking, signature, input, cacheReadTokens, cacheWriteTokens);
  }

  private static Answer text(
      ParsedRequest request,
      String fullText,
      String thinking,
      String signature,
      long input,
      long cacheRead,
      long cacheWrite) {
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
        text, List.of(), thinking, signature, finish, input, out, cacheRead, cacheWrite, tokens);
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
      String id =
          "call_"
              + HexFormat.of()
                  .formatHex(Digests.sha256(seed + "/" + calls.size()))
                  .substring(0, 16);
      JsonNode schema =
          tool.parametersJson() == null ? Json.object() : Json.parse(tool.parametersJson());
      JsonNode args = instance(schema, abbreviate(lastUser, 40), 0);
      calls.add(
          new Answer.ToolCallOut(
              id, tool.name(), Json.write(args.isObject() ? args : Json.object())));
    }
    return calls;
  }

  /**
   * A JSON value that satisfies a schema: objects with every required property (all properties when
   * none are listed), the first {@code enum} value, {@code const}, strings with the given text
   * (within min/max length), numbers within bounds, one-item arrays, the first {@code anyOf}/{@code
   * oneOf} branch.
   */
  static JsonNode instance(JsonNode schema, String text, int depth) {
    if (depth > 16 || schema == null || !schema.isObject()) {
      return Json.MAPPER.getNodeFactory().textNode(text);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.has("enum") && schema.get("enum").size() > 0) {
      return schema.get("enum").get(0);
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

  private static String firstNonNull(JsonNode types) {
    for (JsonNode t : types) {
      if (!"null".equals(t.asText())) {
        return t.asText();
      }
    }
    return "null";
  }

  static String lastUserText(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return messages.get(i).text();
      }
    }
    return "";
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

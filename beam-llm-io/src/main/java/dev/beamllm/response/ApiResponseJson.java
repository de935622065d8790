package dev.beamllm.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.beamllm.prompt.ConversationJson;
import dev.beamllm.prompt.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The project's own JSON form of an {@link ApiResponse}, version {@value #VERSION}, used by the
 * Beam coder and the SQLite cache:
 *
 * <pre>{@code
 * {"v": 1, "model": "gpt-4.1-mini", "provider": "openai",
 *  "message": {"role": "assistant", "content": [{"type": "text", "text": "Hi"}, ...]},
 *  "finish_reason": "stop",
 *  "usage": {"input_tokens": 12, "output_tokens": 3, "cache_read_tokens": 0, "cache_write_tokens": 0},
 *  "cost": 1.5E-5, "service_tier": "default", "latency_nanos": 420000000, "attempts": 1,
 *  "logprobs": [{"token": "Hi", "logprob": -0.01, "top": [{"token": "Hello", "logprob": -4.2}]}],
 *  "raw_body": "...", "conversation_id": "row-7",
 *  "error": {"kind": "rate_limit", "message": "...", "status": 429, "retry_after_millis": 2000},
 *  "cache_hit": false, "warnings": ["extended thinking was turned off ..."]}
 * }</pre>
 *
 * The message uses {@link ConversationJson}'s part forms with every image and file embedded. {@code
 * finish_reason}, {@code service_tier}, {@code raw_body}, {@code conversation_id} and {@code error}
 * are left out when absent, {@code warnings} when empty (so responses written before it read the
 * same), and {@code error.message} when null; every other field is always written. Numbers that
 * JSON cannot hold ({@code NaN}, infinities) are written as the strings Java names them by. Reading
 * gives back an equal response.
 */
public final class ApiResponseJson {
  /** The version written in the {@code v} field. */
  public static final int VERSION = 1;

  // Escaping surrogates keeps a lone one (which a provider's "\ud83d" escape can produce) intact
  // when the text is later stored as UTF-8, where it would otherwise become '?'.

  private ApiResponseJson() {}

  /** Writes a response as JSON text. */
  public static String toJson(ApiResponse response) {
    return Json.writeEscapingSurrogates(toTree(response));
  }

  /**
   * Reads a response written by {@link #toJson}.
   *
   * @throws IllegalArgumentException if the text is not this form or of another version
   */
  public static ApiResponse fromJson(String json) {
    JsonNode root = Json.parse(json);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a response must be a JSON object");
    }
    int version = int32(root, "v");
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "response JSON version "
              + version
              + " is not supported (this library reads "
              + VERSION
              + ")");
    }
    ApiResponse.Builder b =
        ApiResponse.builder()
            .setModel(text(root, "model"))
            .setProvider(text(root, "provider"))
            .setMessage(ConversationJson.restoreMessage(Json.write(required(root, "message"))))
            .setFinishReason(optionalText(root, "finish_reason"))
            .setUsage(readUsage(required(root, "usage")))
            .setCost(decimal(root, "cost"))
            .setServiceTier(optionalText(root, "service_tier"))
            .setLatency(Duration.ofNanos(integer(root, "latency_nanos")))
            .setAttempts(int32(root, "attempts"))
            .setLogprobs(readLogprobs(root))
            .setRawBody(optionalText(root, "raw_body"))
            .setConversationId(optionalText(root, "conversation_id"))
            .setConversationMetadataJson(
                root.hasNonNull("conversation_metadata")
                    ? Json.write(root.get("conversation_metadata"))
                    : null)
            .setCacheHit(bool(root, "cache_hit"))
            .setWarnings(readWarnings(root));
    JsonNode error = root.get("error");
    if (error != null && !error.isNull()) {
      b.setError(readError(error));
    }
    return b.build();
  }

  private static ObjectNode toTree(ApiResponse r) {
    ObjectNode root = Json.object();
    root.put("v", VERSION);
    root.put("model", r.model());
    root.put("provider", r.provider());
    // The message's JSON is written as it is, not parsed again into this tree.
    root.putRawValue(
        "message",
        new RawValue(ConversationJson.messageToJson(r.message(), ConversationJson.Mode.EMBEDDED)));
    r.finishReason().ifPresent(f -> root.put("finish_reason", f));
    ObjectNode usage = root.putObject("usage");
    usage.put("input_tokens", r.usage().inputTokens());
    usage.put("output_tokens", r.usage().outputTokens());
    usage.put("cache_read_tokens", r.usage().cacheReadTokens());
    usage.put("cache_write_tokens", r.usage().cacheWriteTokens());
    if (r.usage().audioInputTokens() > 0) {
      // Only when there were: the form of an answer without audio stays as it was.
      usage.put("audio_input_tokens", r.usage().audioInputTokens());
    }
    putDecimal(root, "cost", r.cost());
    r.serviceTier().ifPresent(t -> root.put("service_tier", t));
    root.put("latency_nanos", r.latency().toNanos());
    root.put("attempts", r.attempts());
    ArrayNode logprobs = root.putArray("logprobs");
    for (TokenLogprob t : r.logprobs()) {
      ObjectNode token = logprobs.addObject().put("token", t.token());
      putDecimal(token, "logprob", t.logprob());
      ArrayNode top = token.putArray("top");
      for (TokenLogprob.Alternative a : t.top()) {
        putDecimal(top.addObject().put("token", a.token()), "logprob", a.logprob());
      }
    }
    r.rawBody().ifPresent(b -> root.put("raw_body", b));
    r.conversationId().ifPresent(id -> root.put("conversation_id", id));
    r.conversationMetadataJson().ifPresent(m -> root.set("conversation_metadata", Json.parse(m)));
    r.error()
        .ifPresent(
            e -> {
              ObjectNode error =
                  root.putObject("error").put("kind", e.kind().name().toLowerCase(Locale.ROOT));
              if (e.message() != null) {
                error.put("message", e.message());
              }
              error.put("status", e.status()).put("retry_after_millis", e.retryAfterMillis());
            });
    root.put("cache_hit", r.cacheHit());
    if (!r.warnings().isEmpty()) {
      ArrayNode warnings = root.putArray("warnings");
      r.warnings().forEach(warnings::add);
    }
    return root;
  }

  private static List<String> readWarnings(JsonNode root) {
    JsonNode warnings = root.get("warnings");
    if (warnings == null || warnings.isNull()) {
      return List.of();
    }
    if (!warnings.isArray()) {
      throw new IllegalArgumentException("\"warnings\" must be an array");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode w : warnings) {
      if (!w.isTextual()) {
        throw new IllegalArgumentException("\"warnings\" must hold strings");
      }
      out.add(w.textValue());
    }
    return out;
  }

  private static Usage readUsage(JsonNode u) {
    return new Usage(
        integer(u, "input_tokens"),
        integer(u, "output_tokens"),
        integer(u, "cache_read_tokens"),
        integer(u, "cache_write_tokens"),
        u.path("audio_input_tokens").asLong(0));
  }

  private static List<TokenLogprob> readLogprobs(JsonNode root) {
    List<TokenLogprob> out = new ArrayList<>();
    for (JsonNode t : array(root, "logprobs")) {
      List<TokenLogprob.Alternative> top = new ArrayList<>();
      for (JsonNode a : array(t, "top")) {
        top.add(new TokenLogprob.Alternative(text(a, "token"), decimal(a, "logprob")));
      }
      out.add(new TokenLogprob(text(t, "token"), decimal(t, "logprob"), top));
    }
    return out;
  }

  private static ApiError readError(JsonNode e) {
    String kind = text(e, "kind");
    ErrorKind errorKind;
    try {
      errorKind = ErrorKind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("unknown error kind '" + kind + "'", ex);
    }
    return new ApiError(
        errorKind,
        optionalText(e, "message"),
        int32(e, "status"),
        integer(e, "retry_after_millis"));
  }

  /** Doubles JSON can hold as numbers; the others as "NaN", "Infinity" or "-Infinity". */
  private static void putDecimal(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.put(field, Double.toString(value));
    }
  }

  private static double decimal(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      switch (v.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("\"" + field + "\" must be a number");
  }

  private static long integer(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("\"" + field + "\" must be an integer");
    }
    return v.longValue();
  }

  private static int int32(JsonNode node, String field) {
    long v = integer(node, field);
    if (v != (int) v) {
      throw new IllegalArgumentException("\"" + field + "\" is out of range: " + v);
    }
    return (int) v;
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isArray()) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array");
    }
    return v;
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException("\"" + field + "\" must be true or false");
    }
    return v.booleanValue();
  }

  private static String text(JsonNode node, String field) {
    String v = optionalText(node, field);
    if (v == null) {
      throw new IllegalArgumentException("response JSON has no \"" + field + "\"");
    }
    return v;
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return v.textValue();
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("response JSON has no \"" + field + "\"");
    }
    return v;
  }
}

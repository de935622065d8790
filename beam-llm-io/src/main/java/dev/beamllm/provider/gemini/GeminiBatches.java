package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi.Limits;
import dev.beamllm.provider.BatchApi.Outcome;
import dev.beamllm.provider.BatchApi.Status;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.Errors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON of Gemini's batch mode with inline requests: a request as {@code {"request", "metadata":
 * {"key"}}}, the create body, the long-running Operation that {@code batchGenerateContent} answers
 * and polls return, and the inline responses of the finished one, each turned back into the answer
 * {@code generateContent} would have given. Shapes: google-genai's {@code InlinedRequest}, {@code
 * InlinedResponse} and {@code BatchJob}; reference: ai.google.dev/api/batch-mode,
 * ai.google.dev/gemini-api/docs/batch-mode.
 */
final class GeminiBatches {
  private static final String API = "Gemini batch mode";

  /**
   * Inline requests must stay under 20 MB in total (ai.google.dev/gemini-api/docs/batch-mode,
   * "Inline requests"), counted here as decimal megabytes: the margin below 20 MiB holds the create
   * body's wrapper around the items. Google documents no count of requests for the Gemini API; the
   * one it documents for Gemini batches is Vertex AI's, 200,000 requests per batch prediction job
   * (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/batch-prediction-gemini, "Quotas and
   * limits"), which the 20 MB reach first for any prompt of more than 100 bytes.
   */
  static final Limits LIMITS = new Limits(200_000, 20_000_000L);

  /** Operation names go into URL paths: {@code batches/} and an id, nothing else. */
  private static final Pattern NAME = Pattern.compile("batches/[A-Za-z0-9_-]+");

  /** gRPC's {@code CANCELLED}: the request was not run as its batch was cancelled. */
  private static final int CANCELLED = 1;

  /** gRPC's {@code DEADLINE_EXCEEDED}: the batch expired before the request was run. */
  private static final int DEADLINE_EXCEEDED = 4;

  private GeminiBatches() {}

  /**
   * {@code {"request": body, "metadata": {"key": customId}}}: the key comes back in the response's
   * metadata, the body as text so a large one is not parsed again.
   */
  static String item(String customId, String body) {
    return "{\"request\":"
        + body
        + ",\"metadata\":{\"key\":"
        + Json.write(TextNode.valueOf(customId))
        + "}}";
  }

  /**
   * {@code {"batch": {"displayName", "inputConfig": {"requests": {"requests": [items]}}}}}, the
   * display name being required.
   */
  static String createBody(String displayName, List<String> items) {
    return "{\"batch\":{\"displayName\":"
        + Json.write(TextNode.valueOf(displayName))
        + ",\"inputConfig\":{\"requests\":{\"requests\":["
        + String.join(",", items)
        + "]}}}}";
  }

  /**
   * The Operation's name ({@code batches/...}), running until {@code done}. A done operation with
   * an {@code error} and no output failed as a whole; a cancelled one (code 1) has no failure of
   * its own: every request is then simply missing.
   */
  static Status status(HttpAnswer answer) {
    JsonNode op = Errors.body(API, answer);
    String name = op.path("name").asText("");
    if (!NAME.matcher(name).matches()) {
      throw Errors.unreadable(
          API, new IllegalStateException("the operation has no usable name: '" + name + "'"));
    }
    // Proto3 JSON leaves out a false "done".
    if (!op.path("done").asBoolean(false)) {
      return new Status(name, true, null, List.of());
    }
    JsonNode error = op.path("error");
    String failure = null;
    if (error.isObject() && output(op).isMissingNode() && error.path("code").asInt() != CANCELLED) {
      failure = error.path("message").asText("the batch failed (code " + error.path("code") + ")");
    }
    return new Status(name, false, failure, List.of());
  }

  /**
   * The inline responses of a done operation by their metadata's key: a {@code response} as a 200,
   * an {@code error} as the error answer {@code generateContent} gives for its code, except an
   * expired or cancelled request, which is unanswered. A response without a key cannot be matched
   * to its request and is left out (so the request reads as not answered).
   */
  static Map<String, Outcome> results(HttpAnswer ended) {
    JsonNode op = Errors.body(API, ended);
    Map<String, Outcome> out = new LinkedHashMap<>();
    for (JsonNode item : output(op).path("inlinedResponses").path("inlinedResponses")) {
      String key = item.path("metadata").path("key").asText(null);
      if (key == null) {
        continue;
      }
      if (item.path("response").isObject()) {
        out.put(
            key,
            new Outcome(new HttpAnswer(200, Map.of(), Json.write(item.get("response"))), null));
        continue;
      }
      JsonNode error = item.path("error");
      int code = error.path("code").asInt(2);
      if (code == DEADLINE_EXCEEDED) {
        out.put(key, new Outcome(null, "expired"));
      } else if (code == CANCELLED) {
        out.put(key, new Outcome(null, "canceled"));
      } else {
        out.put(key, new Outcome(errorAnswer(code, error.path("message").asText("")), null));
      }
    }
    return out;
  }

  /**
   * The batch's output: the operation's {@code response} (a {@code GenerateContentBatchOutput}),
   * else the batch's own {@code output} in its metadata, where google-genai reads it.
   */
  private static JsonNode output(JsonNode op) {
    if (op.path("response").isObject()) {
      return op.get("response");
    }
    return op.path("metadata").path("output");
  }

  /**
   * The answer {@code generateContent} gives for a gRPC code: the HTTP status Google maps it to
   * (google/rpc/code.proto) and its body {@code {"error": {"code", "message", "status"}}}, so that
   * {@link GeminiErrors#classify} reads it as it would have.
   */
  private static HttpAnswer errorAnswer(int code, String message) {
    ObjectNode body = Json.object();
    body.putObject("error")
        .put("code", httpStatus(code))
        .put("message", message)
        .put("status", statusName(code));
    return new HttpAnswer(httpStatus(code), Map.of(), Json.write(body));
  }

  /** The HTTP status of a gRPC code, as google/rpc/code.proto maps them. */
  private static int httpStatus(int code) {
    return switch (code) {
      case 1 -> 499;
      case 3, 9, 11 -> 400;
      case 4 -> 504;
      case 5 -> 404;
      case 6, 10 -> 409;
      case 7 -> 403;
      case 8 -> 429;
      case 12 -> 501;
      case 14 -> 503;
      case 16 -> 401;
      default -> 500;
    };
  }

  /** The canonical name of a gRPC code, Google's {@code status} field. */
  private static String statusName(int code) {
    return switch (code) {
      case 1 -> "CANCELLED";
      case 3 -> "INVALID_ARGUMENT";
      case 4 -> "DEADLINE_EXCEEDED";
      case 5 -> "NOT_FOUND";
      case 6 -> "ALREADY_EXISTS";
      case 7 -> "PERMISSION_DENIED";
      case 8 -> "RESOURCE_EXHAUSTED";
      case 9 -> "FAILED_PRECONDITION";
      case 10 -> "ABORTED";
      case 11 -> "OUT_OF_RANGE";
      case 12 -> "UNIMPLEMENTED";
      case 13 -> "INTERNAL";
      case 14 -> "UNAVAILABLE";
      case 15 -> "DATA_LOSS";
      case 16 -> "UNAUTHENTICATED";
      default -> "UNKNOWN";
    };
  }
}

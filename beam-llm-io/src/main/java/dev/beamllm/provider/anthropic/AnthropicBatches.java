package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi.Limits;
import dev.beamllm.provider.BatchApi.Outcome;
import dev.beamllm.provider.BatchApi.Status;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.internal.BatchResultLines;
import dev.beamllm.provider.internal.Errors;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON of Anthropic's Message Batches: a request as {@code {"custom_id", "params"}}, the
 * MessageBatch's {@code processing_status} and {@code results_url}, and the JSONL results, each
 * turned back into the answer {@code POST /v1/messages} would have given. Shapes:
 * anthropic-sdk-python's {@code MessageBatch} and {@code MessageBatchIndividualResponse};
 * reference: docs.anthropic.com/en/api/creating-message-batches, /en/api/retrieving-message-batch
 * -results.
 */
final class AnthropicBatches {
  private static final String API = "Anthropic Message Batches";

  /**
   * 100,000 requests or 256 MB, whichever comes first (docs.anthropic.com/en/docs/build-with-claude
   * /batch-processing, "Batch limitations"). The bytes are counted as decimal megabytes: that is
   * below 256 MiB by more than the create body's wrapper around the items, whichever Anthropic
   * means.
   */
  static final Limits LIMITS = new Limits(100_000, 256_000_000L);

  /** Anthropic refuses a whole batch for one custom id outside this pattern. */
  private static final Pattern CUSTOM_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** Batch ids go into URL paths; anything else would be a broken answer. */
  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]+");

  private AnthropicBatches() {}

  /**
   * {@code {"custom_id": customId, "params": params}}, the params as text so a large body is not
   * parsed again.
   *
   * @throws IllegalArgumentException for a custom id Anthropic refuses (1 to 64 letters, digits,
   *     {@code _} or {@code -})
   */
  static String item(String customId, String params) {
    if (!CUSTOM_ID.matcher(customId).matches()) {
      throw new IllegalArgumentException(
          "Anthropic takes custom ids of 1 to 64 letters, digits, '_' or '-', not '"
              + customId
              + "'");
    }
    return "{\"custom_id\":"
        + Json.write(TextNode.valueOf(customId))
        + ",\"params\":"
        + params
        + "}";
  }

  /** {@code {"requests": [items]}}, joined as text for the same reason. */
  static String createBody(List<String> items) {
    return "{\"requests\":[" + String.join(",", items) + "]}";
  }

  /**
   * The MessageBatch's id, whether it is {@code in_progress} or {@code canceling} (running; {@code
   * ended} is not), and its {@code results_url} once ended.
   */
  static Status status(HttpAnswer answer) {
    JsonNode batch = Errors.body(API, answer);
    String id = batch.path("id").asText("");
    if (!BATCH_ID.matcher(id).matches()) {
      throw Errors.unreadable(
          API, new IllegalStateException("the batch has no usable id: '" + id + "'"));
    }
    String state = batch.path("processing_status").asText("");
    if (!state.equals("in_progress") && !state.equals("canceling") && !state.equals("ended")) {
      throw Errors.unreadable(
          API, new IllegalStateException("unknown processing_status '" + state + "'"));
    }
    String url = batch.path("results_url").asText(null);
    return new Status(id, !state.equals("ended"), null, url == null ? List.of() : List.of(url));
  }

  /**
   * Each line of the results ({@code {"custom_id", "result": {"type", ...}}}) by custom id: a
   * {@code succeeded} message as a 200, an {@code errored} one as the error answer {@code POST
   * /v1/messages} gives for its type, {@code expired} and {@code canceled} unanswered.
   */
  static Map<String, Outcome> results(List<HttpAnswer> fetched) {
    return BatchResultLines.byCustomId(API, fetched, item -> outcome(item.path("result")));
  }

  private static Outcome outcome(JsonNode result) {
    String type = result.path("type").asText("");
    return switch (type) {
      case "succeeded" ->
          new Outcome(new HttpAnswer(200, Map.of(), Json.write(result.path("message"))), null);
      case "errored" -> new Outcome(errorAnswer(result.path("error")), null);
      case "expired", "canceled" -> new Outcome(null, type);
      default ->
          throw Errors.unreadable(API, new IllegalStateException("unknown result type " + type));
    };
  }

  /**
   * The answer {@code POST /v1/messages} gives for this error: the status Anthropic documents for
   * its type and the body {@code {"type": "error", "error": {"type", "message"}}}, so that {@link
   * AnthropicErrors#of} classifies it as it would have. The result's {@code error} is that body
   * already; a bare {@code {"type", "message"}} is wrapped.
   */
  private static HttpAnswer errorAnswer(JsonNode error) {
    JsonNode inner = error.path("error").isObject() ? error.path("error") : error;
    ObjectNode body = Json.object().put("type", "error");
    body.set("error", inner);
    return new HttpAnswer(
        AnthropicErrors.statusOf(inner.path("type").asText("")), Map.of(), Json.write(body));
  }
}

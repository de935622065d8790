package dev.beamllm.beam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import java.util.Base64;
import java.util.Optional;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * How an extraction's row finds its way through the completion stages: the request as the user gave
 * it (and the attempts already spent on it) rides in its conversation's metadata, which every
 * answer and failure of {@link LlmIO#complete()} carries back, but which is neither sent to a
 * provider nor part of the cache key or of dedupe. So the repair turn can be built from the
 * original conversation, and failures name the original request, without a join that would wait for
 * a window to close.
 */
final class ExtractCarry {
  private ExtractCarry() {}

  /** The metadata key of the original request (the LlmRequestCoder's bytes, base64). */
  static final String REQUEST = "beamllm_extract_request";

  /** The metadata key of the attempts spent on earlier turns. */
  static final String ATTEMPTS = "beamllm_extract_attempts";

  /** What one row carries: the request as given and the attempts of its earlier turns. */
  record Row(LlmRequest original, int priorAttempts) {}

  /**
   * {@code sent} (the original's conversation, or its repair turn) as a request with the original's
   * settings, the output schema, and the original riding along.
   */
  static LlmRequest attach(LlmRequest original, Conversation sent, String schema, int attempts) {
    ObjectNode meta =
        sent.metadataJson().map(m -> (ObjectNode) Json.parse(m).deepCopy()).orElseGet(Json::object);
    meta.put(REQUEST, encode(original));
    meta.put(ATTEMPTS, attempts);
    return original
        .withConversation(sent.withMetadataJson(Json.canonical(meta)))
        .withOutputSchema(schema);
  }

  /** The row an answer belongs to. */
  static Row of(ApiResponse answer) {
    return fromMetadata(answer.conversationMetadataJson());
  }

  /** The row a failure of a completion stage belongs to. */
  static Row of(LlmFailure failure) {
    return fromMetadata(failure.input().metadataJson());
  }

  private static Row fromMetadata(Optional<String> metadata) {
    JsonNode meta = metadata.map(Json::parse).orElse(null);
    if (meta == null || !meta.hasNonNull(REQUEST)) {
      throw new IllegalStateException("an extraction's answer lost its request's metadata");
    }
    return new Row(decode(meta.get(REQUEST).asText()), meta.path(ATTEMPTS).asInt(0));
  }

  private static String encode(LlmRequest r) {
    try {
      return Base64.getEncoder()
          .encodeToString(CoderUtils.encodeToByteArray(LlmRequestCoder.of(), r));
    } catch (CoderException e) {
      throw new IllegalArgumentException("cannot encode the request " + r.id().orElse(""), e);
    }
  }

  private static LlmRequest decode(String base64) {
    try {
      return CoderUtils.decodeFromByteArray(
          LlmRequestCoder.of(), Base64.getDecoder().decode(base64));
    } catch (CoderException e) {
      throw new IllegalStateException("cannot decode an extraction's request", e);
    }
  }
}

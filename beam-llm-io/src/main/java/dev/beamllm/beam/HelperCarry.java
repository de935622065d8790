package dev.beamllm.beam;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import java.util.HashMap;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How a helper's text finds its way through {@link LlmIO#complete()}: the text as given (and, for a
 * translation, its detected language) rides in the conversation's metadata, which every answer
 * carries back but which is neither sent nor part of the cache key or of dedupe. So an answer
 * becomes its result without a join.
 */
final class HelperCarry {
  private HelperCarry() {}

  static final String TEXT = "beamllm_text";
  static final String LANGUAGE = "beamllm_source_language";

  /** {@code c} carrying {@code text} and, when known, its language. */
  static Conversation attach(Conversation c, String text, @Nullable String language) {
    Map<String, Object> meta = new HashMap<>();
    meta.put(TEXT, text);
    if (language != null) {
      meta.put(LANGUAGE, language);
    }
    return c.withMetadata(meta);
  }

  /** The text an answer is for. */
  static String text(ApiResponse answer) {
    return field(answer, TEXT);
  }

  /** The detected language of the text an answer is for, or null. */
  static @Nullable String language(ApiResponse answer) {
    return field(answer, LANGUAGE);
  }

  private static @Nullable String field(ApiResponse answer, String key) {
    String json =
        answer
            .conversationMetadataJson()
            .orElseThrow(() -> new IllegalStateException("a helper's answer lost its metadata"));
    var node = Json.parse(json).get(key);
    return node == null || node.isNull() ? null : node.asText();
  }
}

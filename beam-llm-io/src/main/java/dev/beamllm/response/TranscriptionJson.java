package dev.beamllm.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;

/**
 * The JSON form a transcript is cached in: {@code {"model", "text", "seconds", "text_tokens",
 * "audio_tokens", "output_tokens", "cost"}}. Errors are not cached, and the id is the asker's, not
 * the transcript's.
 */
public final class TranscriptionJson {
  private TranscriptionJson() {}

  /** The JSON of a transcription that has a transcript. */
  public static String toJson(Transcription t) {
    if (t.isError()) {
      throw new IllegalArgumentException("an error is not cached: " + t);
    }
    ObjectNode o = Json.object();
    o.put("model", t.model());
    o.put("text", t.text());
    o.put("seconds", t.seconds());
    o.put("text_tokens", t.textTokens());
    o.put("audio_tokens", t.audioTokens());
    o.put("output_tokens", t.outputTokens());
    o.put("cost", t.cost());
    return Json.write(o);
  }

  /**
   * A transcription read back, without id.
   *
   * @throws IllegalArgumentException when the text is not a transcription's JSON
   */
  public static Transcription fromJson(String json) {
    JsonNode o;
    try {
      o = Json.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a transcription's JSON: " + e.getMessage(), e);
    }
    if (!o.path("model").isTextual() || !o.path("text").isTextual()) {
      throw new IllegalArgumentException("not a transcription's JSON: model and text are needed");
    }
    return Transcription.of(
        null,
        o.get("model").asText(),
        o.get("text").asText(),
        o.path("seconds").asDouble(0),
        o.path("text_tokens").asLong(0),
        o.path("audio_tokens").asLong(0),
        o.path("output_tokens").asLong(0),
        o.path("cost").asDouble(0));
  }
}

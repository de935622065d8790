package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Set;

/**
 * Checks OpenAI chat's {@code input_audio} content parts as the API does, before the messages are
 * read: {@code {"type": "input_audio", "input_audio": {"data": <base64>, "format": "wav"|"mp3"}}}
 * (platform.openai.com/docs/api-reference/chat/create, {@code ChatCompletionContentPartInputAudio}
 * in the SDKs). A missing field is OpenAI's {@code missing_required_parameter} 400 naming the
 * field's path ({@code messages[0].content[1].input_audio.format}); another format is its {@code
 * invalid_value} 400 listing the two it takes.
 */
final class OpenAiInputAudio {
  static final Set<String> FORMATS = Set.of("wav", "mp3");

  private OpenAiInputAudio() {}

  /** Checks every {@code input_audio} part of a chat body's {@code messages}. */
  static void check(JsonNode messages) {
    for (int i = 0; i < messages.size(); i++) {
      JsonNode content = messages.get(i).path("content");
      if (!content.isArray()) {
        continue;
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        if ("input_audio".equals(part.path("type").asText())) {
          checkPart(part, "messages[" + i + "].content[" + j + "]");
        }
      }
    }
  }

  private static void checkPart(JsonNode part, String at) {
    JsonNode audio = part.get("input_audio");
    if (audio == null || audio.isNull()) {
      throw missing(at + ".input_audio");
    }
    if (!audio.isObject()) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Invalid type for '"
              + at
              + ".input_audio': expected an object, but got a string instead.",
          at + ".input_audio",
          "invalid_type");
    }
    JsonNode data = audio.get("data");
    if (data == null || data.isNull()) {
      throw missing(at + ".input_audio.data");
    }
    JsonNode format = audio.get("format");
    if (format == null || format.isNull()) {
      throw missing(at + ".input_audio.format");
    }
    if (!FORMATS.contains(format.asText())) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Invalid value: '" + format.asText() + "'. Supported values are: 'wav' and 'mp3'.",
          at + ".input_audio.format",
          "invalid_value");
    }
    try {
      Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw new ProviderError(
          ErrorKind.BAD_REQUEST,
          "Invalid value for '" + at + ".input_audio.data': the audio data is not valid base64.",
          at + ".input_audio.data",
          "invalid_value");
    }
  }

  private static ProviderError missing(String path) {
    return new ProviderError(
        ErrorKind.BAD_REQUEST,
        "Missing required parameter: '" + path + "'.",
        path,
        "missing_required_parameter");
  }
}

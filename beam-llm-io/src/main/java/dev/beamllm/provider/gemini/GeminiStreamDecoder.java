package dev.beamllm.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.Errors;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads {@code streamGenerateContent?alt=sse}: every {@code data:} event is a whole {@code
 * GenerateContentResponse} holding the next parts, and the last one has the finish reason and the
 * final usage. An {@code error} object in place of a chunk ends the answer with that error.
 */
final class GeminiStreamDecoder implements StreamDecoder {
  private final GeminiAnswer answer;

  /**
   * @param computerFunctions the predefined computer-use functions whose calls are the computer
   *     tool's
   */
  GeminiStreamDecoder(java.util.Set<String> computerFunctions) {
    this.answer = new GeminiAnswer(computerFunctions);
  }

  private ProviderException failure;

  @Override
  public void onEvent(String event, String data, Consumer<String> onText) {
    if (failure != null) {
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.parse(data);
    } catch (InvalidPromptException e) {
      failure = Errors.unreadable("Gemini streamGenerateContent", e);
      return;
    }
    JsonNode error = chunk.get("error");
    if (error != null) {
      failure =
          new ProviderException(
              GeminiErrors.classify(new HttpAnswer(error.path("code").asInt(500), Map.of(), data)));
      return;
    }
    String text = answer.add(chunk);
    if (!text.isEmpty()) {
      onText.accept(text);
    }
  }

  @Override
  public ParsedAnswer finish() {
    if (failure != null) {
      throw failure;
    }
    return answer.finish();
  }
}

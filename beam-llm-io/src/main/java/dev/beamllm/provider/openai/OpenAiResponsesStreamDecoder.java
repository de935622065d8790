package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.Errors;
import java.util.function.Consumer;

/**
 * A streamed Response: typed events, each naming its {@code type} in the data. Text arrives as
 * {@code response.output_text.delta}; the stream ends with {@code response.completed} (or {@code
 * response.incomplete}, {@code response.failed}) carrying the whole Response, which is the answer,
 * or with an {@code error} event. There is no {@code [DONE]} line. Reference:
 * platform.openai.com/docs/api-reference/responses-streaming.
 */
final class OpenAiResponsesStreamDecoder implements StreamDecoder {
  private ParsedAnswer answer;

  @Override
  public void onEvent(String event, String data, Consumer<String> onText) {
    JsonNode e;
    try {
      e = Json.parse(data);
    } catch (InvalidPromptException bad) {
      throw Errors.unreadable(ResponsesAnswers.API, bad);
    }
    switch (e.path("type").asText(event == null ? "" : event)) {
      case "response.output_text.delta" -> {
        String delta = e.path("delta").asText("");
        if (!delta.isEmpty()) {
          onText.accept(delta);
        }
      }
      // The final Response repeats everything the deltas said, so it alone makes the answer.
      case "response.completed", "response.incomplete", "response.failed" ->
          answer = ResponsesAnswers.read(e.path("response"));
      case "error" ->
          throw new ProviderException(
              ResponsesAnswers.failure(e.hasNonNull("error") ? e.get("error") : e));
      default -> {
        // Progress events (created, item added, argument deltas, ...) add nothing the final
        // Response lacks.
      }
    }
  }

  @Override
  public ParsedAnswer finish() {
    if (answer == null) {
      throw Errors.unreadable(
          ResponsesAnswers.API,
          new IllegalStateException("the stream ended before the response was complete"));
    }
    return answer;
  }
}

package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BatchApi.Outcome;
import dev.beamllm.provider.HttpAnswer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A batch's results as JSON lines, each naming its request by {@code custom_id} (OpenAI's output
 * and error files, Anthropic's results): the outcome of each line by custom id.
 */
public final class BatchResultLines {
  private BatchResultLines() {}

  /**
   * Reads every line of every body.
   *
   * @param api the API's name, for the error of a line that cannot be read
   * @param outcome what a line says of its request
   * @throws dev.beamllm.provider.ProviderException with {@code INVALID_RESPONSE} for a line that is
   *     not JSON or has no custom id
   */
  public static Map<String, Outcome> byCustomId(
      String api, List<HttpAnswer> bodies, Function<JsonNode, Outcome> outcome) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    for (HttpAnswer answer : bodies) {
      for (String line : answer.body().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode item;
        try {
          item = Json.parse(line);
        } catch (InvalidPromptException e) {
          throw Errors.unreadable(api, e);
        }
        String id = item.path("custom_id").asText(null);
        if (id == null) {
          throw Errors.unreadable(api, new IllegalStateException("a result has no custom_id"));
        }
        out.put(id, outcome.apply(item));
      }
    }
    return out;
  }
}

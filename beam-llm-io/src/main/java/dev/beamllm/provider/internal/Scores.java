package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.RerankApi;
import java.util.ArrayList;
import java.util.List;

/**
 * Rerank scores read out of providers' JSON answers: a list of {@code {"index", "relevance_score"}}
 * (Cohere's and Jina's {@code results}, Voyage's {@code data}), with the checks every rerank API
 * shares.
 */
public final class Scores {
  private Scores() {}

  /**
   * The scored documents, in the answer's order.
   *
   * @param documents how many documents the request had; an index outside them is refused
   * @throws ProviderException with {@code INVALID_RESPONSE} for a missing list or a bad item
   */
  public static List<RerankApi.Scored> of(String api, JsonNode items, int documents) {
    if (items == null || !items.isArray()) {
      throw Errors.unreadable(api, new IllegalStateException("no rerank results"));
    }
    List<RerankApi.Scored> out = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode index = item.get("index");
      JsonNode score = item.get("relevance_score");
      if (index == null
          || !index.canConvertToInt()
          || index.intValue() < 0
          || index.intValue() >= documents
          || score == null
          || !score.isNumber()) {
        throw Errors.unreadable(api, new IllegalStateException("bad result " + item));
      }
      out.add(new RerankApi.Scored(index.intValue(), score.doubleValue()));
    }
    return out;
  }
}

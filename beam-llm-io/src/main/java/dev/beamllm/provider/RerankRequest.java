package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link RerankApi} needs to build one rerank call.
 *
 * @param model the rerank model
 * @param query what the documents are scored against
 * @param documents the documents, as text
 * @param topN how many of the best documents to return, or null for all of them
 * @param credentials the key, never logged
 * @param extraHeaders headers added to the call, after the adapter's own, as for chat requests
 */
public record RerankRequest(
    ModelSpec model,
    String query,
    List<String> documents,
    Integer topN,
    Credentials credentials,
    Map<String, String> extraHeaders) {

  /** Copies the lists; refuses a request with no documents or a {@code topN} below one. */
  public RerankRequest {
    documents = List.copyOf(documents);
    extraHeaders = Map.copyOf(extraHeaders);
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("a rerank request needs at least one document");
    }
    if (topN != null && topN < 1) {
      throw new IllegalArgumentException("topN must be at least 1, got " + topN);
    }
  }
}

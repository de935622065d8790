package dev.beamllm.client;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A query and the documents to rank against it, with the id its ranking carries back.
 *
 * @param id the query's id, or null
 * @param query what the documents are scored against
 * @param documents the candidates, as text
 */
public record RerankQuery(String id, String query, List<String> documents) implements Serializable {
  /** Checks the parts; copies the documents. */
  public RerankQuery {
    Objects.requireNonNull(query, "query");
    documents = List.copyOf(Objects.requireNonNull(documents, "documents"));
  }
}

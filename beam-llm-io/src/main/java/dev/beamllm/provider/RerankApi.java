package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import java.util.List;

/**
 * A provider's rerank endpoint (Cohere v2, Voyage and Jina {@code /rerank}): documents scored for
 * relevance to a query. {@link Adapters#rerankApi} finds the one of a wire format; it builds its
 * calls as the format's chat adapter builds its own (same key and extra headers), and a non-2xx
 * answer is classified by that adapter's {@link ProviderAdapter#error error}.
 */
public interface RerankApi {

  /** Whether this API reranks with the model: a rerank model of the API's provider. */
  boolean reranks(ModelSpec model);

  /** The call that scores the request's documents. */
  HttpCall rerank(RerankRequest request);

  /**
   * The scores of a 2xx answer, best first as the provider orders them.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read or names a
   *     document the request did not have
   */
  Reranked parse(RerankRequest request, HttpAnswer answer);

  /**
   * A rerank call's result.
   *
   * @param results the scored documents, best first
   * @param searchUnits the searches the provider billed (Cohere: one per query and up to 100
   *     documents), which prices a search-billed model; 0 when the answer does not say
   * @param tokens the tokens the provider billed (Voyage, Jina: {@code usage.total_tokens}), which
   *     price a token-billed model; 0 when the answer does not say
   */
  record Reranked(List<Scored> results, long searchUnits, long tokens) {
    /** Copies the list. */
    public Reranked {
      results = List.copyOf(results);
    }

    /** A result billed by the search alone (Cohere). */
    public Reranked(List<Scored> results, long searchUnits) {
      this(results, searchUnits, 0);
    }

    /**
     * What the call cost in dollars: the tokens at the model's input price per million when it has
     * one (a token-billed model), else the search units at its price per 1,000 searches.
     */
    public double cost(ModelSpec model) {
      double perMillion = model.prices().input();
      return perMillion > 0
          ? tokens * perMillion / 1_000_000.0
          : searchUnits * model.searchPrice() / 1000.0;
    }
  }

  /**
   * One document's score.
   *
   * @param index the document's position in the request
   * @param score its relevance to the query, higher is more relevant (Cohere: 0 to 1)
   */
  record Scored(int index, double score) {}
}

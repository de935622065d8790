package dev.beamllm.response;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A query's documents ranked by a rerank model, best first, or the error that ended it.
 *
 * @param id the query's id, or null
 * @param model the model's id
 * @param results the documents kept, best first: each its index in the query's documents and its
 *     relevance score; empty for an error
 * @param searchUnits the search units billed
 * @param cost their cost in dollars (0 for a cache hit)
 * @param cacheHit whether it came from the cache without a request
 * @param error the error that ended it, or null
 */
public record Ranking(
    String id,
    String model,
    List<Scored> results,
    long searchUnits,
    double cost,
    boolean cacheHit,
    ApiError error)
    implements Serializable {

  /**
   * One ranked document.
   *
   * @param index its position in the query's documents
   * @param score its relevance score
   */
  public record Scored(int index, double score) implements Serializable {}

  /** Copies the results. */
  public Ranking {
    Objects.requireNonNull(model, "model");
    results = List.copyOf(results);
  }

  /** A query that got no ranking, and why. */
  public static Ranking failed(String id, String model, ApiError error) {
    return new Ranking(id, model, List.of(), 0, 0, false, Objects.requireNonNull(error, "error"));
  }

  /** The same ranking under another id, marked as served from the cache (and costing nothing). */
  public Ranking fromCache(String newId) {
    return new Ranking(newId, model, results, searchUnits, 0, true, error);
  }

  /** The error that ended it, if any. */
  public Optional<ApiError> errorIfAny() {
    return Optional.ofNullable(error);
  }

  /** True when it ended in an error. */
  public boolean isError() {
    return error != null;
  }
}

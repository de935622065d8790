package dev.beamllm.response;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One text's embedding, or the error that ended it: the id the text was given, the model, the
 * vector, the input tokens it accounts for (its share of its request's usage, by its estimated
 * tokens, when the provider reports one total) and their cost. Immutable: the vector is copied in
 * and out.
 */
public final class Embedding implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String model;
  private final float[] vector;
  private final long inputTokens;
  private final double cost;
  private final boolean cacheHit;
  private final ApiError error;

  private Embedding(
      String id,
      String model,
      float[] vector,
      long inputTokens,
      double cost,
      boolean cacheHit,
      ApiError error) {
    this.id = id;
    this.model = Objects.requireNonNull(model, "model");
    this.vector = vector;
    this.inputTokens = inputTokens;
    this.cost = cost;
    this.cacheHit = cacheHit;
    this.error = error;
  }

  /**
   * A text's vector.
   *
   * @param id the text's id, or null
   * @param inputTokens the input tokens it accounts for
   * @param cost their cost in dollars
   */
  public static Embedding of(
      String id, String model, float[] vector, long inputTokens, double cost) {
    if (vector == null || vector.length == 0) {
      throw new IllegalArgumentException("an embedding needs a vector");
    }
    return new Embedding(id, model, vector.clone(), inputTokens, cost, false, null);
  }

  /** A text that got no vector, and why. */
  public static Embedding failed(String id, String model, ApiError error) {
    return new Embedding(id, model, null, 0, 0, false, Objects.requireNonNull(error, "error"));
  }

  /** The same embedding under another id, marked as served from the cache (and costing nothing). */
  public Embedding fromCache(String newId) {
    return new Embedding(newId, model, vector, inputTokens, 0, true, error);
  }

  /** The same embedding under another id. */
  public Embedding withId(String newId) {
    return new Embedding(newId, model, vector, inputTokens, cost, cacheHit, error);
  }

  /** The text's id, if it had one. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The model's id. */
  public String model() {
    return model;
  }

  /** The vector (a copy); empty for an error. */
  public float[] vector() {
    return vector == null ? new float[0] : vector.clone();
  }

  /** The vector's length; 0 for an error. */
  public int dimensions() {
    return vector == null ? 0 : vector.length;
  }

  /** The input tokens this text accounts for. */
  public long inputTokens() {
    return inputTokens;
  }

  /** What they cost, in dollars (0 for a cache hit). */
  public double cost() {
    return cost;
  }

  /** Whether it came from the cache without a request. */
  public boolean cacheHit() {
    return cacheHit;
  }

  /** The error that ended it, if any. */
  public Optional<ApiError> error() {
    return Optional.ofNullable(error);
  }

  /** True when it ended in an error. */
  public boolean isError() {
    return error != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Embedding e
        && Objects.equals(id, e.id)
        && model.equals(e.model)
        && Arrays.equals(vector, e.vector)
        && inputTokens == e.inputTokens
        && Double.compare(cost, e.cost) == 0
        && cacheHit == e.cacheHit
        && Objects.equals(error, e.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, model, Arrays.hashCode(vector), inputTokens, cost, cacheHit, error);
  }

  @Override
  public String toString() {
    return "Embedding{id="
        + id
        + ", model="
        + model
        + (error != null ? ", error=" + error : ", dimensions=" + vector.length)
        + ", inputTokens="
        + inputTokens
        + "}";
  }
}

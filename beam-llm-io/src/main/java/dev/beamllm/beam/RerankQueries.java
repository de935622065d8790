package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.RerankQuery;
import dev.beamllm.client.RerankSettings;
import dev.beamllm.response.Ranking;

/**
 * {@code PTransform<PCollection<RerankQuery>, RerankResult>} ({@link LlmIO#rerank}): each query's
 * documents ranked by a rerank model through one client per JVM, under the limits, retries and
 * cache of completions. Immutable; each {@code withX} returns a new transform.
 */
@AutoValue
public abstract class RerankQueries
    extends ProviderTransform<RerankQuery, Ranking, RerankResult, RerankQueries> {
  private static final long serialVersionUID = 1L;

  private static final Feature<Ranking, RerankResult> FEATURE =
      new Feature<>("Rerank", "rankings", "Rerank", RankingCoder.of(), RerankResult::new);

  /** The model and top-n. */
  public abstract RerankSettings settings();

  static RerankQueries of(String model) {
    return new AutoValue_RerankQueries(ClientSpec.of(model), RerankSettings.of(model));
  }

  @Override
  RerankQueries withSpec(ClientSpec spec) {
    return new AutoValue_RerankQueries(spec, settings());
  }

  /** Keeps the best {@code n} documents of each query; see {@link RerankSettings#withTopN}. */
  public RerankQueries withTopN(int n) {
    return new AutoValue_RerankQueries(spec(), settings().withTopN(n));
  }

  @Override
  ServiceCallFn.Call<RerankQuery, Ranking> call() {
    RerankSettings s = settings();
    return new ServiceCallFn.Call<>(
        (client, queries) -> client.rerank(queries, s), 1, Ranking::isError, LlmMetrics::ranked);
  }

  @Override
  Feature<Ranking, RerankResult> feature() {
    return FEATURE;
  }

  @Override
  String model() {
    return settings().model();
  }
}

package dev.beamllm.provider.jina;

import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.internal.RetrievalOnlyAdapter;

/**
 * Jina AI ({@code https://api.jina.ai/v1}, bearer key): embeddings and rerank, no chat ({@link
 * RetrievalOnlyAdapter}). Errors are {@code {"detail"}} by status (api.jina.ai/openapi.json).
 */
public final class JinaAdapter extends RetrievalOnlyAdapter {
  private final EmbeddingApi embeddings = new JinaEmbeddings(this::call);
  private final RerankApi rerank = new JinaRerank(this::call);

  /** The adapter; {@link dev.beamllm.provider.Adapters} holds the one instance. */
  public JinaAdapter() {
    super("Jina AI");
  }

  /** Jina's {@code /embeddings}, called as this adapter. */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /** Jina's {@code /rerank}, called as this adapter. */
  public RerankApi rerankApi() {
    return rerank;
  }
}

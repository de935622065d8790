package dev.beamllm.provider.voyage;

import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.internal.RetrievalOnlyAdapter;

/**
 * Voyage AI ({@code https://api.voyageai.com/v1}, bearer key): embeddings and rerank, no chat
 * ({@link RetrievalOnlyAdapter}). Errors are {@code {"detail"}} by status, as the official Python
 * client reads them (voyageai {@code api_requestor.handle_error_response}).
 */
public final class VoyageAdapter extends RetrievalOnlyAdapter {
  private final EmbeddingApi embeddings = new VoyageEmbeddings(this::call);
  private final RerankApi rerank = new VoyageRerank(this::call);

  /** The adapter; {@link dev.beamllm.provider.Adapters} holds the one instance. */
  public VoyageAdapter() {
    super("Voyage AI");
  }

  /** Voyage's {@code /embeddings}, called as this adapter. */
  public EmbeddingApi embeddingApi() {
    return embeddings;
  }

  /** Voyage's {@code /rerank}, called as this adapter. */
  public RerankApi rerankApi() {
    return rerank;
  }
}

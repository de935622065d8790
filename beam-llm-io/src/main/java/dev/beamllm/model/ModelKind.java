package dev.beamllm.model;

import java.util.Locale;

/**
 * What a model does, which decides the endpoint it is called through: a chat model answers a
 * conversation, an embedding model turns texts into vectors, a rerank model scores documents
 * against a query, a transcription model turns audio into text. Registry entries say {@code
 * "kind"}; an entry without one is a chat model.
 */
public enum ModelKind {
  /** Answers conversations (chat completions, Messages, generateContent, Converse). */
  CHAT,
  /** Turns texts into vectors (the provider package's {@code EmbeddingApi}). */
  EMBEDDING,
  /** Scores documents against a query (its {@code RerankApi}). */
  RERANK,
  /** Turns audio into text (its {@code TranscriptionApi}). */
  TRANSCRIPTION;

  /**
   * The name used in the registry JSON: {@code chat}, {@code embedding}, {@code rerank} or {@code
   * transcription}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a registry name.
   *
   * @throws IllegalArgumentException for a name that is not a kind
   */
  public static ModelKind parse(String name) {
    for (ModelKind k : values()) {
      if (k.wireName().equals(name.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown model kind '" + name + "' (chat, embedding, rerank or transcription)");
  }
}

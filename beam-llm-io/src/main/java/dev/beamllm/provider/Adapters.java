package dev.beamllm.provider;

import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.anthropic.AnthropicAdapter;
import dev.beamllm.provider.bedrock.BedrockAnthropicAdapter;
import dev.beamllm.provider.bedrock.BedrockConverseAdapter;
import dev.beamllm.provider.cohere.CohereAdapter;
import dev.beamllm.provider.gemini.GeminiAdapter;
import dev.beamllm.provider.jina.JinaAdapter;
import dev.beamllm.provider.mistral.MistralAdapter;
import dev.beamllm.provider.openai.OpenAiChatAdapter;
import dev.beamllm.provider.openai.OpenAiResponsesAdapter;
import dev.beamllm.provider.voyage.VoyageAdapter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the client finds the adapter of a model's wire format: the one public entry to the provider
 * packages, each holding one stateless adapter instance.
 */
public final class Adapters {
  private static final Map<WireFormat, ProviderAdapter> ADAPTERS = new EnumMap<>(WireFormat.class);
  private static final Map<WireFormat, EmbeddingApi> EMBEDDINGS = new EnumMap<>(WireFormat.class);
  private static final Map<WireFormat, RerankApi> RERANKS = new EnumMap<>(WireFormat.class);
  private static final Map<WireFormat, TranscriptionApi> TRANSCRIPTIONS =
      new EnumMap<>(WireFormat.class);

  static {
    ADAPTERS.put(WireFormat.OPENAI, new OpenAiChatAdapter());
    ADAPTERS.put(WireFormat.ANTHROPIC, new AnthropicAdapter());
    ADAPTERS.put(WireFormat.BEDROCK_ANTHROPIC, new BedrockAnthropicAdapter());
    ADAPTERS.put(WireFormat.BEDROCK_CONVERSE, new BedrockConverseAdapter());
    ADAPTERS.put(WireFormat.GEMINI, new GeminiAdapter());
    ADAPTERS.put(WireFormat.MISTRAL, new MistralAdapter());
    ADAPTERS.put(WireFormat.COHERE, new CohereAdapter());
    ADAPTERS.put(WireFormat.OPENAI_RESPONSES, new OpenAiResponsesAdapter());
    EMBEDDINGS.put(
        WireFormat.OPENAI, ((OpenAiChatAdapter) ADAPTERS.get(WireFormat.OPENAI)).embeddingApi());
    TRANSCRIPTIONS.put(
        WireFormat.OPENAI,
        ((OpenAiChatAdapter) ADAPTERS.get(WireFormat.OPENAI)).transcriptionApi());
    EMBEDDINGS.put(
        WireFormat.MISTRAL, ((MistralAdapter) ADAPTERS.get(WireFormat.MISTRAL)).embeddingApi());
    EMBEDDINGS.put(
        WireFormat.GEMINI, ((GeminiAdapter) ADAPTERS.get(WireFormat.GEMINI)).embeddingApi());
    CohereAdapter cohere = (CohereAdapter) ADAPTERS.get(WireFormat.COHERE);
    EMBEDDINGS.put(WireFormat.COHERE, cohere.embeddingApi());
    RERANKS.put(WireFormat.COHERE, cohere.rerankApi());
    EMBEDDINGS.put(
        WireFormat.BEDROCK_CONVERSE,
        ((BedrockConverseAdapter) ADAPTERS.get(WireFormat.BEDROCK_CONVERSE)).embeddingApi());
    // Providers with embeddings and rerank only: their adapters refuse chat requests.
    VoyageAdapter voyage = new VoyageAdapter();
    ADAPTERS.put(WireFormat.VOYAGE, voyage);
    EMBEDDINGS.put(WireFormat.VOYAGE, voyage.embeddingApi());
    RERANKS.put(WireFormat.VOYAGE, voyage.rerankApi());
    JinaAdapter jina = new JinaAdapter();
    ADAPTERS.put(WireFormat.JINA, jina);
    EMBEDDINGS.put(WireFormat.JINA, jina.embeddingApi());
    RERANKS.put(WireFormat.JINA, jina.rerankApi());
  }

  private Adapters() {}

  /**
   * The adapter for a wire format.
   *
   * @throws UnsupportedOperationException for a format no adapter speaks
   */
  public static ProviderAdapter forFormat(WireFormat format) {
    ProviderAdapter a = ADAPTERS.get(format);
    if (a == null) {
      throw new UnsupportedOperationException(
          "no adapter for the " + format.wireName() + " wire format yet");
    }
    return a;
  }

  /**
   * The batch API of a wire format's provider (OpenAI Batch, Anthropic Message Batches, Gemini
   * batch mode), if its adapter has one: the adapter itself when it implements {@link BatchApi}, or
   * the one it offers beside its {@link BackgroundApi}, whose calls have the same names (OpenAI
   * Responses). Whether a model's provider runs it is still {@link BatchApi#batches}'s to say.
   */
  public static Optional<BatchApi> batchApi(WireFormat format) {
    ProviderAdapter a = ADAPTERS.get(format);
    if (a instanceof BatchApi batch) {
      return Optional.of(batch);
    }
    if (a instanceof OpenAiResponsesAdapter responses) {
      return Optional.of(responses.batchApi());
    }
    return Optional.empty();
  }

  /**
   * The embedding endpoint of a wire format's provider (OpenAI, Azure and compatible servers,
   * Mistral, Cohere, Gemini, Voyage, Jina, and Titan and Cohere Embed on Bedrock under {@code
   * bedrock-converse}), if it has one. Its calls are built by the format's adapter ({@link
   * #forFormat}), whose {@link ProviderAdapter#error error} classifies their failures. Whether it
   * embeds with a given model is {@link EmbeddingApi#embeds}'s to say.
   */
  public static Optional<EmbeddingApi> embeddingApi(WireFormat format) {
    return Optional.ofNullable(EMBEDDINGS.get(format));
  }

  /**
   * The rerank endpoint of a wire format's provider (Cohere, Voyage, Jina), if it has one; built
   * and classified as {@link #embeddingApi}'s. Whether it reranks with a given model is {@link
   * RerankApi#reranks}'s to say.
   */
  public static Optional<RerankApi> rerankApi(WireFormat format) {
    return Optional.ofNullable(RERANKS.get(format));
  }

  /**
   * The speech-to-text endpoint of a wire format's provider (OpenAI, Azure and the compatible
   * servers' {@code /audio/transcriptions}), if it has one; built and classified as {@link
   * #embeddingApi}'s. Whether it transcribes with a given model is {@link
   * TranscriptionApi#transcribes}'s to say.
   */
  public static Optional<TranscriptionApi> transcriptionApi(WireFormat format) {
    return Optional.ofNullable(TRANSCRIPTIONS.get(format));
  }
}

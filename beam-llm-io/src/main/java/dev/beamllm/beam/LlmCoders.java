package dev.beamllm.beam;

import com.google.auto.service.AutoService;
import dev.beamllm.client.AgentResult;
import dev.beamllm.client.AudioInput;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.Ranking;
import dev.beamllm.response.Transcription;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviderRegistrar;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Registers the coders of the library's element types with every pipeline's coder registry, so a
 * {@code PCollection<Conversation>}, {@code <ApiResponse>}, {@code <LlmRequest>}, {@code
 * <AgentResult>} or {@code <LlmFailure>} needs no {@code setCoder}, also inside a {@code KV} or a
 * list. Beam finds this class through {@link java.util.ServiceLoader}; registering from here,
 * rather than with {@code @DefaultCoder} on the types, keeps the prompt and response model free of
 * Beam. {@link LlmFailure} has a schema of its own; its schema coder is registered here too, so the
 * coder registry (which knows nothing of schemas) finds it for a {@code KV<K, LlmFailure>}.
 */
@AutoService(CoderProviderRegistrar.class)
public final class LlmCoders implements CoderProviderRegistrar {

  /** Public and without arguments, as {@link java.util.ServiceLoader} needs. */
  public LlmCoders() {}

  @Override
  public List<CoderProvider> getCoderProviders() {
    return List.of(
        CoderProviders.forCoder(TypeDescriptor.of(Conversation.class), ConversationCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(ApiResponse.class), ApiResponseCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(LlmRequest.class), LlmRequestCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(AgentResult.class), AgentResultCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(Embedding.class), EmbeddingCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(TextInput.class), TextInputCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(AudioInput.class), AudioInputCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(Transcription.class), TranscriptionCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(Ranking.class), RankingCoder.of()),
        new FailureCoderProvider());
  }

  /** {@link LlmFailure#coder()}, inferred only when a pipeline asks for it. */
  private static final class FailureCoderProvider extends CoderProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T> Coder<T> coderFor(TypeDescriptor<T> type, List<? extends Coder<?>> componentCoders)
        throws CannotProvideCoderException {
      if (!type.equals(TypeDescriptor.of(LlmFailure.class))) {
        throw new CannotProvideCoderException(type + " is not LlmFailure");
      }
      return (Coder<T>) LlmFailure.coder();
    }
  }
}

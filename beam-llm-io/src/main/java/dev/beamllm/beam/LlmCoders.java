package dev.beamllm.beam;

import com.google.auto.service.AutoService;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import java.util.List;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviderRegistrar;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Registers the coders of the library's element types with every pipeline's coder registry, so a
 * {@code PCollection<Conversation>}, {@code <ApiResponse>}, {@code <LlmRequest>} or {@code
 * <LlmFailure>} needs no {@code setCoder}. Beam finds this class through {@link
 * java.util.ServiceLoader}; registering from here, rather than with {@code @DefaultCoder} on the
 * types, keeps the prompt and response model free of Beam.
 */
@AutoService(CoderProviderRegistrar.class)
public final class LlmCoders implements CoderProviderRegistrar {

  /** Called by Beam's {@link java.util.ServiceLoader} lookup. */
  public LlmCoders() {}

  @Override
  public List<CoderProvider> getCoderProviders() {
    return List.of(
        CoderProviders.forCoder(TypeDescriptor.of(Conversation.class), ConversationCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(ApiResponse.class), ApiResponseCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(LlmRequest.class), LlmRequestCoder.of()),
        CoderProviders.forCoder(TypeDescriptor.of(LlmFailure.class), LlmFailureCoder.of()));
  }
}

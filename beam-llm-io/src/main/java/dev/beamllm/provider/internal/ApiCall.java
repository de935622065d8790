package dev.beamllm.provider.internal;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderRequest;
import java.util.List;
import java.util.Map;

/**
 * One call of an adapter's API other than its chat request ({@link BaseAdapter#call}, given as
 * {@code this::call}): an embedding or rerank call made by a class beside the adapter, so it gets
 * the adapter's base URL, key header, version headers, signing and the client's extra headers
 * exactly as a chat request does.
 */
@FunctionalInterface
public interface ApiCall {

  /** The call, assembled as the adapter assembles its own; {@code path} follows the base URL. */
  HttpCall call(ProviderRequest request, String method, String path, String body);

  /**
   * The call for a model, key and extra headers alone: what every step of an adapter's call reads
   * from a request, carried in a provider request with no conversation.
   */
  default HttpCall call(
      ModelSpec model,
      Credentials credentials,
      Map<String, String> extraHeaders,
      String method,
      String path,
      String body) {
    ProviderRequest carrier =
        new ProviderRequest(
            model,
            Conversation.of(List.of()),
            SamplingParams.defaults(),
            List.of(),
            credentials,
            extraHeaders,
            null,
            false);
    return call(carrier, method, path, body);
  }
}

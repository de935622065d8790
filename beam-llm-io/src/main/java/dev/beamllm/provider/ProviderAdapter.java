package dev.beamllm.provider;

import dev.beamllm.response.ApiError;
import dev.beamllm.tool.BuiltinTool;
import java.util.List;

/**
 * One wire format: request building, answer parsing and error classification. Stateless and
 * thread-safe. Every adapter builds its request in the named steps of {@link
 * dev.beamllm.provider.internal.BaseAdapter}; {@link Adapters} finds the one for a model's wire
 * format.
 */
public interface ProviderAdapter {

  /**
   * The HTTP request for a provider request.
   *
   * @throws UnsupportedOperationException when the API cannot carry the request as asked
   * @throws dev.beamllm.prompt.InvalidPromptException when the conversation is invalid or has a
   *     part the API cannot take ({@link UnsupportedPartException})
   */
  HttpCall request(ProviderRequest request);

  /**
   * Reads a 2xx answer.
   *
   * @throws ProviderException with {@code INVALID_RESPONSE} when the body cannot be read
   */
  ParsedAnswer parse(ProviderRequest request, HttpAnswer answer);

  /**
   * What {@link #request} changed from what the caller asked, in words for the response's {@link
   * dev.beamllm.response.ApiResponse#warnings}: a setting the API refuses in this situation and the
   * adapter left out (Claude's thinking over a tool-use turn it cannot take back, say). Empty by
   * default.
   */
  default List<String> warnings(ProviderRequest request) {
    return List.of();
  }

  /**
   * Whether the API calls remote MCP servers itself ({@link ProviderRequest#remoteMcpServers}):
   * OpenAI Responses and Anthropic Messages do. False by default; the client then refuses a request
   * with remote servers before sending ({@code UNSUPPORTED}).
   */
  default boolean callsRemoteMcp() {
    return false;
  }

  /**
   * Whether the API has this provider-run tool ({@link dev.beamllm.tool.WebSearch}, {@link
   * dev.beamllm.tool.CodeInterpreter}). False by default; the client then refuses a request
   * offering it before sending ({@code UNSUPPORTED}), and another model of the request may take it.
   */
  default boolean runs(BuiltinTool tool) {
    return false;
  }

  /**
   * Whether the API fetches images given by URL itself. When it does not (Claude and every model on
   * Bedrock take only bytes), the client fetches such images before sending and the request carries
   * their bytes; {@link #request} refuses a URL image. True by default.
   */
  default boolean takesImageUrls() {
    return true;
  }

  /** Classifies a non-2xx answer. */
  ApiError error(HttpAnswer answer);

  /**
   * A decoder for a streamed answer to this request (built with {@code stream = true}).
   *
   * @throws UnsupportedOperationException when the API cannot stream here
   */
  default StreamDecoder streamDecoder(ProviderRequest request) {
    throw new UnsupportedOperationException(
        request.model().wireFormat().wireName() + " streaming is not supported");
  }

  /** What the answer's rate-limit headers say (any status). */
  default RateLimitInfo rateLimits(HttpAnswer answer) {
    return RateLimitInfo.NONE;
  }
}

package dev.beamllm.provider;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.ReasoningEffort;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an adapter needs to build one request.
 *
 * @param model the model
 * @param conversation the messages
 * @param params sampling parameters
 * @param tools tools offered to the model
 * @param credentials the key (or AWS credentials) read from the environment, never logged
 * @param extraHeaders headers added to every request, after the adapter's own
 * @param serviceTier the provider's service tier ({@code flex}, {@code priority}, ...), or null
 * @param stream whether to ask for server-sent events
 * @param extraBody a JSON object merged into every request body (objects merged key by key, other
 *     values replaced), or null
 * @param remoteMcpServers MCP servers the provider calls itself; an adapter whose API cannot
 *     refuses a request with any ({@link ProviderAdapter#callsRemoteMcp})
 * @param promptCache where to mark the prompt for the provider's cache (APIs that cache only what
 *     is marked); null for none
 */
public record ProviderRequest(
    ModelSpec model,
    Conversation conversation,
    SamplingParams params,
    List<Tool> tools,
    Credentials credentials,
    Map<String, String> extraHeaders,
    String serviceTier,
    boolean stream,
    String extraBody,
    List<RemoteMcpServer> remoteMcpServers,
    PromptCache promptCache) {

  /** Copies the lists. */
  public ProviderRequest {
    tools = List.copyOf(tools);
    extraHeaders = Map.copyOf(extraHeaders);
    remoteMcpServers = remoteMcpServers == null ? List.of() : List.copyOf(remoteMcpServers);
    promptCache = promptCache == null ? PromptCache.none() : promptCache;
  }

  /** A request without prompt-cache marks. */
  public ProviderRequest(
      ModelSpec model,
      Conversation conversation,
      SamplingParams params,
      List<Tool> tools,
      Credentials credentials,
      Map<String, String> extraHeaders,
      String serviceTier,
      boolean stream,
      String extraBody,
      List<RemoteMcpServer> remoteMcpServers) {
    this(
        model,
        conversation,
        params,
        tools,
        credentials,
        extraHeaders,
        serviceTier,
        stream,
        extraBody,
        remoteMcpServers,
        null);
  }

  /** A request without remote MCP servers. */
  public ProviderRequest(
      ModelSpec model,
      Conversation conversation,
      SamplingParams params,
      List<Tool> tools,
      Credentials credentials,
      Map<String, String> extraHeaders,
      String serviceTier,
      boolean stream,
      String extraBody) {
    this(
        model,
        conversation,
        params,
        tools,
        credentials,
        extraHeaders,
        serviceTier,
        stream,
        extraBody,
        List.of());
  }

  /** A request without an extra body. */
  public ProviderRequest(
      ModelSpec model,
      Conversation conversation,
      SamplingParams params,
      List<Tool> tools,
      Credentials credentials,
      Map<String, String> extraHeaders,
      String serviceTier,
      boolean stream) {
    this(model, conversation, params, tools, credentials, extraHeaders, serviceTier, stream, null);
  }

  /**
   * The output limit to send: {@code max_new_tokens}, capped at the model's own maximum output when
   * the registry knows it. The one place of this rule: every adapter sends this value (Anthropic
   * and Bedrock Converse as the answer's share next to a thinking budget).
   */
  public int maxOutputTokens() {
    int modelMax = model.maxOutputTokens();
    return modelMax > 0 ? Math.min(params.maxNewTokens(), modelMax) : params.maxNewTokens();
  }

  /** The reasoning effort: the params' own, else the one in the model id's suffix. */
  public Optional<ReasoningEffort> reasoningEffort() {
    return params.reasoningEffort().or(() -> model.reasoningEffort());
  }
}

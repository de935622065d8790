package dev.beamllm.client;

import dev.beamllm.mcp.McpServer;
import dev.beamllm.mcp.McpServers;
import dev.beamllm.mcp.RemoteMcp;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.provider.Adapters;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.EmbeddingApi;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RemoteMcpServer;
import dev.beamllm.provider.RerankApi;
import dev.beamllm.provider.TranscriptionApi;
import dev.beamllm.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the client sends to a model, before HTTP: the adapter for the model's API and the provider
 * request, with the client's tools, headers, service tier and the model's credentials (read once
 * per model, where the client runs). Thread-safe.
 */
final class WireRequests {
  private final boolean useResponsesApi;
  private final ApiKeys apiKeys;
  private final List<Tool> tools;
  private final Map<String, String> extraHeaders;
  private final String serviceTier;
  private final String extraBody;
  private final McpServers remoteMcp;
  private final PromptCache promptCache;
  private volatile List<RemoteMcpServer> resolvedRemoteMcp;
  private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();

  /**
   * @param serviceTier the provider's service tier, or null
   * @param extraBody a JSON object merged into every body, or null
   * @param remoteMcp the MCP servers the provider calls itself (none when this library runs them)
   * @param promptCache where requests mark their prompt for the provider's cache
   */
  WireRequests(
      boolean useResponsesApi,
      ApiKeys apiKeys,
      List<Tool> tools,
      Map<String, String> extraHeaders,
      String serviceTier,
      String extraBody,
      McpServers remoteMcp,
      PromptCache promptCache) {
    this.useResponsesApi = useResponsesApi;
    this.promptCache = promptCache;
    this.remoteMcp = remoteMcp;
    this.apiKeys = apiKeys;
    this.tools = tools;
    this.extraHeaders = extraHeaders;
    this.serviceTier = serviceTier;
    this.extraBody = extraBody;
  }

  /**
   * The adapter for a model: its wire format's, except that OpenAI's own models that the Responses
   * API serves use it when the client asks for it (Azure's deployments stay on chat completions).
   */
  ProviderAdapter adapter(ModelSpec spec) {
    return Adapters.forFormat(format(spec));
  }

  /**
   * The batch API of the model's adapter ({@link #adapter}), when it has one and the model's
   * provider offers it.
   */
  Optional<BatchApi> batchApi(ModelSpec spec) {
    return Adapters.batchApi(format(spec)).filter(api -> api.batches(spec));
  }

  /**
   * The embedding API of the model's wire format, when the model is one of its embedding models.
   */
  Optional<EmbeddingApi> embeddingApi(ModelSpec spec) {
    return Adapters.embeddingApi(spec.wireFormat()).filter(api -> api.embeds(spec));
  }

  /** The rerank API of the model's wire format, when the model is one of its rerank models. */
  Optional<RerankApi> rerankApi(ModelSpec spec) {
    return Adapters.rerankApi(spec.wireFormat()).filter(api -> api.reranks(spec));
  }

  /**
   * The transcription API of the model's wire format, when the model is one of its transcription
   * models.
   */
  Optional<TranscriptionApi> transcriptionApi(ModelSpec spec) {
    return Adapters.transcriptionApi(spec.wireFormat()).filter(api -> api.transcribes(spec));
  }

  /** The model's credentials, read once. */
  Credentials credentials(ModelSpec spec) {
    return credentials.computeIfAbsent(spec.id(), id -> apiKeys.credentials(spec));
  }

  /** The client's extra headers. */
  Map<String, String> extraHeaders() {
    return extraHeaders;
  }

  private WireFormat format(ModelSpec spec) {
    boolean responses =
        useResponsesApi
            && spec.wireFormat() == WireFormat.OPENAI
            && spec.provider().equals("openai")
            && spec.capabilities().responsesApi();
    return responses ? WireFormat.OPENAI_RESPONSES : spec.wireFormat();
  }

  /**
   * The provider request for one attempt.
   *
   * @param tier the request's own service tier, or null for the client's
   * @param requestTools the request's own tools, or null for the client's
   * @throws ApiKeys.MissingKeyException when the model's key is not set
   * @throws UnsupportedOperationException when the client has remote MCP servers for the provider
   *     to call and the model's API cannot, or a tool the provider runs that the API lacks
   */
  ProviderRequest request(
      ModelSpec spec,
      Conversation conversation,
      SamplingParams params,
      String tier,
      List<Tool> requestTools,
      boolean stream) {
    List<RemoteMcpServer> remote = remoteMcpServers();
    if (!remote.isEmpty() && !adapter(spec).callsRemoteMcp()) {
      throw new UnsupportedOperationException(
          "its API ("
              + apiName(spec)
              + ") cannot call remote MCP servers itself; use withRemoteMcp(RemoteMcp.LOCAL) to"
              + " run them with LlmIO.agent()");
    }
    List<Tool> offered = requestTools != null ? requestTools : tools;
    for (Tool t : offered) {
      if (t.runsOnProvider() && !adapter(spec).runs(t.builtin())) {
        boolean viaResponses =
            spec.wireFormat() == WireFormat.OPENAI
                && spec.provider().equals("openai")
                && spec.capabilities().responsesApi();
        throw new UnsupportedOperationException(
            "its API ("
                + apiName(spec)
                + ") has no "
                + t.builtin().describe()
                + " tool for "
                + spec.id()
                + (viaResponses ? "; OpenAI's Responses API has (use the Responses API)" : ""));
      }
    }
    return new ProviderRequest(
        spec,
        conversation,
        params,
        offered,
        credentials(spec),
        extraHeaders,
        tier != null ? tier : serviceTier,
        stream,
        extraBody,
        remote,
        promptCache);
  }

  private String apiName(ModelSpec spec) {
    return adapter(spec).getClass().getSimpleName().replace("Adapter", "");
  }

  /**
   * The remote MCP servers as sent, their {@code ${NAME}} references read from this JVM's
   * environment the first time (here, where the request is built).
   *
   * @throws IllegalStateException naming the server's field and the variable that is not set
   */
  private List<RemoteMcpServer> remoteMcpServers() {
    List<RemoteMcpServer> resolved = resolvedRemoteMcp;
    if (resolved == null) {
      List<RemoteMcpServer> out = new ArrayList<>();
      for (McpServer server : remoteMcp.servers()) {
        out.add(
            new RemoteMcpServer(
                server.name(),
                server.resolvedUrl(System::getenv),
                server.resolvedHeaders(System::getenv),
                List.of()));
      }
      resolved = List.copyOf(out);
      resolvedRemoteMcp = resolved;
    }
    return resolved;
  }

  /** What of the remote MCP servers goes in a cache key: names and URLs as configured. */
  static List<String> remoteMcpKey(ClientConfig config) {
    if (config.remoteMcp() != RemoteMcp.PROVIDER) {
      return List.of();
    }
    List<String> key = new ArrayList<>();
    for (McpServer server : config.remoteMcpServers().servers()) {
      key.add(server.name() + "=" + server.url().orElse(""));
    }
    return key;
  }
}

package dev.beamllm.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.BackgroundApi;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.RemoteMcpServer;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.ServiceTiers;
import dev.beamllm.response.ApiError;
import dev.beamllm.tool.BuiltinTool;
import dev.beamllm.tool.CodeInterpreter;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OpenAI's Responses API ({@code POST {api_base}/responses}), stateless: each request carries the
 * whole conversation and asks OpenAI not to store it ({@code store: false}), so reasoning models
 * are asked for their reasoning's encrypted content, which goes back with the next turn. Also runs
 * requests in the background ({@code background: true}, then {@code GET /responses/{id}} until the
 * Response is final, {@code POST /responses/{id}/cancel} to give up). Errors and rate-limit headers
 * are chat completions'. OpenAI's Batch API runs Responses requests too: see {@link #batchApi()}.
 * Reference: platform.openai.com/docs/api-reference/responses.
 */
public final class OpenAiResponsesAdapter extends BaseAdapter implements BackgroundApi {
  private static final String LOGPROBS_INCLUDE = "message.output_text.logprobs";
  private static final String REASONING_INCLUDE = "reasoning.encrypted_content";
  private static final String SEARCH_SOURCES_INCLUDE = "web_search_call.action.sources";
  private static final String CODE_OUTPUTS_INCLUDE = "code_interpreter_call.outputs";

  /** Response ids go into URL paths; anything else would be a broken answer. */
  private static final Pattern RESPONSE_ID = Pattern.compile("[A-Za-z0-9_-]+");

  private final OpenAiChatAdapter chat = new OpenAiChatAdapter();

  /** The Batch API of {@code /v1/responses}, making its calls as this adapter does. */
  private final OpenAiBatch batch =
      new OpenAiBatch(
          WireFormat.OPENAI_RESPONSES,
          this::call,
          this::unstreamedBody,
          r -> URI.create(baseUrl(r) + path(r)).getPath());

  /**
   * OpenAI's Batch API for Responses requests. This adapter cannot implement {@link BatchApi}
   * itself: its {@link BackgroundApi} has a {@code status}, {@code poll} and {@code cancel} of the
   * same parameters for a background response. {@link dev.beamllm.provider.Adapters#batchApi} finds
   * it, as it finds the adapters that implement {@link BatchApi}.
   */
  public BatchApi batchApi() {
    return batch;
  }

  @Override
  protected String path(ProviderRequest r) {
    return "/responses";
  }

  /** The key as a bearer token. */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    return bearerKey(r);
  }

  /** The body of a request answered on its connection, not stored by OpenAI. */
  @Override
  protected ObjectNode body(ProviderRequest r) {
    return body(r, false);
  }

  @Override
  public HttpCall startInBackground(ProviderRequest r) {
    return call(r, "POST", path(r), Json.write(body(r, true)));
  }

  private static ObjectNode body(ProviderRequest r, boolean background) {
    ModelSpec model = r.model();
    SamplingParams p = r.params();
    ObjectNode body = Json.object();
    body.put("model", model.apiName());
    body.setAll(OpenAiResponsesFormat.render(r.conversation()));
    body.put("max_output_tokens", r.maxOutputTokens());
    boolean reasoning = model.capabilities().reasoning();
    // Reasoning models refuse temperature and top_p.
    if (!reasoning) {
      p.temperature().ifPresent(t -> body.put("temperature", t));
      p.topP().ifPresent(t -> body.put("top_p", t));
    }
    r.reasoningEffort()
        .filter(e -> reasoning)
        .ifPresent(e -> body.putObject("reasoning").put("effort", e.wireName()));
    if (p.outputSchema().isPresent()) {
      body.putObject("text")
          .putObject("format")
          .put("type", "json_schema")
          .put("name", "output")
          .put("strict", true)
          .set("schema", Json.parse(p.outputSchema().get()));
    } else if (p.jsonMode()) {
      body.putObject("text").putObject("format").put("type", "json_object");
    }
    p.verbosity()
        .filter(v -> OpenAiChatAdapter.takesVerbosity(model))
        .ifPresent(v -> body.with("text").put("verbosity", v.wireName()));
    ArrayNode include = Json.MAPPER.createArrayNode();
    if (!r.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool t : r.tools()) {
        if (t.builtin() instanceof WebSearch search) {
          tools.add(webSearchTool(search));
          search.maxUses().ifPresent(n -> body.put("max_tool_calls", n));
          include.add(SEARCH_SOURCES_INCLUDE);
          continue;
        }
        if (t.builtin() instanceof CodeInterpreter code) {
          tools.addObject().put("type", "code_interpreter").set("container", container(code));
          include.add(CODE_OUTPUTS_INCLUDE);
          continue;
        }
        if (t.isComputerUse()) {
          if (computerTool(tools, t.computerUse(), model.apiName())) {
            // "truncation: auto" is required with computer_use_preview (OpenAI's computer use
            // guide); it is "disabled" by default.
            body.put("truncation", "auto");
          }
          continue;
        }
        ObjectNode fn = tools.addObject().put("type", "function").put("name", t.name());
        if (!t.description().isEmpty()) {
          fn.put("description", t.description());
        }
        fn.set("parameters", Json.parse(t.parametersJson()));
        // The Responses API makes function tools strict by default, which refuses the usual schemas
        // (optional properties, no additionalProperties: false); chat completions' default is not
        // strict. So strictness is always said, and only strict tools have it.
        fn.put("strict", t.strict());
      }
    }
    if (!r.remoteMcpServers().isEmpty()) {
      ArrayNode tools = body.has("tools") ? (ArrayNode) body.get("tools") : body.putArray("tools");
      for (RemoteMcpServer server : r.remoteMcpServers()) {
        tools.add(mcpTool(server));
      }
    }
    String tier = ServiceTiers.openAi(r.serviceTier());
    if (tier != null) {
      body.put("service_tier", tier);
    }
    if (reasoning) {
      // Unstored reasoning can only be replayed from its encrypted content.
      include.add(REASONING_INCLUDE);
    }
    if (p.logprobs()) {
      include.add(LOGPROBS_INCLUDE);
      p.topLogprobs().ifPresent(n -> body.put("top_logprobs", n));
    }
    if (!include.isEmpty()) {
      body.set("include", include);
    }
    if (background) {
      // A background job must be kept by OpenAI while it is polled, so store is left to its
      // default.
      body.put("background", true);
    } else {
      body.put("store", false);
    }
    if (r.stream()) {
      body.put("stream", true);
    }
    return body;
  }

  /**
   * OpenAI's web search ({@code WebSearchToolParam} of openai-python): {@code {"type":
   * "web_search", "filters": {"allowed_domains"}, "search_context_size", "user_location"}}.
   *
   * @throws UnsupportedOperationException for blocked domains, which OpenAI's search lacks
   */
  static ObjectNode webSearchTool(WebSearch search) {
    if (!search.blockedDomains().isEmpty()) {
      throw new UnsupportedOperationException(
          "OpenAI's web search takes allowed domains only, not blocked ones");
    }
    ObjectNode t = Json.object().put("type", "web_search");
    if (!search.allowedDomains().isEmpty()) {
      search.allowedDomains().forEach(t.putObject("filters").putArray("allowed_domains")::add);
    }
    search.contextSize().ifPresent(s -> t.put("search_context_size", s.wireName()));
    search.userLocation().ifPresent(l -> t.set("user_location", Formats.userLocation(l)));
    return t;
  }

  /** The code interpreter's {@code container}: an id, or {@code {"type": "auto", ...}}. */
  private static JsonNode container(CodeInterpreter code) {
    if (code.containerId().isPresent()) {
      return Json.MAPPER.getNodeFactory().textNode(code.containerId().get());
    }
    ObjectNode c = Json.object().put("type", "auto");
    code.memoryLimit().ifPresent(m -> c.put("memory_limit", m));
    if (!code.fileIds().isEmpty()) {
      code.fileIds().forEach(c.putArray("file_ids")::add);
    }
    return c;
  }

  /** Web search and the code interpreter, which OpenAI runs. */
  @Override
  public boolean runs(BuiltinTool tool) {
    return tool instanceof WebSearch || tool instanceof CodeInterpreter;
  }

  /**
   * OpenAI's computer tool: {@code {"type": "computer_use_preview", "display_width",
   * "display_height", "environment"}} for the preview model, else the generally available {@code
   * {"type": "computer"}}, which takes no settings.
   *
   * @return whether it is the preview tool, which needs {@code truncation: auto}
   */
  /**
   * OpenAI's remote MCP tool ({@code {"type": "mcp", "server_label", "server_url", "headers",
   * "require_approval", "allowed_tools"}}, openai-python {@code responses.tool_param.Mcp}). Calls
   * are never held for approval: the library cannot give one in a batch.
   */
  static ObjectNode mcpTool(RemoteMcpServer server) {
    ObjectNode t =
        Json.object()
            .put("type", "mcp")
            .put("server_label", server.name())
            .put("server_url", server.url());
    if (!server.headers().isEmpty()) {
      ObjectNode headers = t.putObject("headers");
      server.headers().forEach(headers::put);
    }
    t.put("require_approval", "never");
    if (!server.allowedTools().isEmpty()) {
      ArrayNode allowed = t.putArray("allowed_tools");
      server.allowedTools().forEach(allowed::add);
    }
    return t;
  }

  @Override
  public boolean callsRemoteMcp() {
    return true;
  }

  private static boolean computerTool(ArrayNode tools, ComputerUse computer, String apiModel) {
    ComputerUse.OpenAiTool tool = computer.openAiToolFor(apiModel);
    ObjectNode t = tools.addObject().put("type", tool.toolType());
    if (tool != ComputerUse.OpenAiTool.COMPUTER_USE_PREVIEW) {
      return false;
    }
    t.put("display_width", computer.displayWidth())
        .put("display_height", computer.displayHeight())
        .put("environment", computer.environment().openAiName());
    return true;
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    return ResponsesAnswers.read(response(answer));
  }

  private static JsonNode response(HttpAnswer answer) {
    JsonNode root = Errors.body(ResponsesAnswers.API, answer);
    if (root == null || !root.isObject()) {
      throw Errors.unreadable(
          ResponsesAnswers.API, new IllegalStateException("the answer is not a JSON object"));
    }
    return root;
  }

  @Override
  public JobStatus status(HttpAnswer answer) {
    JsonNode response = response(answer);
    String id = response.path("id").asText("");
    if (!RESPONSE_ID.matcher(id).matches()) {
      throw Errors.unreadable(
          ResponsesAnswers.API,
          new IllegalStateException("the response has no usable id: '" + id + "'"));
    }
    String status = response.path("status").asText("");
    return new JobStatus(id, status.equals("queued") || status.equals("in_progress"));
  }

  @Override
  public HttpCall poll(ProviderRequest r, String jobId) {
    return call(r, "GET", "/responses/" + jobId, "");
  }

  @Override
  public HttpCall cancel(ProviderRequest r, String jobId) {
    return call(r, "POST", "/responses/" + jobId + "/cancel", "");
  }

  @Override
  public StreamDecoder streamDecoder(ProviderRequest r) {
    return new OpenAiResponsesStreamDecoder();
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    return chat.error(answer);
  }

  @Override
  public RateLimitInfo rateLimits(HttpAnswer answer) {
    return chat.rateLimits(answer);
  }
}

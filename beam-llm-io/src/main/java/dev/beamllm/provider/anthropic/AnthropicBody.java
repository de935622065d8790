package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.PromptCache;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ServerToolUse;
import dev.beamllm.prompt.Thinking;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RemoteMcpServer;
import dev.beamllm.provider.internal.Formats;
import dev.beamllm.provider.internal.ServiceTiers;
import dev.beamllm.tool.AnthropicDefinedTool;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.WebSearch;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Anthropic Messages request body, shared by the Anthropic API and Bedrock's {@code invoke} for
 * Claude: model, {@code max_tokens}, system and messages (from {@link AnthropicFormat}), sampling
 * or extended thinking (see {@link ThinkingBudget}), tools, JSON output, service tier and
 * streaming. Reference: docs.anthropic.com/en/api/messages.
 *
 * <p>JSON output: models of the 4.5 generation and later take a JSON schema natively as {@code
 * output_config.format} (structured outputs, generally available without a beta header). Older
 * models have no such parameter, so the schema becomes a tool the model is forced to call ({@code
 * tool_choice: {type: tool}}, or {@code {type: any}} when the caller offers tools too, so the model
 * may still call those) and the tool's input is returned as the answer's text; JSON mode without a
 * schema is the same forced tool with an open object schema. Anthropic refuses a forced tool
 * together with extended thinking, so a forced output tool turns thinking off.
 *
 * <p>A computer-use tool ({@link dev.beamllm.tool.ComputerUse}) goes as Anthropic's computer tool
 * of the version the model takes, and the request carries that version's beta ({@link #betas}). Web
 * search goes as Anthropic's server tool; bash and the text editor ({@link AnthropicDefinedTool})
 * as Anthropic's definitions to Claude 4 and later.
 *
 * <p>Thinking is also turned off, and {@link #warnings} says so, over an open tool-use turn that
 * has no thinking block to send back, which Claude refuses with thinking on ({@link
 * ToolTurnThinking}).
 */
public final class AnthropicBody {
  /** The {@code anthropic-version} header value. */
  static final String VERSION = "2023-06-01";

  /** The beta that lets documents and images refer to uploaded files by id. */
  public static final String FILES_BETA = "files-api-2025-04-14";

  /** The name of the tool that carries JSON output for models without native JSON-schema output. */
  static final String OUTPUT_TOOL = "structured_output";

  /**
   * The beta of the MCP connector: servers in {@code mcp_servers}, each enabled by one {@code
   * mcp_toolset} entry of {@code tools} (platform.claude.com, MCP connector; the deprecated {@code
   * mcp-client-2025-04-04} put the tool settings in the server entry).
   */
  static final String MCP_BETA = "mcp-client-2025-11-20";

  /** The beta of the prompt cache's 1-hour lifetime ({@code "ttl": "1h"}). */
  public static final String CACHE_TTL_BETA = "extended-cache-ttl-2025-04-11";

  /** The header naming betas, comma-separated. */
  static final String BETA_HEADER = "anthropic-beta";

  private static final String OPEN_OBJECT_SCHEMA = "{\"type\":\"object\"}";

  /**
   * {@code claude-<family>-<major>[-<minor>]}, the naming of Claude 4 and later; a date is not a
   * minor version.
   */
  private static final Pattern MODEL_VERSION =
      Pattern.compile("claude-(?:opus|sonnet|haiku)-(\\d+)(?:-(\\d{1,2}))?(?!\\d)");

  /** Claude 3 and older, named {@code claude-3-5-haiku-...}, {@code claude-2.1}, ... */
  private static final Pattern LEGACY_CLAUDE = Pattern.compile("claude-(instant|[123][-.])");

  private AnthropicBody() {}

  /** The body for a request to Anthropic's API, {@code model} included. */
  public static ObjectNode build(ProviderRequest r) {
    return build(r, true);
  }

  /**
   * The body for a request, {@code model} included, for an API that takes parts by URL or not
   * ({@link AnthropicFormat#render(Conversation, boolean)}).
   */
  public static ObjectNode build(ProviderRequest r, boolean urlSources) {
    ModelSpec model = r.model();
    SamplingParams p = r.params();
    Optional<String> outputTool = outputToolSchema(r);
    ObjectNode rendered = AnthropicFormat.render(r.conversation(), urlSources);
    ThinkingBudget thinking = plannedThinking(r);
    if (thinking.enabled() && !ToolTurnThinking.allowsThinking(rendered.get("messages"))) {
      thinking = ThinkingBudget.plan(model, r.maxOutputTokens(), Optional.empty());
    }

    ObjectNode body = Json.object();
    body.put("model", model.apiName());
    body.put("max_tokens", thinking.maxTokens());
    body.setAll(rendered);
    if (thinking.enabled()) {
      // Thinking refuses temperature and top_p other than their defaults.
      thinking.writeTo(body);
    } else {
      p.temperature().ifPresent(t -> body.put("temperature", t));
      p.topP().ifPresent(t -> body.put("top_p", t));
    }
    if (!r.tools().isEmpty() || outputTool.isPresent()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool t : r.tools()) {
        if (t.isComputerUse()) {
          computerTool(tools, t.computerUse(), model.apiName());
          continue;
        }
        if (t.builtin() instanceof WebSearch search && urlSources) {
          tools.add(webSearchTool(search));
          continue;
        }
        Formats.requireFunction(t, urlSources ? "Anthropic Messages" : "Claude on Bedrock");
        if (t.builtin() instanceof AnthropicDefinedTool defined
            && takesDefinedTool(defined, t.name(), model, urlSources)) {
          tools.addObject().put("type", defined.toolType()).put("name", t.name());
          continue;
        }
        ObjectNode def = tool(tools, t.name(), t.description(), t.parametersJson());
        if (t.strict()) {
          def.put("strict", true);
        }
      }
      outputTool.ifPresent(
          schema -> {
            tool(tools, OUTPUT_TOOL, "Give your whole answer as this tool's input.", schema);
            // With tools of the caller's, the model must call some tool: one of those, or the
            // answer.
            ObjectNode choice = body.putObject("tool_choice");
            if (r.tools().isEmpty()) {
              choice.put("type", "tool").put("name", OUTPUT_TOOL);
            } else {
              choice.put("type", "any");
            }
          });
    }
    if (p.outputSchema().isPresent() && outputTool.isEmpty()) {
      body.with("output_config")
          .putObject("format")
          .put("type", "json_schema")
          .set("schema", Json.parse(p.outputSchema().get()));
    }
    if (!r.remoteMcpServers().isEmpty()) {
      ArrayNode servers = body.putArray("mcp_servers");
      ArrayNode tools = body.withArray("tools");
      for (RemoteMcpServer server : r.remoteMcpServers()) {
        servers.add(mcpServer(server));
        tools.add(mcpToolset(server));
      }
    }
    CacheMarks.apply(body, r.promptCache(), ToolTurnThinking.endsWithToolResults(r.conversation()));
    String tier = ServiceTiers.anthropic(r.serviceTier());
    if (tier != null) {
      body.put("service_tier", tier);
    }
    if (r.stream()) {
      body.put("stream", true);
    }
    return body;
  }

  /**
   * What {@link #build} changed from what was asked, for the response: {@link
   * ToolTurnThinking#WARNING} when thinking, asked for by the effort, was turned off because the
   * conversation ends inside a tool-use turn with no thinking block to send back.
   */
  public static List<String> warnings(ProviderRequest r, boolean urlSources) {
    if (!ToolTurnThinking.endsWithToolResults(r.conversation())
        || !plannedThinking(r).enabled()
        || ToolTurnThinking.allowsThinking(
            AnthropicFormat.render(r.conversation(), urlSources).get("messages"))) {
      return List.of();
    }
    return List.of(ToolTurnThinking.WARNING);
  }

  /**
   * Thinking as the effort asks for it, off when a forced output tool carries the answer (Anthropic
   * refuses a forced tool with thinking).
   */
  private static ThinkingBudget plannedThinking(ProviderRequest r) {
    return ThinkingBudget.plan(
        r.model(),
        r.maxOutputTokens(),
        outputToolSchema(r).isPresent() ? Optional.empty() : r.reasoningEffort(),
        outputToolSchema(r).isPresent() ? Optional.empty() : r.params().thinkingBudget());
  }

  private static ObjectNode tool(
      ArrayNode tools, String name, String description, String schemaJson) {
    ObjectNode t = tools.addObject().put("name", name);
    if (!description.isEmpty()) {
      t.put("description", description);
    }
    t.set("input_schema", Json.parse(schemaJson));
    return t;
  }

  /**
   * Anthropic's computer tool: {@code {"type": "computer_20250124", "name": "computer",
   * "display_width_px", "display_height_px"}}, with {@code display_number} when set and {@code
   * enable_zoom} on {@code computer_20251124} when zoom is on (Anthropic's {@code
   * BetaToolComputerUse*} params).
   */
  private static void computerTool(ArrayNode tools, ComputerUse computer, String apiModel) {
    ComputerUse.AnthropicVersion version = computer.anthropicVersionFor(apiModel);
    ObjectNode t =
        tools
            .addObject()
            .put("type", version.toolType())
            .put("name", ComputerUse.TOOL_NAME)
            .put("display_width_px", computer.displayWidth())
            .put("display_height_px", computer.displayHeight());
    computer.displayNumber().ifPresent(n -> t.put("display_number", n));
    if (computer.zoom() && version == ComputerUse.AnthropicVersion.COMPUTER_20251124) {
      t.put("enable_zoom", true);
    }
  }

  /**
   * Anthropic's web search tool ({@code WebSearchTool20250305Param} of Anthropic's SDK): the
   * version, {@code max_uses}, the domain lists and the user's location when set.
   */
  static ObjectNode webSearchTool(WebSearch search) {
    ObjectNode t =
        Json.object()
            .put(
                "type",
                search
                    .anthropicVersion()
                    .orElse(WebSearch.AnthropicVersion.WEB_SEARCH_20250305)
                    .toolType())
            .put("name", WebSearch.KIND);
    search.maxUses().ifPresent(n -> t.put("max_uses", n));
    if (!search.allowedDomains().isEmpty()) {
      search.allowedDomains().forEach(t.putArray("allowed_domains")::add);
    }
    if (!search.blockedDomains().isEmpty()) {
      search.blockedDomains().forEach(t.putArray("blocked_domains")::add);
    }
    search.userLocation().ifPresent(l -> t.set("user_location", Formats.userLocation(l)));
    return t;
  }

  /**
   * Whether a tool marked as Anthropic's own goes as that definition: under the name Anthropic
   * requires, to Claude 4 or later (whose versions these are; Claude 3 and older take the
   * function), on Anthropic's API (Claude on Bedrock takes the function, with no beta to ask for).
   */
  private static boolean takesDefinedTool(
      AnthropicDefinedTool defined, String name, ModelSpec model, boolean anthropicApi) {
    return anthropicApi
        && defined.anthropicName().equals(name)
        && !LEGACY_CLAUDE.matcher(model.apiName().toLowerCase(Locale.ROOT)).find();
  }

  /**
   * The schema of the forced output tool: the output schema for a model without native JSON-schema
   * output, an open object for JSON mode without a schema; empty when no tool is forced.
   */
  public static Optional<String> outputToolSchema(ProviderRequest r) {
    SamplingParams p = r.params();
    if (p.outputSchema().isPresent()) {
      return nativeJsonSchema(r.model()) ? Optional.empty() : p.outputSchema();
    }
    return p.jsonMode() ? Optional.of(OPEN_OBJECT_SCHEMA) : Optional.empty();
  }

  /**
   * Whether the model takes {@code output_config.format}: Claude 4.5 and later, by its API name.
   */
  static boolean nativeJsonSchema(ModelSpec model) {
    Matcher m = MODEL_VERSION.matcher(model.apiName().toLowerCase(Locale.ROOT));
    if (!m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return major > 4 || (major == 4 && minor >= 5);
  }

  /**
   * The betas for a request: those its conversation needs ({@link #FILES_BETA} when a part refers
   * to an uploaded file), then those in the client's extra {@code anthropic-beta} header, each
   * once, in order.
   */
  public static Set<String> betas(Conversation conversation, Map<String, String> extraHeaders) {
    return betas(conversation, List.of(), null, extraHeaders);
  }

  /**
   * The betas for a request: {@link #FILES_BETA} when a part refers to an uploaded file, the
   * computer-use beta of the computer tool's version ({@code computer-use-2025-01-24}, ...) when
   * the request offers one, then those in the client's extra {@code anthropic-beta} header, then
   * {@link #MCP_BETA} when the request has remote MCP servers or sends back calls Anthropic made to
   * one; each once, in order.
   */
  public static Set<String> betas(ProviderRequest r) {
    Set<String> betas = betas(r.conversation(), r.tools(), r.model().apiName(), r.extraHeaders());
    if (!r.remoteMcpServers().isEmpty() || repliesMcpCalls(r.conversation())) {
      betas.add(MCP_BETA);
    }
    if (r.promptCache().isOn() && r.promptCache().ttl() == PromptCache.Ttl.ONE_HOUR) {
      betas.add(CACHE_TTL_BETA);
    }
    return betas;
  }

  private static Set<String> betas(
      Conversation conversation,
      List<Tool> tools,
      String apiModel,
      Map<String, String> extraHeaders) {
    Set<String> betas = new LinkedHashSet<>();
    if (AnthropicFormat.refersToUploadedFile(conversation)) {
      betas.add(FILES_BETA);
    }
    for (Tool t : tools) {
      if (t.isComputerUse()) {
        betas.add(t.computerUse().anthropicVersionFor(apiModel).betaHeader());
      }
    }
    extraHeaders.forEach(
        (name, value) -> {
          if (name.equalsIgnoreCase(BETA_HEADER)) {
            for (String beta : value.split(",")) {
              if (!beta.isBlank()) {
                betas.add(beta.trim());
              }
            }
          }
        });
    return betas;
  }

  /**
   * One entry of {@code mcp_servers} ({@code {"type": "url", "url", "name",
   * "authorization_token"}}). The connector sends the server only a bearer token, so a server's
   * {@code Authorization: Bearer} header becomes {@code authorization_token} and any other header
   * is refused.
   *
   * @throws UnsupportedOperationException for a header Anthropic cannot send
   */
  static ObjectNode mcpServer(RemoteMcpServer server) {
    ObjectNode s =
        Json.object().put("type", "url").put("url", server.url()).put("name", server.name());
    server
        .headers()
        .forEach(
            (name, value) -> {
              if (!name.equalsIgnoreCase("authorization")
                  || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new UnsupportedOperationException(
                    "Anthropic's MCP connector sends a server only a bearer token"
                        + " (Authorization: Bearer ...); MCP server '"
                        + server.name()
                        + "' has header '"
                        + name
                        + "'");
              }
              s.put("authorization_token", value.substring(7).trim());
            });
    return s;
  }

  /**
   * The {@code mcp_toolset} entry of {@code tools} that enables a server's tools: all of them, or
   * only its allowed ones ({@code default_config.enabled: false} and each allowed tool enabled in
   * {@code configs}).
   */
  static ObjectNode mcpToolset(RemoteMcpServer server) {
    ObjectNode t = Json.object().put("type", "mcp_toolset").put("mcp_server_name", server.name());
    if (!server.allowedTools().isEmpty()) {
      t.putObject("default_config").put("enabled", false);
      ObjectNode configs = t.putObject("configs");
      server.allowedTools().forEach(name -> configs.putObject(name).put("enabled", true));
    }
    return t;
  }

  /** Whether the conversation sends back MCP calls Anthropic ran (their blocks need the beta). */
  private static boolean repliesMcpCalls(Conversation conversation) {
    return conversation.messages().stream()
        .flatMap(m -> m.parts().stream())
        .anyMatch(
            p ->
                p instanceof ServerToolUse use
                    && use.kind().equals(ServerToolUse.MCP)
                    && use.rawFrom(Thinking.ANTHROPIC).isPresent());
  }

  /** The client's extra headers without {@code anthropic-beta}, which {@link #betas} has merged. */
  public static Map<String, String> headersWithoutBetas(Map<String, String> extraHeaders) {
    Map<String, String> out = new LinkedHashMap<>();
    extraHeaders.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase(BETA_HEADER)) {
            out.put(name, value);
          }
        });
    return out;
  }
}

package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Anthropic Messages ({@code POST /v1/messages}): key in {@code x-api-key}, an {@code
 * anthropic-version} header on every request ({@code anthropic-beta} must name the beta of a
 * computer tool offered, and is otherwise ignored), errors as {@code
 * {"type":"error","error":{type,message},"request_id"}} and {@code anthropic-ratelimit-*} headers
 * on every answer. References: docs.anthropic.com/en/api/messages, /en/api/errors,
 * /en/api/rate-limits, /en/api/versioning.
 */
final class AnthropicDialect implements Dialect {
  private static final Set<String> VERSIONS = Set.of("2023-06-01", "2023-01-01");
  private static final Set<String> SERVICE_TIERS = Set.of("auto", "standard_only");

  @Override
  public String name() {
    return "anthropic-messages";
  }

  /**
   * The {@code x-api-key} header; an {@code Authorization: Bearer} token (Anthropic's auth tokens)
   * when it is absent.
   */
  @Override
  public String apiKey(FakeHttpRequest request) {
    String key = request.header("x-api-key");
    return key != null ? key : request.bearer();
  }

  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    String version = request.header("anthropic-version");
    if (version == null) {
      throw ProviderError.badRequest("anthropic-version: header is required", null);
    }
    if (!VERSIONS.contains(version)) {
      throw ProviderError.badRequest(
          "anthropic-version: \"" + version + "\" is not a valid version", null);
    }
    ObjectNode body =
        Bodies.object(
            request,
            "There was an error parsing the body of your request. Please make sure it is valid JSON.");
    if (!body.hasNonNull("model")) {
      throw ProviderError.badRequest("model: Field required", "model");
    }
    if (!body.get("model").isTextual()) {
      throw ProviderError.badRequest("model: Input should be a valid string", "model");
    }
    JsonNode tier = body.get("service_tier");
    if (tier != null && !SERVICE_TIERS.contains(tier.isTextual() ? tier.textValue() : "")) {
      // The Messages API reference: service_tier is "auto" or "standard_only"; else a 400.
      throw ProviderError.badRequest(
          "service_tier: Input should be 'auto' or 'standard_only'", "service_tier");
    }
    checkComputerBeta(body, request.header("anthropic-beta"));
    List<RemoteMcpCalls.Server> remoteMcp = mcpServers(body, request.header("anthropic-beta"));
    ParsedRequest parsed = AnthropicRequest.parse(body, body.get("model").textValue());
    BuiltinToolCalls.Offer builtin = AnthropicServerTools.offer(body);
    if (remoteMcp.isEmpty() && !builtin.any()) {
      return parsed;
    }
    ObjectNode options = Json.object();
    if (!remoteMcp.isEmpty()) {
      options.set("remote_mcp", RemoteMcpCalls.toJson(remoteMcp));
    }
    if (builtin.any()) {
      options.set("builtin", builtin.toJson());
    }
    return parsed.withOptions(Json.write(options));
  }

  /** The beta of the MCP connector's {@code mcp_servers} field and {@code mcp_toolset} tools. */
  static final String MCP_BETA = "mcp-client-2025-11-20";

  /**
   * The MCP connector's servers ({@code mcp_servers: [{"type": "url", "url", "name",
   * "authorization_token"}]}), each referenced by exactly one {@code mcp_toolset} entry of {@code
   * tools} ({@code {"type": "mcp_toolset", "mcp_server_name", "default_config", "configs"}}), which
   * need the {@link #MCP_BETA} beta; the fake reaches no server and calls them by the rule of
   * {@link RemoteMcpCalls}.
   */
  private static List<RemoteMcpCalls.Server> mcpServers(ObjectNode body, String betaHeader) {
    List<RemoteMcpCalls.Server> out = new ArrayList<>();
    JsonNode servers = body.get("mcp_servers");
    if (servers == null || servers.isNull()) {
      return out;
    }
    if (betaHeader == null
        || java.util.Arrays.stream(betaHeader.split(","))
            .noneMatch(b -> b.trim().equals(MCP_BETA))) {
      throw ProviderError.badRequest("mcp_servers: Extra inputs are not permitted", "mcp_servers");
    }
    if (!servers.isArray()) {
      throw ProviderError.badRequest("mcp_servers: Input should be a valid list", "mcp_servers");
    }
    Set<String> names = new java.util.LinkedHashSet<>();
    for (int i = 0; i < servers.size(); i++) {
      JsonNode s = servers.get(i);
      String at = "mcp_servers." + i;
      if (!"url".equals(s.path("type").asText())) {
        throw ProviderError.badRequest(at + ".type: Input should be 'url'", "mcp_servers");
      }
      for (String field : new String[] {"url", "name"}) {
        if (!s.path(field).isTextual()) {
          throw ProviderError.badRequest(at + "." + field + ": Field required", "mcp_servers");
        }
      }
      JsonNode token = s.get("authorization_token");
      if (token != null && !token.isNull() && !token.isTextual()) {
        throw ProviderError.badRequest(
            at + ".authorization_token: Input should be a valid string", "mcp_servers");
      }
      String name = s.get("name").asText();
      if (!names.add(name)) {
        throw ProviderError.badRequest(
            "mcp_servers: MCP server names must be unique: '" + name + "'", "mcp_servers");
      }
      if (s.has("tool_configuration")) {
        throw ProviderError.badRequest(
            at + ".tool_configuration: Extra inputs are not permitted", "mcp_servers");
      }
    }
    Map<String, JsonNode> toolsets = new java.util.HashMap<>();
    for (JsonNode t : body.path("tools")) {
      if ("mcp_toolset".equals(t.path("type").asText())) {
        String server = t.path("mcp_server_name").asText("");
        if (!names.contains(server)) {
          throw ProviderError.badRequest(
              "tools: mcp_toolset names MCP server '" + server + "', which mcp_servers lacks",
              "tools");
        }
        if (toolsets.put(server, t) != null) {
          throw ProviderError.badRequest(
              "tools: MCP server '" + server + "' is referenced by more than one mcp_toolset",
              "tools");
        }
      }
    }
    for (String name : names) {
      JsonNode toolset = toolsets.get(name);
      if (toolset == null) {
        throw ProviderError.badRequest(
            "mcp_servers: MCP server '" + name + "' must be referenced by one mcp_toolset in tools",
            "mcp_servers");
      }
      boolean byDefault = toolset.path("default_config").path("enabled").asBoolean(true);
      List<String> allowed = new ArrayList<>();
      toolset
          .path("configs")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().path("enabled").asBoolean(byDefault)) {
                  allowed.add(e.getKey());
                }
              });
      if (byDefault || !allowed.isEmpty()) {
        // All tools (an empty list) when enabled by default; else only those enabled one by one.
        out.add(new RemoteMcpCalls.Server(name, byDefault ? List.of() : allowed));
      }
    }
    return out;
  }

  /**
   * A computer tool is beta: the request must name the version's beta in {@code anthropic-beta}
   * (computer-use-2025-01-24 for {@code computer_20250124}, ...), or Anthropic does not know the
   * tool's type.
   */
  private static void checkComputerBeta(ObjectNode body, String betaHeader) {
    JsonNode tools = body.get("tools");
    if (tools == null || !tools.isArray()) {
      return;
    }
    Set<String> betas = new java.util.HashSet<>();
    if (betaHeader != null) {
      for (String b : betaHeader.split(",")) {
        betas.add(b.trim());
      }
    }
    for (int i = 0; i < tools.size(); i++) {
      String type = tools.get(i).path("type").asText("");
      String beta = AnthropicRequest.COMPUTER_BETAS.get(type);
      if (beta != null && !betas.contains(beta)) {
        throw ProviderError.badRequest(
            "tools."
                + i
                + ": Input tag '"
                + type
                + "' found using 'type' is not enabled: the tool needs the beta header"
                + " 'anthropic-beta: "
                + beta
                + "'",
            "tools");
      }
    }
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    String id = AnthropicResponse.messageId("msg_", request);
    FakeHttpResponse response =
        request.stream()
            ? FakeHttpResponse.sse(AnthropicResponse.stream(id, request, answer))
            : FakeHttpResponse.json(
                200, Json.write(AnthropicResponse.message(id, request, answer)));
    return response.withHeaders(headers(limits, newRequestId()));
  }

  /**
   * Anthropic's words: "prompt is too long" when the input alone overflows, else the one about
   * input plus {@code max_tokens}.
   */
  @Override
  public String contextLengthMessage(long window, long input, long maxOutput) {
    if (input > window) {
      return "prompt is too long: " + input + " tokens > " + window + " maximum";
    }
    return "input length and `max_tokens` exceed context limit: "
        + input
        + " + "
        + maxOutput
        + " > "
        + window
        + ", decrease input length or `max_tokens` and try again";
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    String type;
    String text = message;
    int status = kind.status;
    switch (kind) {
      case CONTEXT_LENGTH -> {
        type = "invalid_request_error";
      }
      case UNAUTHORIZED -> {
        type = "authentication_error";
        text = message.startsWith("missing") ? "x-api-key header is required" : "invalid x-api-key";
      }
      case NOT_FOUND -> {
        type = "not_found_error";
        text = "model: " + message.replaceAll("^model '(.*)' not found$", "$1");
      }
      case QUOTA_EXHAUSTED -> {
        // What the Messages API answers when the prepaid credit is used up: a 400, not a 429.
        type = "invalid_request_error";
        status = 400;
        text =
            "Your credit balance is too low to access the Anthropic API. Please go to Plans &"
                + " Billing to upgrade or purchase credits.";
      }
      case RATE_LIMIT -> {
        type = "rate_limit_error";
        text = rateLimitMessage(limits);
      }
      case SERVER_ERROR, BAD_GATEWAY, UNAVAILABLE -> {
        type = "api_error";
        text = "Internal server error";
      }
      case OVERLOADED -> {
        type = "overloaded_error";
        text = "Overloaded";
      }
      default -> type = "invalid_request_error";
    }
    String requestId = newRequestId();
    ObjectNode body = Json.object().put("type", "error");
    body.putObject("error").put("type", type).put("message", text);
    body.put("request_id", requestId);
    return FakeHttpResponse.json(status, Json.write(body)).withHeaders(headers(limits, requestId));
  }

  /** Anthropic's wording for the limit that was hit, with its size. */
  private static String rateLimitMessage(RateLimitState limits) {
    if ("concurrency".equals(limits.limitedBy())) {
      return "Number of concurrent connections has exceeded your rate limit. Please try again later or contact sales at "
          + "https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.";
    }
    boolean tokens = "tokens".equals(limits.limitedBy());
    String what =
        tokens
            ? String.format(Locale.ROOT, "%,d input tokens per minute", limits.tokenLimit())
            : String.format(Locale.ROOT, "%,d requests per minute", limits.requestLimit());
    return "This request would exceed the rate limit for your organization of "
        + what
        + ". For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response headers for current usage. "
        + (tokens
            ? "Please reduce the prompt length or the maximum tokens requested, or try again later."
            : "Please try again later.")
        + " You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.";
  }

  /**
   * {@code request-id} and the rate-limit families whose limit is set, each with {@code -limit},
   * {@code -remaining} and an RFC 3339 {@code -reset}; {@code retry-after} on a 429. The fake has
   * one token bucket (input plus requested output), so the {@code tokens}, {@code input-tokens} and
   * {@code output-tokens} families all report it.
   */
  private static Map<String, String> headers(RateLimitState limits, String requestId) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("request-id", requestId);
    if (limits.requestLimit() > 0) {
      family(
          h,
          "requests",
          limits.requestLimit(),
          limits.requestsRemaining(),
          limits.requestsResetNanos());
    }
    if (limits.tokenLimit() > 0) {
      for (String tokens : new String[] {"tokens", "input-tokens", "output-tokens"}) {
        family(h, tokens, limits.tokenLimit(), limits.tokensRemaining(), limits.tokensResetNanos());
      }
    }
    if (limits.limitedBy() != null) {
      h.put("retry-after", String.valueOf(limits.retryAfterSeconds()));
    }
    return h;
  }

  private static void family(
      Map<String, String> h, String name, long limit, long remaining, long resetNanos) {
    String prefix = "anthropic-ratelimit-" + name + "-";
    h.put(prefix + "limit", String.valueOf(limit));
    h.put(prefix + "remaining", String.valueOf(remaining));
    h.put(prefix + "reset", rfc3339In(resetNanos));
  }

  /**
   * The time {@code nanos} from now, rounded up to the second, as RFC 3339 in UTC ({@code
   * 2025-01-15T14:24:00Z}).
   */
  private static String rfc3339In(long nanos) {
    long millis = System.currentTimeMillis() + (nanos + 999_999) / 1_000_000;
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond((millis + 999) / 1000));
  }

  /** A fresh id in Anthropic's {@code req_} form. */
  private static String newRequestId() {
    return Bodies.id("req_", UUID.randomUUID().toString());
  }
}

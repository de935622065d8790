package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.tool.BuiltinTool;
import dev.beamllm.tool.WebSearch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic Messages ({@code POST {api_base}/messages}): the key in {@code x-api-key}, {@code
 * anthropic-version: 2023-06-01}, and an {@code anthropic-beta} header merging the betas the
 * request needs with those in the client's extra headers. The body is {@link AnthropicBody}'s,
 * answers are read by {@link AnthropicAnswer}, streams by {@link AnthropicStreamDecoder}.
 * Reference: docs.anthropic.com/en/api/messages, /en/api/rate-limits, /en/api/beta-headers.
 */
public final class AnthropicAdapter extends BaseAdapter {

  @Override
  protected String path(ProviderRequest r) {
    return "/messages";
  }

  /**
   * {@code anthropic-version}, {@code x-api-key}, and {@code anthropic-beta} with the betas the
   * request needs merged with those of the client's extra headers.
   */
  @Override
  protected Map<String, String> headers(ProviderRequest r) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("anthropic-version", AnthropicBody.VERSION);
    r.credentials().key().ifPresent(k -> headers.put("x-api-key", k));
    Set<String> betas = AnthropicBody.betas(r);
    if (!betas.isEmpty()) {
      headers.put(AnthropicBody.BETA_HEADER, String.join(",", betas));
    }
    return headers;
  }

  @Override
  protected ObjectNode body(ProviderRequest r) {
    return AnthropicBody.build(r);
  }

  /** The client's extra headers without {@code anthropic-beta}, which {@link #headers} merged. */
  @Override
  protected Map<String, String> extraHeaders(ProviderRequest r) {
    return AnthropicBody.headersWithoutBetas(r.extraHeaders());
  }

  /** {@link AnthropicBody#warnings}: thinking turned off over a tool-use turn. */
  @Override
  public List<String> warnings(ProviderRequest r) {
    return AnthropicBody.warnings(r, true);
  }

  @Override
  public ParsedAnswer parse(ProviderRequest r, HttpAnswer answer) {
    JsonNode root = Errors.body("Anthropic", answer);
    return AnthropicAnswer.parse(root, AnthropicBody.outputToolSchema(r).isPresent());
  }

  @Override
  public ApiError error(HttpAnswer answer) {
    return AnthropicErrors.of(answer);
  }

  @Override
  public StreamDecoder streamDecoder(ProviderRequest r) {
    return new AnthropicStreamDecoder(AnthropicBody.outputToolSchema(r).isPresent());
  }

  /**
   * The {@code anthropic-ratelimit-requests-*} and {@code -tokens-*} headers; where the combined
   * token family is absent, the {@code -input-tokens-*} one, which limits the same requests.
   */
  @Override
  public RateLimitInfo rateLimits(HttpAnswer a) {
    return new RateLimitInfo(
        num(a, "requests-limit"),
        num(a, "requests-remaining"),
        tokens(a, "limit"),
        tokens(a, "remaining"));
  }

  private static long tokens(HttpAnswer a, String what) {
    long combined = num(a, "tokens-" + what);
    return combined >= 0 ? combined : num(a, "input-tokens-" + what);
  }

  private static long num(HttpAnswer a, String suffix) {
    Optional<String> v = a.header("anthropic-ratelimit-" + suffix);
    try {
      return v.map(s -> Long.parseLong(s.trim())).orElse(-1L);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Web search, a server tool of Anthropic's API. */
  @Override
  public boolean runs(BuiltinTool tool) {
    return tool instanceof WebSearch;
  }

  /** Anthropic's MCP connector ({@code mcp_servers}, {@link AnthropicBody#MCP_BETA}). */
  @Override
  public boolean callsRemoteMcp() {
    return true;
  }
}

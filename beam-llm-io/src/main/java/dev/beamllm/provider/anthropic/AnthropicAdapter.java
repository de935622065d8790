package dev.beamllm.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import dev.beamllm.provider.BatchApi;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ParsedAnswer;
import dev.beamllm.provider.ProviderException;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.RateLimitInfo;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.provider.internal.BaseAdapter;
import dev.beamllm.provider.internal.Errors;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.tool.BuiltinTool;
import dev.beamllm.tool.WebSearch;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic Messages ({@code POST {api_base}/messages}): the key in {@code x-api-key}, {@code
 * anthropic-version: 2023-06-01}, and an {@code anthropic-beta} header merging the betas the
 * request needs with those in the client's extra headers. The body is {@link AnthropicBody}'s,
 * answers are read by {@link AnthropicAnswer}, streams by {@link AnthropicStreamDecoder}. Message
 * Batches ({@link BatchApi}, JSON in {@link AnthropicBatches}) carry the same body per request, and
 * every batch call the same headers. Reference: docs.anthropic.com/en/api/messages,
 * /en/api/rate-limits, /en/api/beta-headers, /en/api/creating-message-batches.
 */
public final class AnthropicAdapter extends BaseAdapter implements BatchApi {

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

  /**
   * Anthropic's own API only: Bedrock serves Claude in another wire format, with batch inference of
   * its own.
   */
  @Override
  public boolean batches(ModelSpec model) {
    return model.provider().equals("anthropic") && model.wireFormat() == WireFormat.ANTHROPIC;
  }

  @Override
  public Limits limits() {
    return AnthropicBatches.LIMITS;
  }

  /**
   * {@code {"custom_id", "params"}} with the body {@code POST /messages} would get, unstreamed.
   *
   * @throws IllegalArgumentException for a custom id Anthropic refuses
   */
  @Override
  public String item(String customId, ProviderRequest r) {
    return AnthropicBatches.item(customId, unstreamedBody(r));
  }

  /** None: the requests go in the create call. */
  @Override
  public HttpCall upload(ProviderRequest r, List<String> items) {
    return null;
  }

  /** Never called, as there is no upload. */
  @Override
  public String uploadedId(HttpAnswer answer) {
    throw new UnsupportedOperationException("Anthropic Message Batches have no upload");
  }

  /** {@code POST /messages/batches} with {@code {"requests": [items]}}. */
  @Override
  public HttpCall create(ProviderRequest r, List<String> items, String uploadedId) {
    return call(r, "POST", "/messages/batches", AnthropicBatches.createBody(items));
  }

  @Override
  public Status status(HttpAnswer answer) {
    return AnthropicBatches.status(answer);
  }

  /** {@code GET /messages/batches/{id}}. */
  @Override
  public HttpCall poll(ProviderRequest r, String batchId) {
    return call(r, "GET", "/messages/batches/" + batchId, "");
  }

  /** {@code POST /messages/batches/{id}/cancel}. */
  @Override
  public HttpCall cancel(ProviderRequest r, String batchId) {
    return call(r, "POST", "/messages/batches/" + batchId + "/cancel", "");
  }

  /**
   * {@code GET} of the batch's {@code results_url}, with the same headers as every call: the URL is
   * on the API's own host ({@code {api_base}/messages/batches/{id}/results}).
   *
   * @throws ProviderException {@code INVALID_RESPONSE} for a {@code results_url} on another host,
   *     which is not sent the key
   */
  @Override
  public List<HttpCall> resultCalls(ProviderRequest r, Status status) {
    String base = baseUrl(r);
    List<HttpCall> calls = new ArrayList<>();
    for (String url : status.resultRefs()) {
      if (url.startsWith(base + "/")) {
        calls.add(call(r, "GET", url.substring(base.length()), ""));
        continue;
      }
      URI target = URI.create(url);
      URI api = URI.create(base);
      if (!sameOrigin(target, api)) {
        throw new ProviderException(
            ApiError.of(
                ErrorKind.INVALID_RESPONSE,
                "Anthropic Message Batches: results_url is not on the API's host "
                    + api.getHost()));
      }
      HttpCall c = call(r, "GET", "", "");
      calls.add(new HttpCall(c.method(), target, c.headers(), c.body()));
    }
    return calls;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme())
        && Objects.equals(a.getHost(), b.getHost())
        && a.getPort() == b.getPort();
  }

  /** The results' lines by custom id; the batch's own answer adds nothing to them. */
  @Override
  public Map<String, Outcome> results(HttpAnswer ended, List<HttpAnswer> fetched) {
    return AnthropicBatches.results(fetched);
  }
}

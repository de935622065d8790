package dev.beamllm.provider.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.ProviderAdapter;
import dev.beamllm.provider.ProviderRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request of a JSON-over-HTTP API built in named steps, after LiteLLM's {@code BaseConfig}:
 * {@link #baseUrl} and {@link #path} ({@code get_complete_url}), {@link #headers} ({@code
 * validate_environment}), {@link #body} ({@code transform_request}) and {@link #sign} ({@code
 * sign_request}). {@link #request} assembles them once for every adapter: the body first (so a
 * request the API cannot carry fails before anything else) with the client's extra body merged in,
 * then {@code content-type: application/json}, the adapter's headers, the signature, and last the
 * client's extra headers, which win over the adapter's.
 */
public abstract class BaseAdapter implements ProviderAdapter {

  /** For subclasses. */
  protected BaseAdapter() {}

  /** {@code POST} of {@link #body} to {@link #baseUrl} plus {@link #path}. */
  @Override
  public final HttpCall request(ProviderRequest request) {
    return call(request, "POST", path(request), bodyText(request));
  }

  /**
   * The body {@link #request} sends for this request, never streamed: what an item of a provider's
   * batch carries, since a batch answers each request whole.
   */
  protected final String unstreamedBody(ProviderRequest request) {
    if (!request.stream()) {
      return bodyText(request);
    }
    ProviderRequest r = request;
    return bodyText(
        new ProviderRequest(
            r.model(),
            r.conversation(),
            r.params(),
            r.tools(),
            r.credentials(),
            r.extraHeaders(),
            r.serviceTier(),
            false,
            r.extraBody(),
            r.remoteMcpServers(),
            r.promptCache()));
  }

  /** {@link #body} with the client's extra body merged in, as JSON text. */
  private String bodyText(ProviderRequest request) {
    ObjectNode body = body(request);
    if (request.extraBody() != null) {
      merge(body, (ObjectNode) Json.parse(request.extraBody()));
    }
    return Json.write(body);
  }

  /**
   * Merges the client's extra body into the adapter's: objects key by key, so {@code
   * {"generationConfig": {"topK": 5}}} adds to Gemini's generation config; any other value replaces
   * the adapter's.
   */
  private static void merge(ObjectNode into, ObjectNode extra) {
    extra
        .fields()
        .forEachRemaining(
            e -> {
              if (into.get(e.getKey()) instanceof ObjectNode mine
                  && e.getValue() instanceof ObjectNode theirs) {
                merge(mine, theirs);
              } else {
                into.set(e.getKey(), e.getValue());
              }
            });
  }

  /**
   * One call of this API, assembled as {@link #request} assembles its own: for the other calls an
   * API has, such as polling a background job.
   *
   * @param method the HTTP method
   * @param path appended to {@link #baseUrl}, with any query
   * @param body the body, empty for none
   */
  protected final HttpCall call(ProviderRequest request, String method, String path, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.putAll(headers(request));
    HttpCall call =
        sign(request, new HttpCall(method, URI.create(baseUrl(request) + path), headers, body));
    Map<String, String> merged = new LinkedHashMap<>(call.headers());
    merged.putAll(extraHeaders(request));
    return call.withHeaders(merged);
  }

  /** The model's {@code api_base} without trailing slashes; a path is appended to it. */
  protected String baseUrl(ProviderRequest request) {
    return request.model().apiBase().replaceAll("/+$", "");
  }

  /** The path of the request (with any query), appended to {@link #baseUrl}. */
  protected abstract String path(ProviderRequest request);

  /**
   * The API's own headers, usually the key and a version; {@code content-type} and the client's
   * extra headers are added around them.
   */
  protected abstract Map<String, String> headers(ProviderRequest request);

  /**
   * The JSON body: the conversation as the API renders it, with model, sampling parameters, tools
   * and options.
   *
   * @throws UnsupportedOperationException when the API cannot carry the request as asked (a stream
   *     it cannot decode, an option it lacks)
   */
  protected abstract ObjectNode body(ProviderRequest request);

  /**
   * The call signed, for APIs that sign requests (Bedrock's SigV4); the client's extra headers are
   * added after, unsigned. By default the call as it is.
   */
  protected HttpCall sign(ProviderRequest request, HttpCall call) {
    return call;
  }

  /** The client's extra headers as this API takes them; by default all of them, unchanged. */
  protected Map<String, String> extraHeaders(ProviderRequest request) {
    return request.extraHeaders();
  }

  /**
   * The key as a bearer token ({@code authorization: Bearer KEY}), the way most APIs take it; no
   * header when the model needs no key (a local server).
   */
  protected static Map<String, String> bearerKey(ProviderRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    request.credentials().key().ifPresent(k -> headers.put("authorization", "Bearer " + k));
    return headers;
  }
}

package dev.beamllm.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response to write: status, headers and body (JSON, or server-sent events).
 *
 * @param status the HTTP status
 * @param headers extra headers
 * @param body the body
 * @param contentType the content type
 */
record FakeHttpResponse(int status, Map<String, String> headers, String body, String contentType) {
  static final String JSON = "application/json";
  static final String SSE = "text/event-stream";

  static FakeHttpResponse json(int status, String body) {
    return new FakeHttpResponse(status, new LinkedHashMap<>(), body, JSON);
  }

  static FakeHttpResponse sse(String body) {
    return new FakeHttpResponse(200, new LinkedHashMap<>(), body, SSE);
  }

  /** This response with more headers. */
  FakeHttpResponse withHeaders(Map<String, String> more) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putAll(more);
    return new FakeHttpResponse(status, h, body, contentType);
  }
}

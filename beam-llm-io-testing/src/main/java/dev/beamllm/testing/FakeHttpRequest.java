package dev.beamllm.testing;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the dialects see it.
 *
 * @param method the method, upper case
 * @param path the path without the query
 * @param query query parameters
 * @param headers headers with lower-case names
 * @param body the body as UTF-8 text
 */
record FakeHttpRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, String> headers,
    String body) {

  /** A header, or null. */
  String header(String name) {
    return headers.get(name);
  }

  /** The first value of a query parameter, or null. */
  String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The bearer token of the Authorization header, or null. */
  String bearer() {
    String auth = header("authorization");
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim()
        : null;
  }
}

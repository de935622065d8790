package dev.beamllm.testing;

import java.nio.charset.StandardCharsets;
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
 * @param rawBody the body's bytes as received, kept only for a multipart upload (whose files may be
 *     binary, which the text form mangles); null otherwise, as the text is exact then
 */
record FakeHttpRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, String> headers,
    String body,
    byte[] rawBody) {

  /** A request whose body is text only. */
  FakeHttpRequest(
      String method,
      String path,
      Map<String, List<String>> query,
      Map<String, String> headers,
      String body) {
    this(method, path, query, headers, body, null);
  }

  /** The body's bytes: as received for a multipart upload, else the text's UTF-8. */
  byte[] bodyBytes() {
    return rawBody != null ? rawBody : body.getBytes(StandardCharsets.UTF_8);
  }

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

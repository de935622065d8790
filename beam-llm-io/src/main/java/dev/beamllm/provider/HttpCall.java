package dev.beamllm.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request an adapter built: a text body (JSON, the usual case) or, for uploads such as an
 * audio file in a {@code multipart/form-data} body, a binary one ({@link #binary}), which the
 * transports send byte for byte.
 *
 * @param method the method
 * @param uri the URL
 * @param headers the headers (secrets included: never log them)
 * @param body the text body; empty for none and for a binary call
 * @param binaryBody the binary body, or null for a text call. Not copied (an upload may be tens of
 *     megabytes): the builder hands it over and nobody changes it afterwards
 */
public record HttpCall(
    String method, URI uri, Map<String, String> headers, String body, byte[] binaryBody) {
  /** Copies the headers; refuses a call with both a text and a binary body. */
  public HttpCall {
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    if (binaryBody != null && !body.isEmpty()) {
      throw new IllegalArgumentException("a call has a text body or a binary one, not both");
    }
  }

  /** A call with a text body (empty for none). */
  public HttpCall(String method, URI uri, Map<String, String> headers, String body) {
    this(method, uri, headers, body, null);
  }

  /** A call whose body is these bytes, sent unchanged (the headers give its content type). */
  public static HttpCall binary(String method, URI uri, Map<String, String> headers, byte[] bytes) {
    return new HttpCall(method, uri, headers, "", Objects.requireNonNull(bytes, "bytes"));
  }

  /** This call with other headers, its body (text or binary) kept. */
  public HttpCall withHeaders(Map<String, String> newHeaders) {
    return new HttpCall(method, uri, newHeaders, body, binaryBody);
  }

  /** The bytes to send: the binary body, else the text body in UTF-8. */
  public byte[] bodyBytes() {
    return binaryBody != null ? binaryBody : body.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether there is anything to send. */
  public boolean hasBody() {
    return binaryBody != null ? binaryBody.length > 0 : !body.isEmpty();
  }

  /** Compares the binary body by content, as the text one is. */
  @Override
  public boolean equals(Object o) {
    return o instanceof HttpCall c
        && method.equals(c.method)
        && uri.equals(c.uri)
        && headers.equals(c.headers)
        && body.equals(c.body)
        && Arrays.equals(binaryBody, c.binaryBody);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, body, Arrays.hashCode(binaryBody));
  }

  @Override
  public String toString() {
    return method
        + " "
        + uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + uri.getPath();
  }
}

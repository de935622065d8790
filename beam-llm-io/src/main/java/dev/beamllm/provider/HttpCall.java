package dev.beamllm.provider;

import java.net.URI;
import java.util.Map;

/**
 * An HTTP request an adapter built.
 *
 * @param method the method
 * @param uri the URL
 * @param headers the headers (secrets included: never log them)
 * @param body the body
 */
public record HttpCall(String method, URI uri, Map<String, String> headers, String body) {
  /** Copies the headers. */
  public HttpCall {
    headers = Map.copyOf(headers);
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

package dev.beamllm.provider;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A remote MCP server the provider calls itself, as sent: its {@code ${NAME}} references already
 * read where the request is built. Header values are secrets: {@link #toString} shows their names
 * only.
 *
 * @param name the server's name (OpenAI's {@code server_label}, Anthropic's {@code name})
 * @param url its endpoint
 * @param headers the headers the provider sends it (Anthropic takes only {@code Authorization:
 *     Bearer <token>}, as {@code authorization_token})
 * @param allowedTools the only tools the model may call, or empty for all
 */
public record RemoteMcpServer(
    String name, String url, Map<String, String> headers, List<String> allowedTools) {

  /** Copies the maps and lists. */
  public RemoteMcpServer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    allowedTools = List.copyOf(allowedTools);
  }

  /** Names and URL only; header values masked. */
  @Override
  public String toString() {
    return "RemoteMcpServer{" + name + ", " + url + ", headers=" + headers.keySet() + "}";
  }
}

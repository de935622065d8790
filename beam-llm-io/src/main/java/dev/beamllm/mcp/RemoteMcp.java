package dev.beamllm.mcp;

/**
 * Who runs the tools of the client's remote MCP servers ({@code
 * ClientConfig.withRemoteMcpServers}).
 */
public enum RemoteMcp {
  /**
   * The provider: the servers go in each request (OpenAI Responses' {@code mcp} tool, Anthropic's
   * {@code mcp_servers}) and the provider calls them itself; its calls and their results come back
   * in the answer's message as {@code ServerToolUse} parts. A model whose API cannot call MCP
   * servers is refused before anything is sent ({@code UNSUPPORTED}, naming the model). The
   * default.
   */
  PROVIDER,
  /**
   * This library: nothing about the servers is sent to the provider; {@code LlmIO.agent()} lists
   * their tools when the pipeline is built and runs them in its loop like any MCP server's tools (a
   * plain completion offers them no tools).
   */
  LOCAL
}

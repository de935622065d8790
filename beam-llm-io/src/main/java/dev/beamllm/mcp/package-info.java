/**
 * MCP servers' tools as {@link dev.beamllm.tool.ExecutableTool}s: {@link
 * dev.beamllm.mcp.McpServers} reads a Claude-Desktop-style configuration (or is built from {@link
 * dev.beamllm.mcp.McpServer}s) and lists the servers' tools, which call the servers through one
 * shared client per server per JVM (the official MCP Java SDK). Builds on {@code tool} and {@code
 * prompt} only.
 */
package dev.beamllm.mcp;

package dev.beamllm.tool;

import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * A tool with the code that runs it: a Java method or lambda ({@link Tools}), an MCP server's tool,
 * a ready tool. The {@link ToolSet} runs the model's calls through it. Serializable so that a Beam
 * transform can carry it to its workers.
 */
public interface ExecutableTool extends Serializable {
  /** What the model is told: name, description, argument schema. */
  Tool definition();

  /**
   * Runs one call. Arguments are the model's JSON object text, not yet checked. A tool reports bad
   * arguments and its own failures as an error {@link ToolOutput}; a future that completes
   * exceptionally is turned into one by the {@link ToolSet}. Must not block the calling thread for
   * long: a tool that blocks runs on its own executor.
   */
  CompletableFuture<ToolOutput> call(String argumentsJson);

  /**
   * Lets go of what the tool holds in this JVM (an MCP server's shared client, say) when its user
   * is done with it: a Beam worker's teardown, a launcher after its job. Nothing by default.
   */
  default void release() {}

  /** The tool's name. */
  default String name() {
    return definition().name();
  }
}

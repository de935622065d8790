package dev.beamllm.tool;

import java.util.concurrent.CompletableFuture;

/** A tool offered under another definition of its name ({@link Tools#offeredAs}). */
final class RedefinedTool implements ExecutableTool {
  private static final long serialVersionUID = 1L;

  private final ExecutableTool tool;
  private final Tool definition;

  RedefinedTool(ExecutableTool tool, Tool definition) {
    this.tool = tool;
    this.definition = definition;
  }

  @Override
  public Tool definition() {
    return definition;
  }

  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    return tool.call(argumentsJson);
  }

  @Override
  public void release() {
    tool.release();
  }
}

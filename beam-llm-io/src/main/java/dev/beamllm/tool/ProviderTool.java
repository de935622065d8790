package dev.beamllm.tool;

import java.util.concurrent.CompletableFuture;

/** A tool the provider runs, in a {@link ToolSet} only to be offered ({@link Tools#onProvider}). */
final class ProviderTool implements ExecutableTool {
  private static final long serialVersionUID = 1L;

  private final Tool definition;

  ProviderTool(Tool definition) {
    this.definition = definition;
  }

  @Override
  public Tool definition() {
    return definition;
  }

  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    return CompletableFuture.completedFuture(
        ToolOutput.error(
            "'"
                + definition.name()
                + "' is the provider's "
                + definition.builtin().describe()
                + ", which runs on the provider's side; it cannot be called here"));
  }
}

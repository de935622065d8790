package dev.beamllm.tool;

import dev.beamllm.model.RecordSchemas;
import java.util.concurrent.CompletableFuture;

/** A tool whose arguments bind to a record and whose code is a {@link ToolHandler}. */
final class FunctionTool<A extends Record> implements ExecutableTool {
  private static final long serialVersionUID = 1L;

  private final Tool definition;
  private final Class<A> arguments;
  private final ToolHandler<A> handler;

  FunctionTool(String name, String description, Class<A> arguments, ToolHandler<A> handler) {
    this.definition = new Tool(name, description, RecordSchemas.of(arguments));
    this.arguments = arguments;
    this.handler = handler;
  }

  private FunctionTool(Tool definition, Class<A> arguments, ToolHandler<A> handler) {
    this.definition = definition;
    this.arguments = arguments;
    this.handler = handler;
  }

  /** The same tool, strict or not. */
  FunctionTool<A> withStrict(boolean strict) {
    return new FunctionTool<>(definition.withStrict(strict), arguments, handler);
  }

  @Override
  public Tool definition() {
    return definition;
  }

  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            A bound =
                arguments.cast(
                    ToolArguments.bind(
                        ToolArguments.parse(argumentsJson, definition), arguments, "$"));
            return ToolArguments.output(handler.apply(bound));
          } catch (Exception | LinkageError e) {
            return ToolArguments.failure(definition.name(), e);
          }
        },
        ToolThreads.EXECUTOR);
  }
}

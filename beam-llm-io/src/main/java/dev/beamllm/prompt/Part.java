package dev.beamllm.prompt;

/**
 * One piece of a {@link Message}: text, an image, a file, a tool call, a tool result or the model's
 * thinking. Parts are immutable values.
 */
public sealed interface Part permits Text, Image, File, ToolCall, ToolResult, Thinking {

  /** The part's type name in the project's JSON form ({@code text}, {@code image}, ...). */
  String type();
}

package dev.beamllm.prompt;

/**
 * One piece of a {@link Message}: text, an image, a file, audio, a tool call, a tool result, the
 * model's thinking or a tool the provider ran itself. Parts are immutable values.
 */
public sealed interface Part
    permits Text, Image, File, Audio, ToolCall, ToolResult, Thinking, ServerToolUse {

  /** The part's type name in the project's JSON form ({@code text}, {@code image}, ...). */
  String type();
}

package dev.beamllm.prompt;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The result of a {@link ToolCall}, sent back to the model.
 *
 * @param callId the id of the call this answers
 * @param content text and images the tool returned
 * @param isError true when the tool failed and the content describes the error
 */
public record ToolResult(String callId, List<Part> content, boolean isError) implements Part {

  /** Checks that the content holds only text and images. */
  public ToolResult {
    Objects.requireNonNull(callId, "callId");
    content = List.copyOf(content);
    for (Part part : content) {
      if (!(part instanceof Text) && !(part instanceof Image)) {
        throw new InvalidPromptException(
            "tool result for '" + callId + "' may hold text and images, not " + part.type());
      }
    }
  }

  /** A successful text result. */
  public static ToolResult of(String callId, String text) {
    return new ToolResult(callId, List.of(new Text(text)), false);
  }

  /** A failed call, with the error text. */
  public static ToolResult error(String callId, String text) {
    return new ToolResult(callId, List.of(new Text(text)), true);
  }

  /** The text parts joined by newlines. */
  public String text() {
    return content.stream()
        .filter(Text.class::isInstance)
        .map(p -> ((Text) p).text())
        .collect(Collectors.joining("\n"));
  }

  /** True when the result carries at least one image. */
  public boolean hasImages() {
    return content.stream().anyMatch(Image.class::isInstance);
  }

  @Override
  public String type() {
    return "tool_result";
  }
}

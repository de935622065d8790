package dev.beamllm.tool;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What one tool call returned: text and images, or an error the model reads and may correct
 * (arguments that do not fit the schema, a failing tool, a timeout).
 *
 * @param content text and images
 * @param isError whether the call failed and the content says why
 */
public record ToolOutput(List<Part> content, boolean isError) implements Serializable {

  /** Checks that the content holds only text and images, as every provider's tool result may. */
  public ToolOutput {
    content = List.copyOf(Objects.requireNonNull(content, "content"));
    for (Part part : content) {
      if (!(part instanceof Text) && !(part instanceof Image)) {
        throw new IllegalArgumentException(
            "a tool's output may hold text and images, not " + part.type());
      }
    }
  }

  /** A text result. */
  public static ToolOutput text(String text) {
    return new ToolOutput(List.of(new Text(text)), false);
  }

  /** An error the model will see. */
  public static ToolOutput error(String message) {
    return new ToolOutput(List.of(new Text(message)), true);
  }

  /** A result of text and images. */
  public static ToolOutput of(List<Part> content) {
    return new ToolOutput(content, false);
  }

  /** The result part answering {@code call}. */
  public ToolResult toResult(ToolCall call) {
    return new ToolResult(call.id(), content, isError);
  }
}

package dev.beamllm.prompt;

import java.util.Objects;

/**
 * Plain text.
 *
 * @param text the text, never null
 */
public record Text(String text) implements Part {

  /** Checks that the text is not null. */
  public Text {
    Objects.requireNonNull(text, "text");
  }

  @Override
  public String type() {
    return "text";
  }
}

package dev.beamllm.client;

import java.io.Serializable;
import java.util.Objects;

/**
 * A text to embed, with the id its embedding carries back.
 *
 * @param id the text's id, or null
 * @param text the text
 */
public record TextInput(String id, String text) implements Serializable {
  /** Checks the text is there. */
  public TextInput {
    Objects.requireNonNull(text, "text");
  }

  /** A text without id. */
  public static TextInput of(String text) {
    return new TextInput(null, text);
  }
}

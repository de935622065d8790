package dev.beamllm.prompt;

import java.util.Objects;

/**
 * Plain text.
 *
 * @param text the text, never null
 * @param itemId the id of the OpenAI Responses output item ({@code msg_...}) the text came in, kept
 *     so the item can be replayed whole after the reasoning item that needs it; null for any other
 *     text, which is what nearly all text has
 */
public record Text(String text, String itemId) implements Part {

  /** Checks that the text is not null; an empty item id is none. */
  public Text {
    Objects.requireNonNull(text, "text");
    if (itemId != null && itemId.isEmpty()) {
      itemId = null;
    }
  }

  /** Text with no provider item id. */
  public Text(String text) {
    this(text, null);
  }

  @Override
  public String type() {
    return "text";
  }
}

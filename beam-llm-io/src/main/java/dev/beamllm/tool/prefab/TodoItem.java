package dev.beamllm.tool.prefab;

import java.io.Serializable;
import java.util.Objects;

/**
 * One entry of a {@link TodoList}.
 *
 * @param id its number in the list, from 1, never reused after a removal
 * @param text what is to be done
 * @param done whether the agent marked it done
 */
public record TodoItem(int id, String text, boolean done) implements Serializable {
  /** Checks the id and the text. */
  public TodoItem {
    if (id < 1) {
      throw new IllegalArgumentException("id: must be at least 1, got " + id);
    }
    Objects.requireNonNull(text, "text");
  }
}

package dev.beamllm.extract;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import java.util.List;
import java.util.Objects;

/**
 * The one repair turn of an extraction: the conversation as it was sent, the model's invalid answer
 * as its turn, and a user message quoting what is wrong and asking for the corrected JSON alone.
 * Sent with the same schema, so providers with structured output still constrain the answer; the
 * model sees its own mistake, which fixes most slips (a missing field, a number as a string) at the
 * price of one more request for the rows that need it.
 */
public final class RepairTurn {
  private RepairTurn() {}

  /** The opening of the repair message, before the quoted errors. */
  public static final String PREAMBLE =
      "Your answer is not valid JSON for the required schema. The problems:";

  /** The close of the repair message, after the quoted errors. */
  public static final String REQUEST =
      "Reply with the corrected JSON only: one JSON value that satisfies the schema, with no"
          + " other text and no code fence.";

  /**
   * {@code sent} continued by the model's {@code answer} and the request to correct it.
   *
   * @param sent the conversation the invalid answer was given to (its id and metadata are kept)
   * @param checked the answer and its errors
   */
  public static Conversation of(Conversation sent, CheckedAnswer checked) {
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(checked, "checked");
    if (checked.isValid()) {
      throw new IllegalArgumentException("a valid answer needs no repair");
    }
    // An empty assistant turn is refused by some providers; say that it was empty instead.
    String answer = checked.answer().isBlank() ? "(empty answer)" : checked.answer();
    return sent.add(Message.assistant(answer)).add(Message.user(message(checked.errors())));
  }

  /** The repair message for these errors, one per line. */
  public static String message(List<String> errors) {
    StringBuilder sb = new StringBuilder(PREAMBLE).append('\n');
    for (String e : errors) {
      sb.append("- ").append(e).append('\n');
    }
    return sb.append(REQUEST).toString();
  }
}

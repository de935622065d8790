package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The request that judges one text: a system message with the question and the demand of a one-word
 * answer, Yes or No, then the text alone as the user's message (carrying itself, so a failure can
 * name the request). The conversation's id is the text's.
 */
final class ScorePrompt implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String question;
  private final String system;

  private ScorePrompt(String question) {
    this.question = question;
    this.system =
        "Answer the question below about the text the user sends with one word: Yes or No.\n\n"
            + "Question: "
            + question;
  }

  /**
   * The prompt for a question (not blank).
   *
   * @throws IllegalArgumentException when it is null or blank
   */
  static ScorePrompt of(String question) {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("question: must not be null or blank");
    }
    return new ScorePrompt(question.strip());
  }

  String question() {
    return question;
  }

  String system() {
    return system;
  }

  /** The request for one text. */
  LlmRequest request(@Nullable String id, String text) {
    Conversation c =
        HelperCarry.attach(Conversation.of(Message.system(system), Message.user(text)), text, null);
    return LlmRequest.of(id == null ? c : c.withId(id));
  }
}

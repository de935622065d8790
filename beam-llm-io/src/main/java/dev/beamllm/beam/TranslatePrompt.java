package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import java.io.Serializable;
import java.util.Locale;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The request that translates one text: a system message naming the target language (its English
 * name and ISO 639-1 code) and asking for the translation alone, then the text as the user's
 * message. The conversation's id is the text's.
 */
final class TranslatePrompt implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Set<String> ISO_639_1 = Set.of(Locale.getISOLanguages());

  private final String code;
  private final String system;

  private TranslatePrompt(String code) {
    this.code = code;
    String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
    this.system =
        "Translate the text the user sends into "
            + name
            + " (ISO 639-1 code: "
            + code
            + "). Answer with the translation only, without quotes, notes or explanations;"
            + " keep the meaning, the tone and the formatting.";
  }

  /**
   * The prompt for {@code targetLanguage}, an ISO 639-1 code (two letters, any case).
   *
   * @throws IllegalArgumentException when it is not one
   */
  static TranslatePrompt of(String targetLanguage) {
    if (targetLanguage == null) {
      throw new IllegalArgumentException("targetLanguage: must not be null");
    }
    String code = targetLanguage.trim().toLowerCase(Locale.ROOT);
    if (!code.matches("[a-z]{2}") || !ISO_639_1.contains(code)) {
      throw new IllegalArgumentException(
          "targetLanguage: an ISO 639-1 code such as \"fr\" or \"de\" is needed, got \""
              + targetLanguage
              + "\"");
    }
    return new TranslatePrompt(code);
  }

  /** The target language's ISO 639-1 code. */
  String code() {
    return code;
  }

  /** The system message. */
  String system() {
    return system;
  }

  /** The request for one text, carrying the text and its detected language. */
  LlmRequest request(@Nullable String id, String text, @Nullable String language) {
    Conversation c =
        HelperCarry.attach(
            Conversation.of(Message.system(system), Message.user(text)), text, language);
    return LlmRequest.of(id == null ? c : c.withId(id));
  }
}

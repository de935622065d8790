package dev.beamllm.prompt;

import java.util.Objects;
import java.util.Optional;

/**
 * The model's reasoning, kept so it can be sent back on the next turn (Anthropic requires its
 * signed thinking blocks to be returned unchanged during tool use).
 *
 * @param text the visible reasoning text; empty for redacted or encrypted reasoning
 * @param signature the provider's signature over the text (Anthropic {@code signature}, Gemini
 *     {@code thoughtSignature}), or null
 * @param raw the provider's own payload as a JSON string, for reasoning that can only be replayed
 *     verbatim (Anthropic {@code redacted_thinking}, an OpenAI Responses {@code reasoning} item),
 *     or null
 */
public record Thinking(String text, String signature, String raw) implements Part {

  /** Checks that the text is not null. */
  public Thinking {
    Objects.requireNonNull(text, "text");
  }

  /** Thinking text with no signature. */
  public static Thinking of(String text) {
    return new Thinking(text, null, null);
  }

  /** The signature, if the provider gave one. */
  public Optional<String> signatureIfAny() {
    return Optional.ofNullable(signature);
  }

  /** The raw provider payload, if any. */
  public Optional<String> rawIfAny() {
    return Optional.ofNullable(raw);
  }

  @Override
  public String type() {
    return "thinking";
  }
}

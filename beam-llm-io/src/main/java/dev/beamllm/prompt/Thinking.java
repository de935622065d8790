package dev.beamllm.prompt;

import dev.beamllm.prompt.internal.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * The model's reasoning, kept so it can be sent back on the next turn (Anthropic requires its
 * signed thinking blocks to be returned unchanged during tool use; Gemini its thought signatures).
 * Signatures and raw payloads are only valid with the provider that made them, so each carries its
 * origin and the formats send it back only there.
 *
 * @param text the visible reasoning text; empty for redacted or encrypted reasoning
 * @param signature the provider's signature (Anthropic {@code signature}, Gemini {@code
 *     thoughtSignature}, Bedrock {@code reasoningText.signature}), or null
 * @param raw the provider's own payload as a JSON string, for reasoning that can only be replayed
 *     verbatim (Anthropic {@code redacted_thinking}, an OpenAI Responses {@code reasoning} item),
 *     or null
 * @param origin the signature family that made it: {@link #ANTHROPIC}, {@link #GEMINI}, {@link
 *     #BEDROCK} or {@link #OPENAI}; null when unknown, which is never sent back signed
 */
public record Thinking(String text, String signature, String raw, String origin) implements Part {
  /** Anthropic Messages, also Claude through Bedrock {@code invoke}. */
  public static final String ANTHROPIC = "anthropic";

  /** Google Gemini. */
  public static final String GEMINI = "gemini";

  /** Bedrock Converse. */
  public static final String BEDROCK = "bedrock";

  /** OpenAI Responses. */
  public static final String OPENAI = "openai";

  /** Checks that the text is not null and brings the raw payload to canonical JSON. */
  public Thinking {
    Objects.requireNonNull(text, "text");
    if (raw != null) {
      raw = Json.canonical(Json.parse(raw));
    }
  }

  /** Thinking text with no signature and no known origin. */
  public static Thinking of(String text) {
    return new Thinking(text, null, null, null);
  }

  /** Thinking text signed by the given provider family. */
  public static Thinking signed(String text, String signature, String origin) {
    return new Thinking(
        text, Objects.requireNonNull(signature), null, Objects.requireNonNull(origin));
  }

  /** A raw provider payload (JSON) to be replayed verbatim to the same provider. */
  public static Thinking raw(String rawJson, String origin) {
    return new Thinking("", null, Objects.requireNonNull(rawJson), Objects.requireNonNull(origin));
  }

  /** The signature, if it was made by the given provider family. */
  public Optional<String> signatureFrom(String family) {
    return family.equals(origin) ? Optional.ofNullable(signature) : Optional.empty();
  }

  /** The raw payload, if it was made by the given provider family. */
  public Optional<String> rawFrom(String family) {
    return family.equals(origin) ? Optional.ofNullable(raw) : Optional.empty();
  }

  @Override
  public String type() {
    return "thinking";
  }
}

package dev.beamllm.testing;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import java.util.Locale;

/**
 * How the fake counts a request's prompt tokens, for its limits and the usage it reports. {@link
 * #TOKENIZER} counts as the client does (the same tokenizer); {@link #CHARS4} counts as several
 * providers' limiters estimate rather than tokenize: characters / 4 + 4 per message, so a client
 * that reserves by its tokenizer reserves less than it is charged.
 */
public enum TokenCounting {
  /** As the client's tokenizer counts. */
  TOKENIZER,
  /** Characters / 4 (rounded up) + 4 per message, tools not counted apart. */
  CHARS4;

  /**
   * Parses {@code tokenizer} or {@code chars4}.
   *
   * @throws IllegalArgumentException naming the modes
   */
  public static TokenCounting parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "tokenizer" -> TOKENIZER;
      case "chars4" -> CHARS4;
      default ->
          throw new IllegalArgumentException(
              "token count '" + name + "': one of tokenizer, chars4");
    };
  }

  /** The prompt tokens of a parsed request under this counting. */
  long inputTokens(ParsedRequest request) {
    if (this == TOKENIZER) {
      return request.inputTokens();
    }
    return chars4(request.conversation());
  }

  private static long chars4(Conversation conversation) {
    long tokens = 0;
    for (Message m : conversation.messages()) {
      tokens += (m.text().length() + 3) / 4 + 4;
    }
    return tokens;
  }
}

package dev.beamllm.testing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers of a context-length error, read back from the message the server hands every
 * dialect (OpenAI's wording: "maximum context length is W tokens. However, you requested T tokens
 * (I in the messages, M in the completion)"), so a dialect can say it in its provider's words.
 *
 * @param window the context window
 * @param input the input tokens
 * @param output the requested output tokens
 */
record ContextOverflow(long window, long input, long output) {
  private static final Pattern SERVER_MESSAGE = Pattern.compile(
      "maximum context length is (\\d+) tokens\\. However, you requested \\d+ tokens \\((\\d+) in the messages, (\\d+) in the completion\\)");

  /** The numbers in the server's message, or empty when it is worded otherwise. */
  static Optional<ContextOverflow> parse(String message) {
    Matcher m = SERVER_MESSAGE.matcher(message);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new ContextOverflow(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
  }

  /**
   * Anthropic's message: "prompt is too long" when the input alone overflows, else the one about
   * input plus {@code max_tokens}.
   */
  String anthropicMessage() {
    if (input > window) {
      return "prompt is too long: " + input + " tokens > " + window + " maximum";
    }
    return "input length and `max_tokens` exceed context limit: " + input + " + " + output + " > " + window
        + ", decrease input length or `max_tokens` and try again";
  }
}

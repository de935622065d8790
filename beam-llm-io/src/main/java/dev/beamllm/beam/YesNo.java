package dev.beamllm.beam;

import dev.beamllm.response.TokenLogprob;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a yes/no answer: the word from the text, and the probability of yes from the
 * log-probabilities where the model gave them.
 *
 * <p>The probability is read at the answer's first token that is a yes or a no ({@code "Yes"},
 * {@code " yes"}, {@code "NO"}...: the token without surrounding spaces, in any case): the
 * probabilities of that position's alternatives that are yes tokens are summed, likewise the no
 * tokens, and P(yes) = yes / (yes + no), so mass on other tokens ("Maybe", punctuation) does not
 * count. The chosen token counts as an alternative when the list lacks it. A provider that gives
 * the chosen token alone (no alternatives, Cohere) gives P(yes) = p for a yes and 1 - p for a no.
 */
final class YesNo {
  private YesNo() {}

  private static final Pattern WORD =
      Pattern.compile("^\\W*(yes|no)\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /** Yes (true) or no (false) from the answer's first word, or empty when it is neither. */
  static Optional<Boolean> answer(String text) {
    Matcher m = WORD.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1).toLowerCase(Locale.ROOT).equals("yes"));
  }

  /** P(yes) from the log-probabilities, or empty when no token is a yes or a no. */
  static Optional<Double> probability(List<TokenLogprob> logprobs) {
    for (TokenLogprob t : logprobs) {
      Boolean chosen = word(t.token());
      if (chosen == null) {
        continue;
      }
      if (t.top().isEmpty()) {
        double p = Math.exp(t.logprob());
        return Optional.of(chosen ? p : 1 - p);
      }
      double yes = 0;
      double no = 0;
      boolean listed = false;
      for (TokenLogprob.Alternative a : t.top()) {
        listed |= a.token().equals(t.token());
        Boolean w = word(a.token());
        if (w != null) {
          if (w) {
            yes += Math.exp(a.logprob());
          } else {
            no += Math.exp(a.logprob());
          }
        }
      }
      if (!listed) {
        if (chosen) {
          yes += Math.exp(t.logprob());
        } else {
          no += Math.exp(t.logprob());
        }
      }
      return Optional.of(yes + no > 0 ? yes / (yes + no) : (chosen ? 1.0 : 0.0));
    }
    return Optional.empty();
  }

  /** True for a yes token, false for a no token, null for any other. */
  private static Boolean word(String token) {
    String w = token.strip().toLowerCase(Locale.ROOT);
    return w.equals("yes") ? Boolean.TRUE : w.equals("no") ? Boolean.FALSE : null;
  }
}

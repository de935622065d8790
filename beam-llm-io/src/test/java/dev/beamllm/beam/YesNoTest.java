package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.beamllm.response.TokenLogprob;
import dev.beamllm.response.TokenLogprob.Alternative;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** {@link YesNo}: the answer's word, and P(yes) from the first yes/no token's alternatives. */
public class YesNoTest {

  private static TokenLogprob token(String t, double p, Alternative... top) {
    return new TokenLogprob(t, Math.log(p), List.of(top));
  }

  private static Alternative alt(String t, double p) {
    return new Alternative(t, Math.log(p));
  }

  @Test
  public void readsTheAnswersFirstWord() {
    assertEquals(Optional.of(true), YesNo.answer("Yes"));
    assertEquals(Optional.of(true), YesNo.answer("  yes."));
    assertEquals(Optional.of(true), YesNo.answer("**YES**, it is"));
    assertEquals(Optional.of(false), YesNo.answer("No"));
    assertEquals(Optional.of(false), YesNo.answer("no, not at all"));
    assertEquals(Optional.empty(), YesNo.answer("Not really"));
    assertEquals(Optional.empty(), YesNo.answer("Nope"));
    assertEquals(Optional.empty(), YesNo.answer("Maybe yes"));
    assertEquals(Optional.empty(), YesNo.answer(""));
  }

  @Test
  public void sumsTheYesAndNoVariantsAndNormalisesOverTheirMass() {
    // Yes 0.5 + " yes" 0.1 + "YES" 0.05 against No 0.2 + "no" 0.05; "Maybe" 0.1 does not count.
    TokenLogprob first =
        token(
            "Yes",
            0.5,
            alt("Yes", 0.5),
            alt("No", 0.2),
            alt(" yes", 0.1),
            alt("Maybe", 0.1),
            alt("YES", 0.05),
            alt("no", 0.05));
    double p = YesNo.probability(List.of(first, token(".", 0.9))).orElseThrow();
    assertEquals(0.65 / 0.9, p, 1e-12);
  }

  @Test
  public void readsTheFirstYesOrNoTokenAndCountsTheChosenOneWhenUnlisted() {
    // A leading token that is neither; then "No" chosen, missing from its own alternatives.
    List<TokenLogprob> tokens =
        List.of(
            token("**", 0.9, alt("**", 0.9)),
            token("No", 0.6, alt("Yes", 0.3), alt("Maybe", 0.05)),
            token("Yes", 0.99, alt("Yes", 0.99)));
    assertEquals(0.3 / 0.9, YesNo.probability(tokens).orElseThrow(), 1e-12);
  }

  @Test
  public void withoutAlternativesTheChosenTokensProbabilityIsUsed() {
    assertEquals(0.8, YesNo.probability(List.of(token("Yes", 0.8))).orElseThrow(), 1e-12);
    assertEquals(0.3, YesNo.probability(List.of(token(" no", 0.7))).orElseThrow(), 1e-12);
  }

  @Test
  public void noYesOrNoTokenMeansNoProbability() {
    assertTrue(YesNo.probability(List.of()).isEmpty());
    assertTrue(YesNo.probability(List.of(token("Perhaps", 0.9, alt("Yes", 0.05)))).isEmpty());
  }
}

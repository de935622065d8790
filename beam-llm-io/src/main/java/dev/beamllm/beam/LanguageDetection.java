package dev.beamllm.beam;

import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Which language a text is in, by Optimaize's language detector (n-gram profiles of 71 languages,
 * seeded, so the same text always gets the same answer). One detector per JVM, loaded on first use
 * (about half a second), shared by every thread: detection keeps no state.
 *
 * <p>It answers only when it is sure: a text with fewer than {@link #MIN_LETTERS} letters, or whose
 * most likely language has a probability below the threshold, has no language (null), so a
 * translation is never skipped on a guess.
 */
final class LanguageDetection {
  private LanguageDetection() {}

  /** Texts shorter than this, in letters, are too short to tell ("ok" reads as Slovak). */
  static final int MIN_LETTERS = 16;

  /** The default threshold: the most likely language's probability must reach it. */
  static final double DEFAULT_CONFIDENCE = 0.95;

  private static final TextObjectFactory TEXTS =
      CommonTextObjectFactories.forDetectingShortCleanText();

  private static volatile @Nullable LanguageDetector detector;

  /**
   * The ISO 639-1 code of the language {@code text} is in ({@code "fr"}), or null when the text is
   * too short or no language reaches {@code minConfidence}.
   */
  static @Nullable String detect(String text, double minConfidence) {
    if (letters(text) < MIN_LETTERS) {
      return null;
    }
    List<DetectedLanguage> found = detector().getProbabilities(TEXTS.forText(text));
    if (found.isEmpty() || found.get(0).getProbability() < minConfidence) {
      return null;
    }
    // Profiles name Chinese by region (zh-CN, zh-TW); the language is what is compared.
    return found.get(0).getLocale().getLanguage().toLowerCase(Locale.ROOT);
  }

  private static int letters(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (Character.isLetter(c)) {
        n++;
      }
      i += Character.charCount(c);
    }
    return n;
  }

  private static LanguageDetector detector() {
    LanguageDetector d = detector;
    if (d == null) {
      synchronized (LanguageDetection.class) {
        d = detector;
        if (d == null) {
          try {
            d =
                LanguageDetectorBuilder.create(NgramExtractors.standard())
                    .withProfiles(new LanguageProfileReader().readAllBuiltIn())
                    .build();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot load the language profiles", e);
          }
          detector = d;
        }
      }
    }
    return d;
  }
}

package dev.beamllm.beam;

import com.google.auto.value.AutoValue;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Translation ({@link LlmIO#translate}): {@code PTransform<PCollection<TextInput>,
 * TranslateResult>}, or over plain strings with {@link #forTexts()}. Each text's language is
 * detected first on the worker (Optimaize's detector, no request): a text surely in the target
 * language is kept as it is and never sent; every other one is sent with a system message asking
 * for its translation alone, through the {@link LlmIO.Complete} of {@link #withClient} (its models,
 * limits, retries, cache, dedupe, keys). "Surely" means at least {@value
 * LanguageDetection#MIN_LETTERS} letters and a detection probability of at least {@link
 * #withDetectionConfidence} (0.95 by default): short or mixed texts are sent rather than skipped on
 * a guess.
 *
 * <pre>{@code
 * TranslateResult r = texts.apply(LlmIO.translate("fr")
 *     .withClient(LlmIO.complete().withModels("gpt-4.1-mini").withCache(cache)));
 * r.translations();   // Translation: id, source text and language, text, sent, model, cost
 * r.failures();       // LlmFailure, the request sent named by the text's id
 * }</pre>
 */
@AutoValue
public abstract class TranslateTexts extends PTransform<PCollection<TextInput>, TranslateResult> {
  private static final long serialVersionUID = 1L;

  abstract TranslatePrompt prompt();

  /** The client settings every translation is sent with. */
  public abstract LlmIO.Complete client();

  /** The detection probability a text needs to count as already in the target language. */
  public abstract double detectionConfidence();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setPrompt(TranslatePrompt prompt);

    abstract Builder setClient(LlmIO.Complete client);

    abstract Builder setDetectionConfidence(double confidence);

    abstract TranslateTexts build();
  }

  static TranslateTexts of(String targetLanguage) {
    return new AutoValue_TranslateTexts.Builder()
        .setPrompt(TranslatePrompt.of(targetLanguage))
        .setClient(LlmIO.complete())
        .setDetectionConfidence(LanguageDetection.DEFAULT_CONFIDENCE)
        .build();
  }

  /** The target language, its ISO 639-1 code in lower case. */
  public String targetLanguage() {
    return prompt().code();
  }

  /**
   * Sends the translations with these client settings (models, limits, cache, retries, keys, batch
   * API...). Its error handler, if any, receives this transform's failures.
   */
  public TranslateTexts withClient(LlmIO.Complete client) {
    if (client == null) {
      throw new IllegalArgumentException("client: must not be null");
    }
    return toBuilder().setClient(client).build();
  }

  /**
   * The probability (in (0, 1]) the detector must give the target language before a text is kept
   * unsent; higher sends more texts that were already in it, never fewer that were not. 0.95 by
   * default.
   */
  public TranslateTexts withDetectionConfidence(double confidence) {
    if (!(confidence > 0 && confidence <= 1)) {
      throw new IllegalArgumentException(
          "detectionConfidence: must be in (0, 1], got " + confidence);
    }
    return toBuilder().setDetectionConfidence(confidence).build();
  }

  /** The same transform over plain strings (texts without ids). */
  public PTransform<PCollection<String>, TranslateResult> forTexts() {
    return new OverStrings<>(this, "Translate");
  }

  private static final TupleTag<Translation> KEPT = new TupleTag<>("kept") {};
  private static final TupleTag<LlmRequest> SEND = new TupleTag<>("send") {};
  private static final TupleTag<Translation> TRANSLATED = new TupleTag<>("translated") {};
  private static final TupleTag<LlmFailure> INVALID = new TupleTag<>("invalid") {};
  private static final TupleTag<Translation> TRANSLATIONS = new TupleTag<>("translations") {};
  private static final TupleTag<LlmFailure> FAILURES = new TupleTag<>("failures") {};

  @Override
  public TranslateResult expand(PCollection<TextInput> input) {
    // Failures go to the error handler once, from here, with those of unreadable answers.
    LlmIO.Complete stage = client().toBuilder().setErrorHandler(null).build();
    PCollectionTuple sorted =
        input.apply(
            "DetectLanguage",
            ParDo.of(new DetectLanguageFn(prompt(), detectionConfidence(), KEPT, SEND))
                .withOutputTags(KEPT, TupleTagList.of(SEND)));
    LlmResult answers =
        sorted.get(SEND).setCoder(LlmRequestCoder.of()).apply("Send", stage.forRequests());
    PCollectionTuple read =
        answers
            .responses()
            .apply(
                "ReadTranslations",
                ParDo.of(new ReadTranslationFn(prompt(), TRANSLATED, INVALID))
                    .withOutputTags(TRANSLATED, TupleTagList.of(INVALID)));
    PCollection<Translation> translations =
        PCollectionList.of(sorted.get(KEPT).setCoder(Translation.coder()))
            .and(read.get(TRANSLATED).setCoder(Translation.coder()))
            .apply("Translations", Flatten.pCollections())
            .setCoder(Translation.coder());
    PCollection<LlmFailure> failures =
        PCollectionList.of(answers.failures())
            .and(read.get(INVALID).setCoder(LlmFailure.coder()))
            .apply("Failures", Flatten.pCollections())
            .setCoder(LlmFailure.coder());
    client().expandErrorHandler(failures);
    return new TranslateResult(input.getPipeline(), TRANSLATIONS, translations, FAILURES, failures);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    client().populateDisplayData(builder);
    builder
        .add(DisplayData.item("targetLanguage", targetLanguage()).withLabel("Target language"))
        .add(
            DisplayData.item("detectionConfidence", detectionConfidence())
                .withLabel("Detection probability to skip a text"));
  }
}

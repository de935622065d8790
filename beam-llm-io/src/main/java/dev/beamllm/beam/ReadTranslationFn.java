package dev.beamllm.beam;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A translation's answer as its {@link Translation} (the answer's text, trimmed), or, when the
 * answer holds no text, an {@code INVALID_OUTPUT} failure of the request that was sent.
 */
final class ReadTranslationFn extends DoFn<ApiResponse, Translation> {
  private static final long serialVersionUID = 1L;

  private final Counter unreadable = LlmMetrics.unreadableAnswers();

  private final TranslatePrompt prompt;
  private final TupleTag<Translation> translations;
  private final TupleTag<LlmFailure> failures;

  ReadTranslationFn(
      TranslatePrompt prompt, TupleTag<Translation> translations, TupleTag<LlmFailure> failures) {
    this.prompt = prompt;
    this.translations = translations;
    this.failures = failures;
  }

  @ProcessElement
  public void process(@Element ApiResponse answer, MultiOutputReceiver out) {
    String id = answer.conversationId().orElse(null);
    String source = HelperCarry.text(answer);
    String language = HelperCarry.language(answer);
    String text = answer.completion().strip();
    if (text.isEmpty()) {
      unreadable.inc();
      LlmMetrics.localAnswerFailed();
      out.get(failures)
          .output(
              LlmFailure.of(
                      prompt.request(id, source, language),
                      ApiError.of(ErrorKind.INVALID_OUTPUT, "the answer holds no translation"),
                      answer.attempts(),
                      answer.model())
                  .withAnswer(answer.completion()));
      return;
    }
    out.get(translations)
        .output(
            Translation.translated(
                id, source, language, prompt.code(), text, answer.model(), answer.cost()));
  }
}

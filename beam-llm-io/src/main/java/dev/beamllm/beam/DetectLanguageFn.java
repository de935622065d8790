package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Sorts the texts of a translation: one detected (surely) in the target language is kept as it is,
 * unsent; every other one becomes its translation request. Outputs keep their input's window and
 * timestamp.
 */
final class DetectLanguageFn extends DoFn<TextInput, Translation> {
  private static final long serialVersionUID = 1L;

  private final TranslatePrompt prompt;
  private final double minConfidence;
  private final TupleTag<Translation> kept;
  private final TupleTag<LlmRequest> send;
  private final Counter keptCount = Metrics.counter(LlmMetrics.NAMESPACE, "translations_skipped");

  DetectLanguageFn(
      TranslatePrompt prompt,
      double minConfidence,
      TupleTag<Translation> kept,
      TupleTag<LlmRequest> send) {
    this.prompt = prompt;
    this.minConfidence = minConfidence;
    this.kept = kept;
    this.send = send;
  }

  @ProcessElement
  public void process(@Element TextInput text, MultiOutputReceiver out) {
    String language = LanguageDetection.detect(text.text(), minConfidence);
    if (prompt.code().equals(language)) {
      keptCount.inc();
      LlmMetrics.localKeptUnsent();
      out.get(kept).output(Translation.kept(text.id(), text.text(), prompt.code()));
      return;
    }
    out.get(send).output(prompt.request(text.id(), text.text(), language));
  }
}

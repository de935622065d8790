package dev.beamllm.beam;

import dev.beamllm.client.TextInput;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A transform over {@link TextInput}s taken over plain strings (texts without ids): what {@code
 * forTexts()} of the embedding and helper transforms returns.
 *
 * @param <R> the transform's result
 */
final class OverStrings<R extends POutput> extends PTransform<PCollection<String>, R> {
  private static final long serialVersionUID = 1L;

  private final PTransform<PCollection<TextInput>, R> transform;
  private final String stepName;

  /**
   * @param stepName the name of the wrapped transform's step, after the strings' conversion
   */
  OverStrings(PTransform<PCollection<TextInput>, R> transform, String stepName) {
    this.transform = transform;
    this.stepName = stepName;
  }

  @Override
  public R expand(PCollection<String> input) {
    return input
        .apply(
            "ToTextInputs", MapElements.into(TypeDescriptor.of(TextInput.class)).via(TextInput::of))
        .setCoder(TextInputCoder.of())
        .apply(stepName, transform);
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@link LlmIO.Complete} over {@link LlmRequest}s: the same settings, each request's own on top.
 */
final class CompleteRequests extends PTransform<PCollection<LlmRequest>, LlmResult> {
  private static final long serialVersionUID = 1L;
  private final LlmIO.Complete spec;

  CompleteRequests(LlmIO.Complete spec) {
    this.spec = spec;
  }

  @Override
  public LlmResult expand(PCollection<LlmRequest> input) {
    return spec.expandRequests(input);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    spec.populateDisplayData(builder);
  }
}

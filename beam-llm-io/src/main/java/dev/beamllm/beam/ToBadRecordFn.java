package dev.beamllm.beam;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;

/** Turns failure records into Beam's dead-letter {@link BadRecord}s. */
final class ToBadRecordFn extends DoFn<LlmFailure, BadRecord> {
  private static final long serialVersionUID = 1L;

  /** One dead letter per failure: the input as JSON, the reason as the description. */
  @ProcessElement
  public void process(@Element LlmFailure f, OutputReceiver<BadRecord> out) {
    out.output(
        BadRecord.builder()
            .setRecord(
                BadRecord.Record.builder().setHumanReadableJsonRecord(f.input().toJson()).build())
            .setFailure(
                BadRecord.Failure.builder()
                    .setDescription(
                        f.error().kind()
                            + " after "
                            + f.attempts()
                            + " attempts on "
                            + f.model()
                            + ": "
                            + f.error().message())
                    .build())
            .build());
  }
}

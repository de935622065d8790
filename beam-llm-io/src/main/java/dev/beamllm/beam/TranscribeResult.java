package dev.beamllm.beam;

import dev.beamllm.response.Transcription;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#transcribe} produces: every file's transcript (fresh ones and cache hits, each
 * with its file's id) and every file that got none, with its error, so no file is lost.
 */
public final class TranscribeResult implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<Transcription> transcriptionsTag;
  private final PCollection<Transcription> transcriptions;
  private final TupleTag<Transcription> failuresTag;
  private final PCollection<Transcription> failures;

  TranscribeResult(
      Pipeline pipeline,
      TupleTag<Transcription> transcriptionsTag,
      PCollection<Transcription> transcriptions,
      TupleTag<Transcription> failuresTag,
      PCollection<Transcription> failures) {
    this.pipeline = pipeline;
    this.transcriptionsTag = transcriptionsTag;
    this.transcriptions = transcriptions;
    this.failuresTag = failuresTag;
    this.failures = failures;
  }

  /** Every transcript, with its file's id and its input's window and timestamp. */
  public PCollection<Transcription> transcriptions() {
    return transcriptions;
  }

  /** The files that got no transcript, each a {@link Transcription} holding its id and error. */
  public PCollection<Transcription> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(transcriptionsTag, transcriptions, failuresTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

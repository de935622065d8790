package dev.beamllm.beam;

import dev.beamllm.response.Transcription;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link LlmIO#transcribe} produces: every file's transcript (fresh ones and cache hits, each
 * with its file's id) and every file that got none, with its error, so no file is lost.
 */
public final class TranscribeResult extends SplitOutput<Transcription, Transcription> {

  TranscribeResult(
      Pipeline pipeline,
      TupleTag<Transcription> transcriptionsTag,
      PCollection<Transcription> transcriptions,
      TupleTag<Transcription> failuresTag,
      PCollection<Transcription> failures) {
    super(pipeline, transcriptionsTag, transcriptions, failuresTag, failures);
  }

  /** Every transcript, with its file's id and its input's window and timestamp. */
  public PCollection<Transcription> transcriptions() {
    return results();
  }

  /** The files that got no transcript, each a {@link Transcription} holding its id and error. */
  public PCollection<Transcription> failures() {
    return failed();
  }
}

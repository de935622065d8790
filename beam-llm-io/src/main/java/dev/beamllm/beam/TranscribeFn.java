package dev.beamllm.beam;

import dev.beamllm.client.AudioInput;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.TranscribeSettings;
import dev.beamllm.response.Transcription;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Transcribes audio files through the JVM's shared client: each file is started as it comes (one
 * file is one request, so there is nothing to gather), up to the client's requests in flight, which
 * also bounds the audio a bundle holds in memory; each transcript is emitted as it completes with
 * its input's window and timestamp, and a file that got none goes to the failures.
 */
final class TranscribeFn
    extends SharedClientFn<AudioInput, AudioInput, Transcription, Transcription> {
  private static final long serialVersionUID = 1L;

  private final TranscribeSettings settings;
  private final TupleTag<Transcription> transcriptions;
  private final TupleTag<Transcription> failures;

  TranscribeFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      TranscribeSettings settings,
      TupleTag<Transcription> transcriptions,
      TupleTag<Transcription> failures) {
    super(transformId, config, clientFactory);
    this.settings = settings;
    this.transcriptions = transcriptions;
    this.failures = failures;
  }

  /** Starts the file; emits what has finished for this element's window and timestamp. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    AudioInput audio = c.element();
    var future = client.transcribe(List.of(audio), settings).get(0);
    // What is handed back now belongs to this element's window and timestamp; the rest waits.
    for (var done : work.started(audio, future, c.timestamp(), window)) {
      emit(done.result(), c::output);
    }
    reportClient();
  }

  /** Counts a file's end and sends it to the transcriptions or the failures. */
  private void emit(Transcription t, BiConsumer<TupleTag<Transcription>, Transcription> out) {
    if (t.isError()) {
      metrics.failed();
      out.accept(failures, t);
    } else {
      metrics.transcribed(t);
      out.accept(transcriptions, t);
    }
  }

  /** Waits for the bundle's transcripts and emits them. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    for (var done : work.finish()) {
      emit(done.result(), (tag, value) -> c.output(tag, value, done.timestamp(), done.window()));
    }
    reportClient();
  }
}

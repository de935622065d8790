package dev.beamllm.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.client.AudioInput;
import dev.beamllm.client.TranscribeTest;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Transcription;
import dev.beamllm.testing.FakeProviderServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.junit.Rule;
import org.junit.Test;

/**
 * {@code LlmIO.transcribe(...)} on the DirectRunner against the fake provider: every file gets its
 * transcript under its id (from the marker in its bytes or from its name), with its usage and cost;
 * a file over 25 MB goes to the failures unsent; the coders of the inputs and transcripts are
 * registered and round-trip.
 */
public class LlmIOTranscribeTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** The fake's registry, whisper-1 needing no key (no key is set in the test's environment). */
  private static ModelRegistry registry(FakeProviderServer fake) {
    ModelRegistry r = fake.pointRegistry(ModelRegistry.defaults());
    return r.withModels(List.of(r.lookup("whisper-1").toBuilder().setApiKeyEnv(null).build()));
  }

  @Test(timeout = 120_000)
  public void everyFileGetsItsTranscriptUnderItsIdAndATooLargeFileFails() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      List<AudioInput> files =
          List.of(
              new AudioInput(
                  "m", "call.wav", TranscribeTest.wav(2.0, "TRANSCRIPT:Refund approved")),
              new AudioInput("n", "parcel_is_late.wav", TranscribeTest.wav(1.0, null)),
              new AudioInput("big", "huge.mp3", new byte[25 * 1024 * 1024 + 1]));
      TranscribeResult result =
          pipeline
              .apply(Create.of(files).withCoder(AudioInputCoder.of()))
              .apply(LlmIO.transcribe("whisper-1").withRegistry(registry(fake)));
      PAssert.that(result.transcriptions())
          .satisfies(
              ts -> {
                Map<String, Transcription> byId = new HashMap<>();
                ts.forEach(t -> byId.put(t.id().orElseThrow(), t));
                assertEquals(2, byId.size());
                assertEquals("Refund approved", byId.get("m").text());
                assertEquals("parcel is late", byId.get("n").text());
                assertEquals(2.0, byId.get("m").seconds(), 0);
                assertEquals(2.0 / 60 * 0.006, byId.get("m").cost(), 1e-12);
                byId.values().forEach(t -> assertFalse(t.cacheHit()));
                return null;
              });
      PAssert.that(result.failures())
          .satisfies(
              fs -> {
                int n = 0;
                for (Transcription f : fs) {
                  n++;
                  assertEquals("big", f.id().orElseThrow());
                  assertEquals(ErrorKind.TOO_LARGE, f.error().orElseThrow().kind());
                }
                assertEquals(1, n);
                return null;
              });
      pipeline.run().waitUntilFinish();
      assertEquals(
          "the two small files only",
          2,
          fake.requests().stream()
              .filter(r -> r.path().endsWith("/v1/audio/transcriptions"))
              .count());
    }
  }

  @Test
  public void theCodersAreRegisteredAndRoundTrip() throws Exception {
    Coder<AudioInput> audio =
        pipeline.getCoderRegistry().getCoder(TypeDescriptor.of(AudioInput.class));
    Coder<Transcription> transcription =
        pipeline.getCoderRegistry().getCoder(TypeDescriptor.of(Transcription.class));
    assertTrue(audio instanceof AudioInputCoder);
    assertTrue(transcription instanceof TranscriptionCoder);
    CoderProperties.coderDecodeEncodeEqual(
        audio, new AudioInput("id", "a.wav", new byte[] {0, (byte) 0xff, 13, 10}));
    CoderProperties.coderDecodeEncodeEqual(audio, AudioInput.of("b.mp3", new byte[0]));
    Transcription t = Transcription.of("x", "gpt-4o-transcribe", "héllo", 0, 3, 30, 2, 0.0002);
    CoderProperties.coderDecodeEncodeEqual(transcription, t);
    CoderProperties.coderDecodeEncodeEqual(transcription, t.fromCache(null));
    CoderProperties.coderDecodeEncodeEqual(
        transcription,
        Transcription.failed("y", "whisper-1", ApiError.of(ErrorKind.TOO_LARGE, "too big")));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}

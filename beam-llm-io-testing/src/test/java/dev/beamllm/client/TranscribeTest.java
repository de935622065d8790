package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.cache.ResponseCache;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Transcription;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.Fault;
import dev.beamllm.testing.FaultPlan;
import dev.beamllm.testing.RecordedRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/**
 * {@link LlmClient#transcribe} end to end against the fake provider over real sockets (multipart
 * uploads through the Netty transport): the transcript from a marker in the audio's bytes or from
 * the file's name, exactly; the usage as each model bills it (seconds for whisper-1, audio and text
 * tokens for gpt-4o-transcribe) and its cost from the registry's prices; a file over 25 MB refused
 * before sending; a 503 retried; identical files sent once; a second client served by the SQLite
 * cache without a request.
 */
public class TranscribeTest {
  /**
   * A 16 kHz mono 16-bit WAV of {@code seconds}, with {@code marker} in a LIST chunk when given;
   * its samples are bytes that are not UTF-8, so only an upload kept byte for byte parses.
   */
  public static byte[] wav(double seconds, String marker) {
    int byteRate = 16_000 * 2;
    int dataSize = (int) (seconds * byteRate);
    byte[] note = marker == null ? new byte[0] : (marker + "\0").getBytes(StandardCharsets.UTF_8);
    int noteSize = note.length + (note.length & 1);
    int listChunk = marker == null ? 0 : 8 + noteSize;
    ByteBuffer b =
        ByteBuffer.allocate(12 + 24 + listChunk + 8 + dataSize).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(byteRate);
    b.putShort((short) 2).putShort((short) 16);
    if (marker != null) {
      b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(noteSize).put(note);
      if ((note.length & 1) == 1) {
        b.put((byte) 0);
      }
    }
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataSize);
    for (int i = 0; i < dataSize; i++) {
      b.put((byte) (i % 2 == 0 ? 0xff : 0x80));
    }
    return b.array();
  }

  private static List<Transcription> join(List<CompletableFuture<Transcription>> fs) {
    return fs.stream().map(CompletableFuture::join).toList();
  }

  private static List<RecordedRequest> uploads(FakeProviderServer fake) {
    return fake.requests().stream()
        .filter(r -> r.path().endsWith("/v1/audio/transcriptions"))
        .toList();
  }

  private static void ok(Transcription t) {
    assertFalse(String.valueOf(t.error()), t.isError());
  }

  @Test(timeout = 60_000)
  public void whisperHearsTheMarkerOrTheFileNameAndBillsSecondsByTheMinute() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      List<Transcription> out =
          join(
              client.transcribe(
                  List.of(
                      new AudioInput(
                          "a", "recording.wav", wav(2.0, "TRANSCRIPT:Le café est prêt.")),
                      new AudioInput("b", "hello_world.wav", wav(0.5, null))),
                  TranscribeSettings.of("whisper-1")));
      out.forEach(TranscribeTest::ok);
      assertEquals("Le café est prêt.", out.get(0).text());
      assertEquals("hello world", out.get(1).text());
      assertEquals("a", out.get(0).id().orElseThrow());
      assertEquals("b", out.get(1).id().orElseThrow());
      assertEquals("whisper-1", out.get(0).model());
      // whisper-1 reports whole seconds, rounded up; $0.006 a minute.
      assertEquals(2.0, out.get(0).seconds(), 0);
      assertEquals(1.0, out.get(1).seconds(), 0);
      assertEquals(0, out.get(0).inputTokens());
      assertEquals(2.0 / 60 * 0.006, out.get(0).cost(), 1e-12);
      assertEquals(1.0 / 60 * 0.006, out.get(1).cost(), 1e-12);

      List<RecordedRequest> sent = uploads(fake);
      assertEquals(2, sent.size());
      RecordedRequest r = sent.get(0);
      assertTrue(
          r.headers().get("content-type"),
          r.headers().get("content-type").startsWith("multipart/form-data; boundary="));
      assertTrue(r.headers().containsKey("authorization"));
      assertTrue(r.body(), r.body().contains("name=\"response_format\"\r\n\r\njson\r\n"));
      assertTrue(r.body(), r.body().contains("name=\"model\"\r\n\r\nwhisper-1\r\n"));
      // The requests arrive in either order; each file part names its file and content type.
      for (String name : List.of("recording.wav", "hello_world.wav")) {
        String part = "filename=\"" + name + "\"\r\nContent-Type: audio/wav";
        assertTrue(name, sent.stream().anyMatch(q -> q.body().contains(part)));
      }
    }
  }

  @Test(timeout = 60_000)
  public void gpt4oTranscribeBillsAudioAndTextTokensAndTakesLanguageAndPrompt() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      String prompt = "Spell parcel names like ACME-42.";
      Transcription t =
          join(client.transcribe(
                  List.of(AudioInput.of("call.wav", wav(3.0, "TRANSCRIPT:Where is ACME-42?"))),
                  TranscribeSettings.of("gpt-4o-transcribe")
                      .withLanguage("en")
                      .withPrompt(prompt)
                      .withTemperature(0.2)))
              .get(0);
      ok(t);
      assertEquals("Where is ACME-42?", t.text());
      assertTrue(t.id().isEmpty());
      // The fake hears 10 audio tokens a second; the prompt is text input; the transcript output.
      assertEquals(30, t.audioTokens());
      assertEquals(TokenCounter.count(prompt), t.textTokens());
      assertEquals(TokenCounter.count("Where is ACME-42?"), t.outputTokens());
      assertEquals(0, t.seconds(), 0);
      double expected =
          (t.textTokens() * 2.50 + t.audioTokens() * 6.00 + t.outputTokens() * 10.00) / 1e6;
      assertEquals(expected, t.cost(), 1e-12);
      String body = uploads(fake).get(0).body();
      assertTrue(body, body.contains("name=\"language\"\r\n\r\nen\r\n"));
      assertTrue(body, body.contains("name=\"prompt\"\r\n\r\n" + prompt + "\r\n"));
      assertTrue(body, body.contains("name=\"temperature\"\r\n\r\n0.2\r\n"));
      assertTrue(body, body.contains("name=\"response_format\"\r\n\r\njson\r\n"));
    }
  }

  @Test(timeout = 120_000)
  public void aFileOver25MbIsRefusedBeforeSendingAndAChatModelDoesNotTranscribe() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      byte[] big = new byte[25 * 1024 * 1024 + 1];
      List<Transcription> out =
          join(
              client.transcribe(
                  List.of(
                      new AudioInput("big", "long.mp3", big),
                      new AudioInput("small", "short_one.wav", wav(0.2, null))),
                  TranscribeSettings.of("whisper-1")));
      assertEquals(ErrorKind.TOO_LARGE, out.get(0).error().orElseThrow().kind());
      assertEquals("big", out.get(0).id().orElseThrow());
      ok(out.get(1));
      assertEquals("short one", out.get(1).text());
      assertEquals("only the small file was sent", 1, uploads(fake).size());

      Transcription chat =
          join(client.transcribe(
                  List.of(AudioInput.of("x.wav", wav(0.1, null))),
                  TranscribeSettings.of("gpt-4.1-mini")))
              .get(0);
      assertEquals(ErrorKind.UNSUPPORTED, chat.error().orElseThrow().kind());
      assertEquals(1, uploads(fake).size());
    }
  }

  @Test(timeout = 60_000)
  public void a503IsRetriedAndIdenticalFilesGoOnce() {
    try (FakeProviderServer fake =
            FakeProviderServer.builder()
                .faults(FaultPlan.none().withScript("whisper-1", Fault.UNAVAILABLE))
                .start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      byte[] audio = wav(1.0, "TRANSCRIPT:twice the same");
      List<Transcription> out =
          join(
              client.transcribe(
                  List.of(new AudioInput("1", "a.wav", audio), new AudioInput("2", "b.wav", audio)),
                  TranscribeSettings.of("whisper-1")));
      out.forEach(TranscribeTest::ok);
      assertEquals("twice the same", out.get(0).text());
      assertEquals("twice the same", out.get(1).text());
      assertEquals("2", out.get(1).id().orElseThrow());
      assertTrue("the repeat is served without sending it", out.get(1).cacheHit());
      assertEquals("the 503, then the retry; the repeat not sent", 2, uploads(fake).size());
    }
  }

  @Test(timeout = 60_000)
  public void aSecondClientIsServedFromTheSqliteCacheWithoutARequest() throws Exception {
    Path db = Files.createTempDirectory("transcribe-cache").resolve("cache.db");
    Path file = Files.createTempDirectory("audio").resolve("meeting_notes.wav");
    Files.write(file, wav(1.5, null));
    TranscribeSettings settings = TranscribeSettings.of("whisper-1").withLanguage("en");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      Transcription first;
      try (LlmClient client =
          ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.sqlite(db)).build()) {
        first = join(client.transcribe(List.of(AudioInput.of(file)), settings)).get(0);
      }
      ok(first);
      assertEquals("meeting notes", first.text());
      assertEquals(file.toString(), first.id().orElseThrow());
      assertFalse(first.cacheHit());
      assertEquals(1, uploads(fake).size());
      fake.reset();
      try (LlmClient client =
          ClientTestSupport.client(fake, "gpt-4.1-mini").cache(ResponseCache.sqlite(db)).build()) {
        Transcription second =
            join(client.transcribe(List.of(AudioInput.of(file)), settings)).get(0);
        ok(second);
        assertTrue(second.cacheHit());
        assertEquals(0, second.cost(), 0);
        assertEquals(first.text(), second.text());
        assertEquals(first.seconds(), second.seconds(), 0);
        assertEquals(file.toString(), second.id().orElseThrow());
        // Other settings are another key: sent again.
        Transcription french =
            join(client.transcribe(
                    List.of(AudioInput.of(file)),
                    TranscribeSettings.of("whisper-1").withLanguage("fr")))
                .get(0);
        assertFalse(french.cacheHit());
      }
      assertEquals("only the French one was sent", 1, uploads(fake).size());
    }
  }
}

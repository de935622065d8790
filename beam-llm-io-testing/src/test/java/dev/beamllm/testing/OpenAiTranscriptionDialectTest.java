package dev.beamllm.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.TokenCounter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * OpenAI audio transcription on the fake server: multipart uploads, the transcript from a marker in
 * the audio or from the file name, the response formats, usage by tokens (gpt-4o) and by duration
 * (whisper-1), OpenAI's errors.
 */
public class OpenAiTranscriptionDialectTest {
  private static final String BOUNDARY = "----fake15boundary";
  private static FakeProviderServer server;

  @BeforeClass
  public static void start() {
    server = FakeProviderServer.builder().apiKey("sk-audio").start();
  }

  @AfterClass
  public static void stop() {
    server.close();
  }

  /** A form of plain fields and at most one file ({@code filename} null: none). */
  static byte[] form(String filename, byte[] file, String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < fields.length; i += 2) {
      write(
          out,
          "--"
              + BOUNDARY
              + "\r\nContent-Disposition: form-data; name=\""
              + fields[i]
              + "\"\r\n\r\n"
              + fields[i + 1]
              + "\r\n");
    }
    if (filename != null) {
      write(
          out,
          "--"
              + BOUNDARY
              + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
              + filename
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      out.writeBytes(file);
      write(out, "\r\n");
    }
    write(out, "--" + BOUNDARY + "--\r\n");
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  static Http.Reply post(FakeProviderServer fake, byte[] body, String contentType)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/audio/transcriptions"))
            .timeout(Duration.ofSeconds(30))
            .header("authorization", "Bearer sk-audio")
            .header("content-type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> r = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    return new Http.Reply(r.statusCode(), r, r.body());
  }

  static Http.Reply transcribe(String filename, byte[] file, String... fields) throws Exception {
    return post(server, form(filename, file, fields), "multipart/form-data; boundary=" + BOUNDARY);
  }

  /**
   * A 16 kHz mono 16-bit PCM WAV of silence lasting {@code seconds}, with {@code marker} (if not
   * null) in a {@code LIST} chunk before the samples, as a tag would be.
   */
  static byte[] wav(double seconds, String marker) {
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
    // Loud bytes that are not valid UTF-8 around the marker prove the parser keeps bytes.
    for (int i = 0; i < dataSize; i++) {
      b.put((byte) (i % 2 == 0 ? 0xff : 0x80));
    }
    return b.array();
  }

  /** Asserts OpenAI's error shape and returns the message. */
  private static String error(Http.Reply r, int status) {
    assertEquals(r.body(), status, r.status());
    JsonNode e = r.json().get("error");
    assertTrue(e.has("param"));
    assertTrue(e.has("code"));
    return e.get("message").asText();
  }

  @Test
  public void aMarkerInTheAudioIsTheTranscriptAndWhisperBillsSeconds() throws Exception {
    Http.Reply r =
        transcribe("recording.wav", wav(2.0, "TRANSCRIPT:Le café est prêt."), "model", "whisper-1");
    assertEquals(r.body(), 200, r.status());
    JsonNode j = r.json();
    assertEquals("Le café est prêt.", j.get("text").asText());
    assertEquals("duration", j.at("/usage/type").asText());
    assertEquals(2, j.at("/usage/seconds").asInt());
    assertTrue(r.header("x-request-id") != null);
  }

  @Test
  public void withoutAMarkerTheFileNameIsTheTranscript() throws Exception {
    Http.Reply r =
        transcribe(
            "hello_world.wav", wav(0.5, null), "model", "whisper-1", "response_format", "json");
    assertEquals(r.body(), 200, r.status());
    assertEquals("hello world", r.json().get("text").asText());
    assertEquals(1, r.json().at("/usage/seconds").asInt());
    Http.Reply mp3 =
        transcribe("good-morning_everyone.mp3", new byte[] {1, 2, 3}, "model", "whisper-1");
    assertEquals("good morning everyone", mp3.json().get("text").asText());
  }

  @Test
  public void theTextFormatIsPlainText() throws Exception {
    Http.Reply r =
        transcribe(
            "ignored.wav",
            wav(1.0, "TRANSCRIPT:Plain words"),
            "model",
            "whisper-1",
            "response_format",
            "text");
    assertEquals(r.body(), 200, r.status());
    assertEquals("Plain words\n", r.body());
    assertThat(r.header("content-type"), startsWith("text/plain"));
  }

  @Test
  public void subtitlesAndVerboseJsonCoverTheWholeAudio() throws Exception {
    byte[] audio = wav(3.25, "TRANSCRIPT:Three seconds");
    assertEquals(
        "1\n00:00:00,000 --> 00:00:03,250\nThree seconds\n\n",
        transcribe("a.wav", audio, "model", "whisper-1", "response_format", "srt").body());
    assertEquals(
        "WEBVTT\n\n00:00:00.000 --> 00:00:03.250\nThree seconds\n\n",
        transcribe("a.wav", audio, "model", "whisper-1", "response_format", "vtt").body());
    JsonNode verbose =
        transcribe(
                "a.wav",
                audio,
                "model",
                "whisper-1",
                "response_format",
                "verbose_json",
                "language",
                "en")
            .json();
    assertEquals("transcribe", verbose.get("task").asText());
    assertEquals("english", verbose.get("language").asText());
    assertEquals(3.25, verbose.get("duration").asDouble(), 1e-9);
    assertEquals("Three seconds", verbose.at("/segments/0/text").asText());
    assertEquals(4, verbose.at("/usage/seconds").asInt());
  }

  @Test
  public void gpt4oModelsBillTokens() throws Exception {
    Http.Reply r =
        transcribe(
            "q.wav",
            wav(2.0, "TRANSCRIPT:What is the weather today?"),
            "model",
            "gpt-4o-transcribe",
            "prompt",
            "A weather question.",
            "language",
            "en",
            "temperature",
            "0.2");
    assertEquals(r.body(), 200, r.status());
    JsonNode usage = r.json().get("usage");
    assertEquals("tokens", usage.get("type").asText());
    long text = TokenCounter.count("A weather question.");
    assertEquals(20, usage.at("/input_token_details/audio_tokens").asLong());
    assertEquals(text, usage.at("/input_token_details/text_tokens").asLong());
    assertEquals(20 + text, usage.get("input_tokens").asLong());
    long output = TokenCounter.count("What is the weather today?");
    assertEquals(output, usage.get("output_tokens").asLong());
    assertEquals(20 + text + output, usage.get("total_tokens").asLong());
  }

  @Test
  public void gpt4oModelsTakeOnlyJsonAndText() throws Exception {
    Http.Reply text =
        transcribe(
            "x.wav", wav(0.1, null), "model", "gpt-4o-mini-transcribe", "response_format", "text");
    assertEquals("x\n", text.body());
    Http.Reply srt =
        transcribe(
            "x.wav", wav(0.1, null), "model", "gpt-4o-mini-transcribe", "response_format", "srt");
    assertEquals("unsupported_value", srt.json().at("/error/code").asText());
    assertEquals("response_format", srt.json().at("/error/param").asText());
    assertEquals(
        "response_format 'srt' is not compatible with model 'gpt-4o-mini-transcribe'. Use 'json'"
            + " or 'text' instead.",
        error(
            transcribe(
                "x.wav",
                wav(0.1, null),
                "model",
                "gpt-4o-mini-transcribe",
                "response_format",
                "srt"),
            400));
  }

  @Test
  public void aMissingFileOrModelIsOpenAisValidationError() throws Exception {
    assertEquals(
        "1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)",
        error(transcribe(null, null, "model", "whisper-1"), 400));
    assertEquals(
        "1 validation error for Request\nbody -> model\n  field required (type=value_error.missing)",
        error(transcribe("a.wav", wav(0.1, null)), 400));
  }

  @Test
  public void anUnsupportedFormatIsRefused() throws Exception {
    String message =
        error(transcribe("notes.txt", new byte[] {'h', 'i'}, "model", "whisper-1"), 400);
    assertEquals(
        "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga',"
            + " 'oga', 'ogg', 'wav', 'webm']",
        message);
    assertThat(
        error(
            transcribe("a.wav", wav(0.1, null), "model", "whisper-1", "response_format", "docx"),
            400),
        startsWith("'docx' is not one of"));
    assertEquals(
        "temperature",
        transcribe("a.wav", wav(0.1, null), "model", "whisper-1", "temperature", "3")
            .json()
            .at("/error/param")
            .asText());
  }

  @Test
  public void aJsonBodyIsNotAForm() throws Exception {
    Http.Reply r =
        post(
            server,
            "{\"model\":\"whisper-1\"}".getBytes(StandardCharsets.UTF_8),
            "application/json");
    assertEquals(r.body(), 400, r.status());
  }

  @Test
  public void filesOver25MbAre413() throws Exception {
    byte[] big = new byte[OpenAiTranscriptionDialect.MAX_FILE_BYTES + 1];
    Http.Reply r = transcribe("big.mp3", big, "model", "whisper-1");
    assertEquals(
        "Maximum content size limit (26214400) exceeded (26214401 bytes read)", error(r, 413));
  }
}

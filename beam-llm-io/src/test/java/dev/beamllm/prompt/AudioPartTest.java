package dev.beamllm.prompt;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.beam.ConversationCoder;
import dev.beamllm.cache.CacheKeys;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.WireFormats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The audio part: formats recognised from bytes, its JSON form, its Beam coder, its token estimate
 * and the providers that refuse it before sending.
 */
public class AudioPartTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** A 16 kHz mono 16-bit WAV of {@code seconds}, with {@code marker} in a LIST chunk. */
  static byte[] wav(double seconds, String marker) {
    int byteRate = 16_000 * 2;
    int dataSize = (int) (seconds * byteRate);
    byte[] note = (marker + "\0").getBytes(StandardCharsets.UTF_8);
    int noteSize = note.length + (note.length & 1);
    ByteBuffer b =
        ByteBuffer.allocate(12 + 24 + 8 + noteSize + 8 + dataSize).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(byteRate);
    b.putShort((short) 2).putShort((short) 16);
    b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(noteSize).put(note);
    if ((note.length & 1) == 1) {
      b.put((byte) 0);
    }
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataSize);
    return b.array();
  }

  private static byte[] startingWith(int... head) {
    byte[] b = new byte[64];
    for (int i = 0; i < head.length; i++) {
      b[i] = (byte) head[i];
    }
    return b;
  }

  private static byte[] ascii(String head) {
    byte[] b = new byte[64];
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(h, 0, b, 0, h.length);
    return b;
  }

  @Test
  public void formatsComeFromTheBytes() {
    assertEquals("audio/wav", Audio.fromBytes(wav(0.1, "x")).mediaType().orElseThrow());
    assertEquals("wav", Audio.fromBytes(wav(0.1, "x")).format().orElseThrow());
    assertEquals("audio/mp3", Audio.fromBytes(ascii("ID3\u0004")).mediaType().orElseThrow());
    assertEquals("audio/mp3", Audio.fromBytes(startingWith(0xFF, 0xFB, 0x90)).mediaType().get());
    assertEquals("audio/aac", Audio.fromBytes(startingWith(0xFF, 0xF1, 0x50)).mediaType().get());
    assertEquals("audio/flac", Audio.fromBytes(ascii("fLaC")).mediaType().get());
    assertEquals("audio/ogg", Audio.fromBytes(ascii("OggS")).mediaType().get());
    assertEquals("audio/aiff", Audio.fromBytes(ascii("FORM\0\0\0\0AIFF")).mediaType().get());
    InvalidPromptException unknown =
        assertThrows(InvalidPromptException.class, () -> Audio.fromBytes(ascii("hello")));
    assertThat(unknown.getMessage(), containsString("unknown audio media type"));
    // An explicit type for a format the bytes do not reveal; a non-audio type is refused.
    assertEquals("audio/webm", Audio.fromBytes(ascii("x"), "audio/webm").mediaType().get());
    assertThrows(InvalidPromptException.class, () -> Audio.fromBytes(ascii("x"), "image/png"));
  }

  @Test
  public void theJsonFormKeepsPathsBytesAndUris() throws Exception {
    Path file = tmp.newFile("clip.wav").toPath();
    Files.write(file, wav(0.2, "TRANSCRIPT: hi"));
    Conversation c =
        Conversation.of(
            Message.user("Listen")
                .addAudio(file)
                .addAudio(Audio.fromBytes(ascii("OggS")))
                .addAudio(Audio.fromUrl("gs://bucket/talk.mp3")));

    JsonNode reference = Json.parse(c.toJson()).at("/messages/0/content");
    assertEquals(file.toString(), reference.get(1).get("path").asText());
    assertFalse("a path is a reference", reference.get(1).has("data"));
    assertEquals("audio/ogg", reference.get(2).get("media_type").asText());
    assertTrue(reference.get(2).has("data"));
    assertEquals("gs://bucket/talk.mp3", reference.get(3).get("url").asText());
    assertEquals("audio/mp3", reference.get(3).get("media_type").asText());
    assertEquals(c, ConversationJson.fromJson(c.toJson()));

    // The embedded form (the coder's) needs no file to read back.
    String embedded = ConversationJson.toJson(c, ConversationJson.Mode.EMBEDDED);
    Files.delete(file);
    assertEquals(c, ConversationJson.restore(embedded));
  }

  @Test
  public void aJsonlRowReadsAudioByPathDataOrDataUrl() throws Exception {
    Path dir = tmp.newFolder("rows").toPath();
    byte[] clip = wav(0.5, "TRANSCRIPT: row");
    Files.write(dir.resolve("a.wav"), clip);
    Files.write(dir.resolve("b.webm"), ascii("webm bytes"));
    String b64 = Base64.getEncoder().encodeToString(clip);
    String row =
        "{\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"text\",\"text\":\"Repeat\"},"
            + "{\"type\":\"audio\",\"path\":\"a.wav\"},"
            + "{\"type\":\"audio\",\"data\":\""
            + b64
            + "\"},"
            + "{\"type\":\"audio\",\"data\":\"data:audio/webm;base64,AAAA\"},"
            + "{\"type\":\"audio\",\"path\":\"b.webm\",\"media_type\":\"audio/webm\"}]}]}";
    Conversation c = ConversationJson.fromTree(Json.parse(row), dir);
    List<Audio> audio = c.messages().get(0).partsOf(Audio.class);
    assertEquals(4, audio.size());
    assertEquals(Audio.Origin.PATH, audio.get(0).origin());
    assertArrayEquals(clip, audio.get(0).bytes().orElseThrow());
    assertArrayEquals(clip, audio.get(1).bytes().orElseThrow());
    assertEquals("audio/webm", audio.get(2).mediaType().orElseThrow());
    assertEquals("audio/webm", audio.get(3).mediaType().orElseThrow());
    assertEquals(
        c, ConversationJson.restore(ConversationJson.toJson(c, ConversationJson.Mode.EMBEDDED)));

    InvalidPromptException none =
        assertThrows(
            InvalidPromptException.class,
            () ->
                ConversationJson.fromJson(
                    "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}"));
    assertThat(none.getMessage(), containsString("audio part needs one of"));
    InvalidPromptException assistant =
        assertThrows(
            InvalidPromptException.class,
            () ->
                Conversation.user("hi")
                    .add(Message.assistant().addAudio(Audio.fromBytes(clip)))
                    .validate());
    assertThat(assistant.getMessage(), containsString("cannot hold a audio part"));
  }

  @Test
  public void theCoderRoundTripsAudioAndTheCacheKeyHashesItsBytes() throws Exception {
    Conversation a =
        Conversation.of(
            Message.user("Repeat").addAudio(Audio.fromBytes(wav(0.3, "TRANSCRIPT: a"))));
    Conversation b =
        Conversation.of(
            Message.user("Repeat").addAudio(Audio.fromBytes(wav(0.3, "TRANSCRIPT: b"))));
    ConversationCoder coder = ConversationCoder.of();
    assertEquals(a, CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, a)));

    List<String> models = List.of("gpt-4o-audio-preview");
    SamplingParams params = SamplingParams.defaults();
    assertNotEquals(
        "other audio, other answer",
        CacheKeys.of(a, models, params, List.of()),
        CacheKeys.of(b, models, params, List.of()));
    assertEquals(
        CacheKeys.of(a, models, params, List.of()),
        CacheKeys.of(
            Conversation.of(
                Message.user("Repeat").addAudio(Audio.fromBytes(wav(0.3, "TRANSCRIPT: a")))),
            models,
            params,
            List.of()));
  }

  @Test
  public void tokensComeFromTheWavHeaderOrTheSize() {
    Audio clip = Audio.fromBytes(wav(2.5, "TRANSCRIPT: x"));
    assertTrue(clip.exactDuration());
    assertEquals(2.5, clip.seconds().orElseThrow(), 1e-9);
    // Gemini documents 32 tokens per second; OpenAI's rate is 10 (its $0.06 a minute at $100/M).
    assertEquals(80, TokenCounter.audioTokens(clip, TokenCounter.ImageRule.GEMINI));
    assertEquals(25, TokenCounter.audioTokens(clip, TokenCounter.ImageRule.OPENAI));

    // An MP3 is timed by its size at 128 kbit/s: 48,000 bytes are 3 seconds.
    byte[] mp3 = new byte[48_000];
    mp3[0] = 'I';
    mp3[1] = 'D';
    mp3[2] = '3';
    Audio compressed = Audio.fromBytes(mp3);
    assertFalse(compressed.exactDuration());
    assertEquals(96, TokenCounter.audioTokens(compressed, TokenCounter.ImageRule.GEMINI));

    // The conversation's estimate adds the audio to the text.
    Conversation c = Conversation.of(Message.user("Repeat").addAudio(clip));
    long text = TokenCounter.estimate(Conversation.user("Repeat"), TokenCounter.ImageRule.GEMINI);
    assertEquals(text + 80, TokenCounter.estimate(c, TokenCounter.ImageRule.GEMINI));
  }

  @Test
  public void openAiTakesOnlyWavAndMp3AndNoUrl() {
    Conversation flac =
        Conversation.of(Message.user("What plays?").addAudio(Audio.fromBytes(ascii("fLaC"))));
    UnsupportedPartException e =
        assertThrows(UnsupportedPartException.class, () -> WireFormats.openAi(flac));
    assertThat(e.getMessage(), containsString("audio/flac audio"));
    assertThat(e.getMessage(), containsString("input_audio takes only wav and mp3"));

    Conversation mp3 =
        Conversation.of(Message.user("What plays?").addAudio(Audio.fromBytes(ascii("ID3"))));
    JsonNode part = Json.parse(WireFormats.openAi(mp3)).at("/messages/0/content/1");
    assertEquals("input_audio", part.get("type").asText());
    assertEquals("mp3", part.at("/input_audio/format").asText());
    assertEquals(
        Base64.getEncoder().encodeToString(ascii("ID3")), part.at("/input_audio/data").asText());

    Conversation byUri =
        Conversation.of(Message.user("Hm").addAudio(Audio.fromUrl("https://x.test/a.wav")));
    assertThat(
        assertThrows(UnsupportedPartException.class, () -> WireFormats.openAi(byUri)).getMessage(),
        containsString("audio by URL"));
  }

  @Test
  public void providersWithoutAudioRefuseItBeforeSending() {
    Conversation c =
        Conversation.of(
            Message.user("Repeat").addAudio(Audio.fromBytes(wav(0.1, "TRANSCRIPT: x"))));
    for (var render :
        List.<java.util.function.Function<Conversation, String>>of(
            WireFormats::anthropic,
            WireFormats::cohere,
            WireFormats::bedrockConverse,
            WireFormats::openAiResponses)) {
      UnsupportedPartException e =
          assertThrows(UnsupportedPartException.class, () -> render.apply(c));
      assertThat(e.getMessage(), containsString("cannot take audio input"));
    }
  }

  @Test
  public void geminiTakesUrisAsFileDataAndRefusesInlineAudioOver20Mb() {
    Conversation uri =
        Conversation.of(
            Message.user("Summarise")
                .addAudio(
                    Audio.fromUrl(
                        "https://generativelanguage.googleapis.com/v1beta/files/abc.ogg")));
    JsonNode part = Json.parse(WireFormats.gemini(uri)).at("/contents/0/parts/1/fileData");
    assertEquals("audio/ogg", part.get("mimeType").asText());
    assertEquals(
        "https://generativelanguage.googleapis.com/v1beta/files/abc.ogg",
        part.get("fileUri").asText());

    byte[] big = new byte[16 * 1024 * 1024];
    big[0] = 'I';
    big[1] = 'D';
    big[2] = '3';
    Conversation large = Conversation.of(Message.user("Summarise").addAudio(Audio.fromBytes(big)));
    UnsupportedPartException e =
        assertThrows(UnsupportedPartException.class, () -> WireFormats.gemini(large));
    assertThat(e.getMessage(), containsString("20 MB"));
    assertThat(e.getMessage(), containsString("Files API"));

    Conversation webm =
        Conversation.of(Message.user("Hm").addAudio(Audio.fromBytes(ascii("x"), "audio/webm")));
    assertThat(
        assertThrows(UnsupportedPartException.class, () -> WireFormats.gemini(webm)).getMessage(),
        containsString("audio/webm audio"));
  }
}

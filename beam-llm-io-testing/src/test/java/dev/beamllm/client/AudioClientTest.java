package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Audio;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.Test;

/**
 * Audio parts through {@link LlmClient} over real sockets to the fake provider: OpenAI chat, Gemini
 * and Mistral get the wire shape each documents and answer with what the fake "hears" (the {@code
 * TRANSCRIPT:} marker in the bytes); models and APIs without audio fail per row before sending; a
 * wrongly shaped part gets the provider's own 400.
 */
public class AudioClientTest {
  private static final String HEARD = "Echo: Repeat what is said\n[audio: hello world]";

  private static Conversation repeat(byte[] audio) {
    return Conversation.of(Message.user("Repeat what is said").addAudio(Audio.fromBytes(audio)));
  }

  private static ApiResponse ask(FakeProviderServer fake, String model, Conversation c) {
    try (LlmClient client =
        ClientTestSupport.client(fake, model).maxAttempts(1).keepRawBody(true).build()) {
      return client.start(c).join();
    }
  }

  @Test
  public void openAiChatSendsInputAudioAndHearsIt() {
    byte[] wav = TranscribeTest.wav(2.0, "TRANSCRIPT: hello world");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ApiResponse r = ask(fake, "gpt-4o-audio-preview", repeat(wav));
      assertFalse(r.error().toString(), r.isError());
      assertEquals(HEARD, r.completion());

      RecordedRequest sent = fake.requests().get(0);
      assertEquals("/v1/chat/completions", sent.path());
      JsonNode part = Json.parse(sent.body()).at("/messages/0/content/1");
      assertEquals("input_audio", part.get("type").asText());
      assertEquals("wav", part.at("/input_audio/format").asText());
      assertEquals(Base64.getEncoder().encodeToString(wav), part.at("/input_audio/data").asText());
      // Two seconds of audio at OpenAI's 10 tokens a second are part of the input.
      long text =
          TokenCounter.estimate(
              Conversation.user("Repeat what is said"), TokenCounter.ImageRule.OPENAI);
      assertEquals(text + 20, r.usage().inputTokens());
      JsonNode usage = Json.parse(r.rawBody().orElseThrow()).get("usage");
      assertEquals(20, usage.at("/prompt_tokens_details/audio_tokens").asLong());
      // The audio tokens are read apart and priced at the audio rate ($40 a million, not $2.50).
      assertEquals(20, r.usage().audioInputTokens());
      assertEquals(
          (text * 2.50 + 20 * 40.00 + r.usage().outputTokens() * 10.00) / 1e6, r.cost(), 1e-12);
    }
  }

  @Test
  public void geminiSendsInlineAudioAndHearsIt() {
    byte[] wav = TranscribeTest.wav(1.0, "TRANSCRIPT: hello world");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ApiResponse r = ask(fake, "gemini-2.5-flash", repeat(wav));
      assertFalse(r.error().toString(), r.isError());
      assertEquals(HEARD, r.completion());
      JsonNode inline = Json.parse(fake.requests().get(0).body()).at("/contents/0/parts/1");
      assertEquals("audio/wav", inline.at("/inlineData/mimeType").asText());
      assertEquals(Base64.getEncoder().encodeToString(wav), inline.at("/inlineData/data").asText());
      // One second at Gemini's 32 tokens a second, reported by modality as Gemini does.
      JsonNode details =
          Json.parse(r.rawBody().orElseThrow()).at("/usageMetadata/promptTokensDetails");
      assertEquals("AUDIO", details.get(1).get("modality").asText());
      assertEquals(32, details.get(1).get("tokenCount").asLong());
      // Gemini 2.5 Flash: audio at $1.00 a million, text at $0.30, output at $2.50.
      assertEquals(32, r.usage().audioInputTokens());
      assertEquals(
          ((r.usage().inputTokens() - 32) * 0.30 + 32 * 1.00 + r.usage().outputTokens() * 2.50)
              / 1e6,
          r.cost(),
          1e-12);

      // Audio by URI goes as fileData; the fake hears the file's name.
      Conversation byUri =
          Conversation.of(
              Message.user("Repeat what is said")
                  .addAudio(Audio.fromUrl("https://files.example/hello_world.mp3")));
      ApiResponse uri = ask(fake, "gemini-2.5-flash", byUri);
      assertFalse(uri.error().toString(), uri.isError());
      assertEquals(HEARD, uri.completion());
      JsonNode file = Json.parse(fake.requests().get(1).body()).at("/contents/0/parts/1/fileData");
      assertEquals("audio/mp3", file.get("mimeType").asText());
    }
  }

  @Test
  public void mistralVoxtralSendsTheBase64String() {
    byte[] wav = TranscribeTest.wav(0.5, "TRANSCRIPT: hello world");
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ApiResponse r = ask(fake, "voxtral-small", repeat(wav));
      assertFalse(r.error().toString(), r.isError());
      assertEquals(HEARD, r.completion());
      JsonNode part = Json.parse(fake.requests().get(0).body()).at("/messages/0/content/1");
      assertEquals("input_audio", part.get("type").asText());
      assertEquals(Base64.getEncoder().encodeToString(wav), part.get("input_audio").asText());
    }
  }

  @Test
  public void modelsWithoutAudioAndOtherFormatsFailBeforeSending() {
    byte[] wav = TranscribeTest.wav(0.5, "TRANSCRIPT: hello world");
    byte[] flac = new byte[64];
    System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, flac, 0, 4);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (String model : new String[] {"claude-3-haiku", "gpt-4o-mini", "command-a"}) {
        ApiResponse r = ask(fake, model, repeat(wav));
        assertTrue(model, r.isError());
        assertEquals(model, ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
        assertThat(r.error().orElseThrow().message(), containsString("does not support audio"));
      }
      // A row naming a model that cannot hear, in a client that has one that can: the failure names
      // the model the row asked for.
      try (LlmClient client =
          ClientTestSupport.client(fake, "gpt-4o-audio-preview", "claude-3-haiku").build()) {
        ApiResponse r = client.start(LlmRequest.of(repeat(wav)).withModel("claude-3-haiku")).join();
        assertEquals(ErrorKind.UNSUPPORTED, r.error().orElseThrow().kind());
        assertEquals("claude-3-haiku", r.model());
      }
      ApiResponse flacToOpenAi = ask(fake, "gpt-4o-audio-preview", repeat(flac));
      assertTrue(flacToOpenAi.isError());
      assertThat(
          flacToOpenAi.error().orElseThrow().message(),
          containsString("input_audio takes only wav and mp3"));
      assertEquals("nothing was sent", 0, fake.requests().size());

      // Gemini takes FLAC.
      ApiResponse flacToGemini = ask(fake, "gemini-2.5-flash", repeat(flac));
      assertFalse(flacToGemini.error().toString(), flacToGemini.isError());
    }
  }

  @Test
  public void aWronglyShapedPartGetsTheProvidersOwn400() throws Exception {
    String data = Base64.getEncoder().encodeToString(TranscribeTest.wav(0.1, "TRANSCRIPT: x"));
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      HttpResponse<String> noFormat =
          post(
              fake,
              "/v1/chat/completions",
              "{\"model\":\"gpt-4o-audio-preview\",\"messages\":[{\"role\":\"user\",\"content\":["
                  + "{\"type\":\"text\",\"text\":\"hi\"},"
                  + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
                  + data
                  + "\"}}]}]}");
      assertEquals(400, noFormat.statusCode());
      JsonNode error = Json.parse(noFormat.body()).get("error");
      assertEquals(
          "Missing required parameter: 'messages[0].content[1].input_audio.format'.",
          error.get("message").asText());
      assertEquals("messages[0].content[1].input_audio.format", error.get("param").asText());
      assertEquals("missing_required_parameter", error.get("code").asText());
      assertEquals("invalid_request_error", error.get("type").asText());

      HttpResponse<String> flac =
          post(
              fake,
              "/v1/chat/completions",
              "{\"model\":\"gpt-4o-audio-preview\",\"messages\":[{\"role\":\"user\",\"content\":["
                  + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
                  + data
                  + "\",\"format\":\"flac\"}}]}]}");
      assertEquals(400, flac.statusCode());
      assertEquals("invalid_value", Json.parse(flac.body()).get("error").get("code").asText());

      HttpResponse<String> gemini =
          post(
              fake,
              "/v1beta/models/gemini-2.5-flash:generateContent",
              "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":"
                  + "{\"mimeType\":\"audio/webm\",\"data\":\""
                  + data
                  + "\"}}]}]}");
      assertEquals(400, gemini.statusCode());
      assertThat(gemini.body(), containsString("Unsupported MIME type: audio/webm"));

      // Mistral's input_audio is the base64 string itself, not OpenAI's object.
      HttpResponse<String> mistral =
          post(
              fake,
              "/mistral/v1/chat/completions",
              "{\"model\":\"voxtral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":["
                  + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
                  + data
                  + "\",\"format\":\"wav\"}}]}]}");
      assertTrue(mistral.body(), mistral.statusCode() >= 400 && mistral.statusCode() < 500);
      assertThat(mistral.body(), containsString("input_audio"));
    }
  }

  private static HttpResponse<String> post(FakeProviderServer fake, String path, String body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .header("content-type", "application/json")
                .header("authorization", "Bearer sk-test")
                .header("x-goog-api-key", "sk-test")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

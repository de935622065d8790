package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartInputAudio;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.beamllm.client.TranscribeTest;
import dev.beamllm.testing.FakeProviderServer;
import java.util.Base64;
import java.util.List;
import org.junit.Test;

/** The official OpenAI Java SDK, pointed at the fake server, sends and parses without error. */
public class OpenAiSdkFidelityTest {
  @Test
  public void chatCompletionText() {
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-fake").start()) {
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .apiKey("sk-fake")
              .baseUrl(fake.baseUrl() + "/v1")
              .maxRetries(0)
              .build();
      ChatCompletion c =
          client
              .chat()
              .completions()
              .create(
                  ChatCompletionCreateParams.builder()
                      .model("gpt-4.1-mini")
                      .addSystemMessage("Be terse.")
                      .addUserMessage("Say hi")
                      .build());
      assertEquals("Echo: Say hi", c.choices().get(0).message().content().orElseThrow());
      assertTrue(c.usage().orElseThrow().promptTokens() > 0);
    }
  }

  /** The SDK's own input_audio part (base64 data and a wav format) is heard, and its usage read. */
  @Test
  public void chatCompletionWithInputAudio() {
    String wav =
        Base64.getEncoder().encodeToString(TranscribeTest.wav(1.5, "TRANSCRIPT: hello world"));
    try (FakeProviderServer fake = FakeProviderServer.builder().apiKey("sk-fake").start()) {
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .apiKey("sk-fake")
              .baseUrl(fake.baseUrl() + "/v1")
              .maxRetries(0)
              .build();
      ChatCompletionContentPart text =
          ChatCompletionContentPart.ofText(
              ChatCompletionContentPartText.builder().text("Repeat what is said").build());
      ChatCompletionContentPart audio =
          ChatCompletionContentPart.ofInputAudio(
              ChatCompletionContentPartInputAudio.builder()
                  .inputAudio(
                      ChatCompletionContentPartInputAudio.InputAudio.builder()
                          .data(wav)
                          .format(ChatCompletionContentPartInputAudio.InputAudio.Format.WAV)
                          .build())
                  .build());
      ChatCompletion c =
          client
              .chat()
              .completions()
              .create(
                  ChatCompletionCreateParams.builder()
                      .model("gpt-4o-audio-preview")
                      .addUserMessageOfArrayOfContentParts(List.of(text, audio))
                      .build());
      assertEquals(
          "Echo: Repeat what is said\n[audio: hello world]",
          c.choices().get(0).message().content().orElseThrow());
      assertEquals(
          15L,
          (long)
              c.usage()
                  .orElseThrow()
                  .promptTokensDetails()
                  .orElseThrow()
                  .audioTokens()
                  .orElseThrow());
    }
  }
}

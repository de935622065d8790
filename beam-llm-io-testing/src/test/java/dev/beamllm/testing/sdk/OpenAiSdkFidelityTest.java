package dev.beamllm.testing.sdk;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.beamllm.testing.FakeProviderServer;
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
}

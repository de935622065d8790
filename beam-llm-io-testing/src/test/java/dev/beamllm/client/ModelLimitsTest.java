package dev.beamllm.client;

import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A model's own requests/min holds within the client's, and does not hold back the other models.
 */
public class ModelLimitsTest {
  @Test(timeout = 60_000)
  public void aModelsOwnLimitHoldsWhileOthersRunFree() throws Exception {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            ClientTestSupport.client(fake, "gpt-4.1-mini")
                .modelLimits(Map.of("gpt-4.1-nano", new Limits(60, 0, 0)))
                .build()) {
      List<CompletableFuture<ApiResponse>> nano = new ArrayList<>();
      for (int i = 0; i < 70; i++) {
        nano.add(
            client.start(LlmRequest.of(Conversation.user("nano " + i)).withModel("gpt-4.1-nano")));
      }
      List<CompletableFuture<ApiResponse>> mini = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        mini.add(client.start(Conversation.user("mini " + i)));
      }
      CompletableFuture.allOf(mini.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      Thread.sleep(1_000);
      long nanoDone = nano.stream().filter(CompletableFuture::isDone).count();
      // The bucket starts full (60) and refills one request a second.
      assertTrue("nano answered so far: " + nanoDone, nanoDone >= 58 && nanoDone <= 64);
      assertTrue(
          "over its limit nothing reached the provider: " + fake.stats().received(),
          fake.stats().received() <= 164);
      for (CompletableFuture<ApiResponse> f : nano) {
        assertTrue(!f.get(30, TimeUnit.SECONDS).isError());
      }
    }
  }
}

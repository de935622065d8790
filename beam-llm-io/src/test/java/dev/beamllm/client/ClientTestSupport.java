package dev.beamllm.client;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.testing.FakeProviderServer;

/** Clients wired to a fake provider, for the client's tests. */
final class ClientTestSupport {
  private ClientTestSupport() {}

  /** A builder for a client whose models all call the fake server, with any key and no progress display. */
  static LlmClient.Builder client(FakeProviderServer fake, String... models) {
    return LlmClient.builder()
        .models(models)
        .registry(fake.pointRegistry(ModelRegistry.defaults()))
        .apiKeys(ApiKeys.sameForAll("sk-test"))
        .progress(StatusTracker.Display.NONE);
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelRegistry;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.testing.FakeProviderServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Clients wired to a fake provider, for the client's tests. */
final class ClientTestSupport {
  private ClientTestSupport() {}

  /**
   * One prompt through a fresh client with the same settings, so what one answer teaches a client
   * (a model given up after a 401 or 404) does not decide how the next scripted fault is
   * classified.
   */
  static ApiResponse once(LlmClient client, String prompt) {
    try (LlmClient fresh = LlmClient.of(client.config())) {
      return fresh.start(prompt).join();
    }
  }

  /**
   * A builder for a client whose models all call the fake server, with any key and no progress
   * display.
   */
  static LlmClient.Builder client(FakeProviderServer fake, String... models) {
    return LlmClient.builder()
        .models(models)
        .registry(fake.pointRegistry(ModelRegistry.defaults()))
        .apiKeys(ApiKeys.sameForAll("sk-test"))
        .progress(StatusTracker.Display.NONE);
  }

  /**
   * Sends a call and feeds its server-sent events to a decoder, one per blank-line-ended block of
   * {@code event:} and {@code data:} lines, as an SSE client reads them.
   *
   * @return the HTTP status
   */
  static int stream(HttpCall call, StreamDecoder decoder, Consumer<String> onText)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(call.uri())
            .version(HttpClient.Version.HTTP_1_1)
            .POST(HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(request::header);
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    String event = null;
    StringBuilder data = new StringBuilder();
    for (String line : response.body().toList()) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          decoder.onEvent(event, data.toString(), onText);
        }
        event = null;
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        event = line.substring("event:".length()).trim();
      } else if (line.startsWith("data:")) {
        data.append(data.length() > 0 ? "\n" : "")
            .append(line.substring("data:".length()).stripLeading());
      }
    }
    if (data.length() > 0) {
      decoder.onEvent(event, data.toString(), onText);
    }
    return response.statusCode();
  }
}

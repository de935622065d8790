package dev.beamllm.client;

import dev.beamllm.model.Capabilities;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import dev.beamllm.provider.StreamDecoder;
import dev.beamllm.testing.FakeProviderServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Adapter calls made by hand, for what the client does not do itself: sending a streamed request
 * and feeding its server-sent events to the adapter's decoder, or sending a body the library cannot
 * build yet.
 */
final class ProviderCalls {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private ProviderCalls() {}

  /** Sends an adapter's call and returns the answer as the client's transport would. */
  static HttpAnswer send(HttpCall call) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.uri())
            .timeout(Duration.ofSeconds(20))
            .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> headers = new HashMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new HttpAnswer(r.statusCode(), headers, r.body());
  }

  /**
   * Feeds a server-sent-event body to a decoder, event by event; returns the text deltas joined.
   */
  static String decode(String sse, StreamDecoder decoder) {
    StringBuilder text = new StringBuilder();
    for (String block : sse.split("\n\n")) {
      String event = null;
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event:")) {
          event = line.substring("event:".length()).trim();
        } else if (line.startsWith("data:")) {
          data.append(data.length() > 0 ? "\n" : "")
              .append(line.substring("data:".length()).trim());
        }
      }
      if (data.length() > 0) {
        decoder.onEvent(event, data.toString(), text::append);
      }
    }
    return text.toString();
  }

  /** The registry pointed at the fake, with one model's JSON-schema capability switched on. */
  static ModelRegistry withJsonSchema(FakeProviderServer fake, String model) {
    ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec spec = registry.lookup(model);
    Capabilities c = spec.capabilities();
    Capabilities json =
        new Capabilities(
            c.jsonMode(),
            true,
            c.images(),
            c.pdfs(),
            c.logprobs(),
            c.tools(),
            c.reasoning(),
            c.responsesApi(),
            c.reasoningEfforts());
    return registry.withModel(spec.toBuilder().setCapabilities(json).build());
  }
}

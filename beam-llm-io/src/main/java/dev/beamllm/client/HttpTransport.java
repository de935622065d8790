package dev.beamllm.client;

import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client's one asynchronous HTTP client (the JDK's): HTTP/2 where the server offers it over
 * TLS, HTTP/1.1 with keep-alive otherwise. The JDK opens at most one connection per request in
 * flight, so the pool is bounded by the scheduler's concurrency limit.
 */
final class HttpTransport implements AutoCloseable {
  private final ExecutorService executor;
  private final HttpClient http;

  HttpTransport(int maxConcurrent) {
    this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
      Thread t = new Thread(r, "beamllm-http");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  /** Sends a call; the future fails with the transport's exception (timeout, connection). */
  CompletableFuture<HttpAnswer> send(HttpCall call, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(call.uri())
        .timeout(timeout)
        .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    // Plain http gets HTTP/1.1 directly: an h2c upgrade attempt costs a round trip and few servers take it.
    if ("http".equalsIgnoreCase(call.uri().getScheme())) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    call.headers().forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new HttpAnswer(r.statusCode(), lowerCase(r.headers().map()), r.body()));
  }

  private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new HashMap<>(headers.size() * 2);
    headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

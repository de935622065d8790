package dev.beamllm.client;

import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client's HTTP: for https the JDK's asynchronous client, which speaks HTTP/2 where the
 * provider offers it; for plain http (local servers, the fake provider) HTTP/1.1 keep-alive on
 * Netty, which costs far less CPU per request. Both open at most one connection per request in
 * flight, so the pool is bounded by the scheduler's concurrency limit.
 */
final class HttpTransport implements AutoCloseable {
  private final ExecutorService executor;
  private final HttpClient http;
  private final NettyTransport plain = new NettyTransport();

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
    if ("http".equalsIgnoreCase(call.uri().getScheme())) {
      return plain.send(call, timeout);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(call.uri())
        .timeout(timeout)
        .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        // The JDK's header map is already case-insensitive, which is all HttpAnswer needs.
        .thenApply(r -> new HttpAnswer(r.statusCode(), r.headers().map(), r.body()));
  }

  @Override
  public void close() {
    plain.close();
    executor.shutdownNow();
  }
}

package dev.beamllm.client;

import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
  private final HttpClient fetcher;

  HttpTransport(int maxConcurrent) {
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "beamllm-http");
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    // Fetching follows redirects, as a provider fetching the URL itself would; API calls do not.
    this.fetcher =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
  }

  /** Sends a call; the future fails with the transport's exception (timeout, connection). */
  CompletableFuture<HttpAnswer> send(HttpCall call, Duration timeout) {
    if ("http".equalsIgnoreCase(call.uri().getScheme())) {
      return plain.send(call, timeout);
    }
    return http.sendAsync(request(call, timeout), HttpResponse.BodyHandlers.ofString())
        // The JDK's header map is already case-insensitive, which is all HttpAnswer needs.
        .thenApply(r -> new HttpAnswer(r.statusCode(), r.headers().map(), r.body()))
        // The JDK's timeout covers the wait for headers only; a body that stalls must end too.
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  /**
   * Sends a call whose 2xx answer is read line by line as it arrives: each line goes to {@code
   * onLine} (in order, one at a time) and the answer's body is empty. Any other answer is read
   * whole, as by {@link #send}. The timeout bounds the wait for the answer's headers. When {@code
   * onLine} throws, the rest of the body is skipped and the future fails with that exception.
   */
  CompletableFuture<HttpAnswer> stream(HttpCall call, Duration timeout, Consumer<String> onLine) {
    LineSink sink = new LineSink(onLine);
    HttpResponse.BodyHandler<String> handler =
        info ->
            info.statusCode() / 100 == 2
                ? HttpResponse.BodySubscribers.fromLineSubscriber(
                    sink, s -> "", StandardCharsets.UTF_8, null)
                : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    return http.sendAsync(request(call, timeout), handler)
        .thenApply(
            r -> {
              sink.rethrow();
              return new HttpAnswer(r.statusCode(), r.headers().map(), r.body());
            });
  }

  /**
   * A resource's bytes, fetched with a bounded GET (redirects followed): the future fails with an
   * {@link IOException} when the answer is not 2xx or says or turns out to be longer than {@code
   * maxBytes} (the download stops there), and with a timeout after {@code timeout} for the headers
   * and as long again for the body.
   */
  CompletableFuture<Fetched> fetch(URI uri, Duration timeout, int maxBytes) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    return fetcher
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(r -> read(r, maxBytes), executor)
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  private static Fetched read(HttpResponse<InputStream> r, int maxBytes) {
    try (InputStream in = r.body()) {
      if (r.statusCode() / 100 != 2) {
        throw new UncheckedIOException(new IOException("HTTP " + r.statusCode()));
      }
      long length = r.headers().firstValueAsLong("content-length").orElse(-1);
      if (length > maxBytes) {
        throw new UncheckedIOException(tooLarge(maxBytes, length + " bytes"));
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw new UncheckedIOException(tooLarge(maxBytes, "more"));
      }
      return new Fetched(r.headers().firstValue("content-type").orElse(null), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IOException tooLarge(int maxBytes, String size) {
    return new IOException("larger than " + maxBytes + " bytes (" + size + ")");
  }

  /**
   * A fetched resource.
   *
   * @param contentType its {@code content-type}, or null when the server gave none
   * @param body its bytes
   */
  record Fetched(String contentType, byte[] body) {}

  /** The JDK request of a call (package-private so a test can send it to a plain-http server). */
  static HttpRequest request(HttpCall call, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.uri()).timeout(timeout).method(call.method(), publisher(call));
    // Plain http gets HTTP/1.1 directly: an h2c upgrade attempt costs a round trip and few servers
    // take it.
    if ("http".equalsIgnoreCase(call.uri().getScheme())) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    call.headers().forEach(b::header);
    return b.build();
  }

  /** The call's body: none, its text in UTF-8, or its bytes unchanged (an upload). */
  private static HttpRequest.BodyPublisher publisher(HttpCall call) {
    if (!call.hasBody()) {
      return HttpRequest.BodyPublishers.noBody();
    }
    return call.binaryBody() != null
        ? HttpRequest.BodyPublishers.ofByteArray(call.binaryBody())
        : HttpRequest.BodyPublishers.ofString(call.body());
  }

  /**
   * Hands each line of a body to a consumer. A failing consumer does not cancel the subscription,
   * which would leave the exchange unfinished: the rest of the body is read and dropped instead.
   */
  private static final class LineSink implements Flow.Subscriber<String> {
    private final Consumer<String> onLine;
    private volatile RuntimeException failure;

    LineSink(Consumer<String> onLine) {
      this.onLine = onLine;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (failure != null) {
        return;
      }
      try {
        onLine.accept(line);
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    @Override
    public void onError(Throwable error) {
      // The body handler fails the response future with it.
    }

    @Override
    public void onComplete() {
      // The body handler completes the response future.
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }

  @Override
  public void close() {
    plain.close();
    executor.shutdownNow();
  }
}

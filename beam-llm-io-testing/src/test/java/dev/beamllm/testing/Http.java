package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small real HTTP client for the fake server's tests. */
final class Http {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Http() {}

  /**
   * An answer.
   *
   * @param status the status
   * @param response the whole response, for headers
   * @param body the body
   */
  record Reply(int status, HttpResponse<String> response, String body) {
    JsonNode json() {
      return Json.parse(body);
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

  static HttpRequest.Builder request(String url, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  static Reply post(String url, String body, String... headers)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        CLIENT.send(request(url, body, headers).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r, r.body());
  }

  static Reply get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r, r.body());
  }

  static CompletableFuture<Reply> postAsync(String url, String body, String... headers) {
    return CLIENT
        .sendAsync(request(url, body, headers).build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Reply(r.statusCode(), r, r.body()));
  }
}

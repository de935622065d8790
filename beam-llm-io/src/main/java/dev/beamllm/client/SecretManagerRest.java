package dev.beamllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Reads a secret version through Secret Manager's REST API ({@code GET v1/{name}:access}) with the
 * JDK's HTTP client, so the library needs no Google client library (whose gRPC, protobuf and Guava
 * would pull against Beam's). The access token comes from {@code CLOUDSDK_AUTH_ACCESS_TOKEN} when
 * set (a laptop: {@code gcloud auth print-access-token}), else from the metadata server of the
 * machine (a Dataflow worker's service account; {@code GCE_METADATA_HOST} moves it, as in Google's
 * own libraries).
 */
final class SecretManagerRest implements SecretReferences.Resolver {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String apiBase;
  private final String metadataBase;
  private final String fixedToken;

  /** Secret Manager and the metadata server as the environment names them. */
  SecretManagerRest() {
    this(
        "https://secretmanager.googleapis.com",
        "http://" + firstNonBlank(System.getenv("GCE_METADATA_HOST"), "metadata.google.internal"),
        System.getenv("CLOUDSDK_AUTH_ACCESS_TOKEN"));
  }

  /** Given endpoints: the tests' local doubles. {@code token} null to ask the metadata server. */
  SecretManagerRest(String apiBase, String metadataBase, String token) {
    this.apiBase = apiBase;
    this.metadataBase = metadataBase;
    this.fixedToken = token == null || token.isBlank() ? null : token.strip();
  }

  @Override
  public String access(String resourceName) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    String token = fixedToken != null ? fixedToken : metadataToken(http);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiBase + "/v1/" + resourceName + ":access"))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    HttpResponse<String> response = send(http, request, "Secret Manager");
    if (response.statusCode() != 200) {
      throw new IOException(
          "HTTP "
              + response.statusCode()
              + errorMessage(response.body())
              + (response.statusCode() == 403 || response.statusCode() == 404
                  ? " (the service account needs roles/secretmanager.secretAccessor on it)"
                  : ""));
    }
    JsonNode payload = parse(response.body()).path("payload");
    byte[] data;
    try {
      data = Base64.getDecoder().decode(payload.path("data").asText(""));
    } catch (IllegalArgumentException e) {
      throw new IOException("the answer's payload is not base64");
    }
    if (payload.hasNonNull("dataCrc32c")) {
      CRC32C crc = new CRC32C();
      crc.update(data);
      if (crc.getValue() != payload.get("dataCrc32c").asLong()) {
        throw new IOException("the payload's CRC32C does not match (corrupted in transit)");
      }
    }
    return new String(data, StandardCharsets.UTF_8);
  }

  /** The default service account's access token, from the metadata server. */
  private String metadataToken(HttpClient http) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    metadataBase + "/computeMetadata/v1/instance/service-accounts/default/token"))
            .timeout(TIMEOUT)
            .header("Metadata-Flavor", "Google")
            .GET()
            .build();
    HttpResponse<String> response = send(http, request, "the metadata server");
    if (response.statusCode() != 200) {
      throw new IOException(
          "no access token: the metadata server answered HTTP " + response.statusCode());
    }
    String token = parse(response.body()).path("access_token").asText("");
    if (token.isEmpty()) {
      throw new IOException("no access token in the metadata server's answer");
    }
    return token;
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request, String what)
      throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + what);
    } catch (IOException e) {
      throw new IOException(
          "cannot reach "
              + what
              + " at "
              + request.uri().getHost()
              + " (outside Google Cloud, set CLOUDSDK_AUTH_ACCESS_TOKEN): "
              + e.getClass().getSimpleName());
    }
  }

  private static JsonNode parse(String body) throws IOException {
    try {
      return Json.parse(body);
    } catch (RuntimeException e) {
      throw new IOException("the answer is not JSON");
    }
  }

  /** Google's error message ({@code error.message}), which names the secret, never a value. */
  private static String errorMessage(String body) {
    try {
      String m = Json.parse(body).path("error").path("message").asText("");
      return m.isEmpty() ? "" : ": " + m;
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String firstNonBlank(String a, String b) {
    return a == null || a.isBlank() ? b : a.strip();
  }
}

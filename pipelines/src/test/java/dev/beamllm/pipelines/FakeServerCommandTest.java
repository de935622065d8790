package dev.beamllm.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.testing.FakeProviderServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

/**
 * The fake-server command's options reach the server, its banner lists the endpoints, and its
 * counters are served.
 */
public class FakeServerCommandTest {

  @Test
  public void optionsConfigureTheServerAndTheBannerListsEndpoints() throws Exception {
    FakeProviderServer.Builder b =
        FakeServerCommand.parse(
            new String[] {"--port", "0", "--rpm=1", "--latency", "10ms", "--script", "*=503,ok"},
            System.out);
    try (FakeProviderServer server = b.start()) {
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      FakeServerCommand.print(server, new PrintStream(banner, true, StandardCharsets.UTF_8));
      String text = banner.toString(StandardCharsets.UTF_8);
      assertThat(text, containsString("fake provider listening on " + server.baseUrl()));
      assertThat(text, containsString("rpm=1"));
      assertThat(text, containsString("POST /v1/chat/completions"));
      assertThat(text, containsString("GET  /fake/stats"));
      assertThat(text, containsString("GET  /fake/requests?limit=N"));
      assertThat(text, containsString("curl " + server.baseUrl() + "/fake/stats"));
      assertThat(
          "the standalone server keeps a bounded log", text, containsString("log=last 10000"));
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
              .build();
      assertEquals(
          "scripted fault",
          503,
          client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(
          "the one request of the minute is spent",
          429,
          client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());

      JsonNode stats = getJson(client, server.baseUrl() + "/fake/stats");
      assertEquals(2, stats.get("requests").asLong());
      assertEquals(0, stats.get("accepted").asLong());
      assertEquals(1, stats.get("rate_limited").asLong());
      assertEquals(1, stats.at("/rate_limited_by/requests").asLong());
      assertEquals(1, stats.at("/faults/unavailable").asLong());
      assertEquals(2, getJson(client, server.baseUrl() + "/fake/requests").size());
    }
  }

  @Test
  public void noLogKeepsNoRequestsButStillCounts() throws Exception {
    FakeProviderServer.Builder b =
        FakeServerCommand.parse(new String[] {"--port", "0", "--no-log"}, System.out);
    try (FakeProviderServer server = b.start()) {
      assertThat(server.describe(), containsString("log=off"));
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
              .build();
      assertEquals(200, client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(0, getJson(client, server.baseUrl() + "/fake/requests").size());
      assertEquals(List.of(), server.requests());
      assertEquals(1, getJson(client, server.baseUrl() + "/fake/stats").get("accepted").asLong());
    }
  }

  private static JsonNode getJson(HttpClient client, String url) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(r.body(), 200, r.statusCode());
    return Json.parse(r.body());
  }

  @Test
  public void keylessTakesNoValueAndAnswersBedrockWithoutCredentials() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--keyless", "--port", "0"}, new String[] {"--port", "0", "--keyless"})) {
      try (FakeProviderServer server = FakeServerCommand.parse(args, System.out).start()) {
        HttpRequest req =
            HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/model/amazon.nova-micro-v1%3A0/converse"))
                .header("content-type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}"))
                .build();
        assertEquals(
            200,
            HttpClient.newHttpClient()
                .send(req, HttpResponse.BodyHandlers.ofString())
                .statusCode());
      }
    }
  }

  @Test
  public void helpAndBadOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertNull(
        FakeServerCommand.parse(
            new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8)));
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("usage: ./run.sh fake-server"));
    try {
      FakeServerCommand.parse(new String[] {"--bogus", "1"}, System.out);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown option '--bogus'"));
    }
    try {
      FakeServerCommand.parse(new String[] {"--faults", "teapot:1"}, System.out);
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("unknown fault 'teapot'"));
    }
  }
}

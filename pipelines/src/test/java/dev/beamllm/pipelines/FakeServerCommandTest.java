package dev.beamllm.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import dev.beamllm.testing.FakeProviderServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/** The fake-server command's options reach the server, and its banner lists the endpoints. */
public class FakeServerCommandTest {

  @Test
  public void optionsConfigureTheServerAndTheBannerListsEndpoints() throws Exception {
    FakeProviderServer.Builder b = FakeServerCommand.parse(
        new String[] {"--port", "0", "--rpm=1", "--latency", "10ms", "--script", "*=503,ok"}, System.out);
    try (FakeProviderServer server = b.start()) {
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      FakeServerCommand.print(server, new PrintStream(banner, true, StandardCharsets.UTF_8));
      String text = banner.toString(StandardCharsets.UTF_8);
      assertThat(text, containsString("fake provider listening on " + server.baseUrl()));
      assertThat(text, containsString("rpm=1"));
      assertThat(text, containsString("POST /v1/chat/completions"));
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
      assertEquals("scripted fault", 503, client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals("the one request of the minute is spent", 429, client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  public void helpAndBadOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertNull(FakeServerCommand.parse(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8)));
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

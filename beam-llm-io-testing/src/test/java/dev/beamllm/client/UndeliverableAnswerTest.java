package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.response.Embedding;
import dev.beamllm.response.ErrorKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * An answer the reader lets through but that cannot be priced (a negative token count, which the
 * fake provider never sends, so a bare server on a loopback port sends it): every text ends with an
 * {@code INVALID_RESPONSE} failure instead of waiting forever.
 */
public class UndeliverableAnswerTest {
  @Test(timeout = 30_000)
  public void aNegativeTokenCountFailsTheTextsInsteadOfLeavingThemUnfinished() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body =
        ("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"embedding\":[0.1,0.2],"
                + "\"index\":0},{\"object\":\"embedding\",\"embedding\":[0.3,0.4],\"index\":1}],"
                + "\"model\":\"voyage-3.5-lite\",\"usage\":{\"total_tokens\":-5}}")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
      ModelRegistry defaults = ModelRegistry.defaults();
      ModelRegistry registry =
          defaults.withModels(
              List.of(defaults.lookup("voyage-3.5-lite").toBuilder().setApiBase(base).build()));
      try (LlmClient client =
          LlmClient.builder()
              .models("voyage-3.5-lite")
              .registry(registry)
              .apiKeys(ApiKeys.sameForAll("sk-test"))
              .maxAttempts(1)
              .progress(StatusTracker.Display.NONE)
              .build()) {
        List<CompletableFuture<Embedding>> futures =
            client.embed(
                List.of(new TextInput("a", "first text"), new TextInput("b", "second text")),
                EmbedSettings.of("voyage-3.5-lite"));
        for (CompletableFuture<Embedding> f : futures) {
          Embedding e = f.get(10, TimeUnit.SECONDS);
          assertTrue(e.isError());
          assertEquals(ErrorKind.INVALID_RESPONSE, e.error().orElseThrow().kind());
        }
      }
    } finally {
      server.stop(0);
    }
  }
}

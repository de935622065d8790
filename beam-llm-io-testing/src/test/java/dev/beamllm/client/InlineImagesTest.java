package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.provider.Credentials;
import dev.beamllm.provider.ProviderRequest;
import dev.beamllm.provider.UnsupportedPartException;
import dev.beamllm.provider.bedrock.BedrockAnthropicAdapter;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Images by URL for Claude on Bedrock ({@code invoke} and Converse), which take images as bytes
 * only: the client fetches each URL once from a local HTTP server, bounded, and sends the bytes; a
 * URL that cannot be fetched fails that row with the reason and sends nothing. The fake's Bedrock
 * dialects refuse URL sources as Bedrock does, so sending the URL fails.
 */
public class InlineImagesTest {
  private static final String PROMPT = "What is in this picture?";
  private HttpServer images;
  private ExecutorService pool;
  private byte[] png;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @Before
  public void serveImages() throws IOException {
    png = Files.readAllBytes(TestData.file("images/red-square.png"));
    images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve("/red.png", 200, "image/png", png, 0);
    serve("/page.html", 200, "text/html; charset=utf-8", "<html></html>".getBytes(), 0);
    serve("/missing.png", 404, "text/plain", "not found".getBytes(), 0);
    serve("/huge.png", 200, "image/png", new byte[InlineImages.MAX_BYTES + 1], 0);
    serve("/slow.png", 200, "image/png", png, 3_000);
    // A thread per exchange, so the slow image holds up no other.
    pool = Executors.newCachedThreadPool();
    images.setExecutor(pool);
    images.start();
  }

  @After
  public void stopImages() {
    images.stop(0);
    pool.shutdownNow();
  }

  private void serve(String path, int status, String type, byte[] body, long delayMillis) {
    images.createContext(
        path,
        exchange -> {
          hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.getResponseHeaders().set("content-type", type);
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          } catch (IOException e) {
            // The client stopped reading (a body over the cap): nothing more to do.
          }
        });
  }

  private String url(String path) {
    return "http://127.0.0.1:" + images.getAddress().getPort() + path;
  }

  private static Conversation picture(String url) {
    return Conversation.of(Message.user(PROMPT).addImage(Image.fromUrl(url)));
  }

  private static ModelRegistry registry(FakeProviderServer fake) {
    ModelRegistry registry = fake.pointRegistry(ModelRegistry.defaults());
    ModelSpec invoke = registry.lookup("bedrock-claude-3.5-haiku");
    return registry.withModel(
        invoke.toBuilder()
            .setId("converse-claude-3.5-haiku")
            .setAliases(List.of())
            .setWireFormat(WireFormat.BEDROCK_CONVERSE)
            .build());
  }

  private static LlmClient client(FakeProviderServer fake, Duration timeout, String... models) {
    return LlmClient.builder()
        .models(models)
        .registry(registry(fake))
        .apiKeys(ApiKeys.sameForAll("sk-test"))
        .requestTimeout(timeout)
        .progress(StatusTracker.Display.NONE)
        .build();
  }

  private static LlmClient client(FakeProviderServer fake, String... models) {
    return client(fake, Duration.ofSeconds(10), models);
  }

  private static JsonNode lastBody(FakeProviderServer fake) {
    List<RecordedRequest> sent = fake.requests();
    return Json.parse(sent.get(sent.size() - 1).body());
  }

  @Test
  public void invokeFetchesTheImageOnceAndSendsItAsBase64() {
    Conversation twice =
        Conversation.of(
            Message.user(PROMPT)
                .addImage(Image.fromUrl(url("/red.png")))
                .addImage(Image.fromUrl(url("/red.png"))));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = client(fake, "bedrock-claude-3.5-haiku")) {
      ApiResponse r = client.start(twice).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals(List.of(), r.warnings());
      JsonNode source = lastBody(fake).at("/messages/0/content/1/source");
      assertEquals("base64", source.get("type").asText());
      assertEquals("image/png", source.get("media_type").asText());
      assertArrayEquals(png, Base64.getDecoder().decode(source.get("data").asText()));
      assertEquals("base64", lastBody(fake).at("/messages/0/content/2/source/type").asText());
      assertEquals("one fetch per URL", 1, hits.get("/red.png").get());
    }
  }

  @Test
  public void converseFetchesImagesInMessagesAndToolResults() {
    Conversation withTool =
        Conversation.of(Message.user(PROMPT).addImage(Image.fromUrl(url("/red.png"))))
            .add(Message.assistant().addToolCall("tooluse_1", "camera", "{}"))
            .add(
                Message.toolResults(
                    List.of(
                        new ToolResult(
                            "tooluse_1", List.of(Image.fromUrl(url("/red.png"))), false))));
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = client(fake, "converse-claude-3.5-haiku")) {
      ApiResponse r = client.start(withTool).join();
      assertFalse(r.error().toString(), r.isError());
      JsonNode body = lastBody(fake);
      assertEquals("png", body.at("/messages/0/content/1/image/format").asText());
      assertArrayEquals(
          png,
          Base64.getDecoder().decode(body.at("/messages/0/content/1/image/source/bytes").asText()));
      assertEquals(
          "png", body.at("/messages/2/content/0/toolResult/content/0/image/format").asText());
    }
  }

  @Test
  public void aUrlThatCannotBeFetchedFailsItsRowWithTheReasonAndSendsNothing() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = client(fake, Duration.ofMillis(700), "bedrock-claude-3.5-haiku")) {
      assertFailure(client, "/missing.png", "HTTP 404");
      assertFailure(client, "/page.html", "not an image (content-type text/html");
      assertFailure(client, "/huge.png", "larger than " + InlineImages.MAX_BYTES + " bytes");
      assertFailure(client, "/slow.png", "no answer within the request timeout");
      assertEquals("nothing reached the provider", 0, fake.requests().size());

      ApiResponse fine = client.start(picture(url("/red.png"))).join();
      assertFalse("the client goes on", fine.isError());
    }
  }

  private void assertFailure(LlmClient client, String path, String reason) {
    ApiResponse r = client.start(picture(url(path))).join();
    assertTrue(path, r.isError());
    ApiError e = r.error().orElseThrow();
    assertEquals(path, ErrorKind.UNSUPPORTED, e.kind());
    assertThat(e.message(), containsString("the image at " + url(path) + " could not be fetched"));
    assertThat(e.message(), containsString(reason));
  }

  @Test
  public void aModelThatFetchesUrlsItselfStillAnswersWhenTheFetchFails() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client =
            LlmClient.builder()
                .models("bedrock-claude-3.5-haiku", "claude-3.5-haiku")
                .modelWeights(1.0, 0.0)
                .registry(registry(fake))
                .apiKeys(ApiKeys.sameForAll("sk-test"))
                .progress(StatusTracker.Display.NONE)
                .build()) {
      ApiResponse r = client.start(picture(url("/missing.png"))).join();
      assertFalse(r.error().toString(), r.isError());
      assertEquals("claude-3.5-haiku", r.model());
      assertEquals("url", lastBody(fake).at("/messages/0/content/1/source/type").asText());
    }
  }

  @Test
  public void theInvokeAdapterRefusesAUrlImageItself() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ModelSpec spec = registry(fake).lookup("bedrock-claude-3.5-haiku");
      ProviderRequest request =
          new ProviderRequest(
              spec,
              picture(url("/red.png")),
              SamplingParams.defaults(),
              List.of(),
              Credentials.apiKey("k"),
              Map.of(),
              null,
              false);
      UnsupportedPartException e =
          assertThrows(
              UnsupportedPartException.class, () -> new BedrockAnthropicAdapter().request(request));
      assertThat(e.getMessage(), containsString("images go as base64 only"));
      assertFalse(new BedrockAnthropicAdapter().takesImageUrls());
    }
  }
}

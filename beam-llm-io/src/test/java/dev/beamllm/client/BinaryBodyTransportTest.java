package dev.beamllm.client;

import static org.junit.Assert.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.provider.HttpAnswer;
import dev.beamllm.provider.HttpCall;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A binary {@link HttpCall} body reaches the server byte for byte through both transports: Netty
 * (plain http, what the client uses against local servers and the fake) and the JDK client (what it
 * uses for https, exercised here through the same request it builds, sent over plain http to a
 * loopback server that answers the SHA-256 and length of what it read, and the content type).
 */
public class BinaryBodyTransportTest {
  private static HttpServer server;
  private static URI uri;

  @BeforeClass
  public static void startEchoServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/echo",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          String reply =
              Digests.sha256Hex(body)
                  + " "
                  + body.length
                  + " "
                  + exchange.getRequestHeaders().getFirst("content-type");
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo");
  }

  @AfterClass
  public static void stop() {
    server.stop(0);
  }

  /** Every byte value, then random bytes: not UTF-8, with NULs and CR/LFs. */
  private static byte[] audioLike(int size) {
    byte[] b = new byte[size];
    new Random(7).nextBytes(b);
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static HttpCall binary(byte[] bytes) {
    return HttpCall.binary(
        "POST", uri, Map.of("content-type", "multipart/form-data; boundary=x"), bytes);
  }

  private static String expected(byte[] bytes, String contentType) {
    return Digests.sha256Hex(bytes) + " " + bytes.length + " " + contentType;
  }

  @Test(timeout = 30_000)
  public void nettySendsABinaryBodyUnchangedAndATextBodyAsUtf8() {
    byte[] bytes = audioLike(3 * 1024 * 1024 + 17);
    try (NettyTransport netty = new NettyTransport()) {
      HttpAnswer a = netty.send(binary(bytes), Duration.ofSeconds(20)).join();
      assertEquals(expected(bytes, "multipart/form-data; boundary=x"), a.body());
      String text = "{\"q\":\"café ☕\"}";
      HttpAnswer t =
          netty
              .send(
                  new HttpCall("POST", uri, Map.of("content-type", "application/json"), text),
                  Duration.ofSeconds(20))
              .join();
      assertEquals(expected(text.getBytes(StandardCharsets.UTF_8), "application/json"), t.body());
    }
  }

  @Test(timeout = 30_000)
  public void theJdkRequestOfTheHttpsPathCarriesABinaryBodyUnchanged() throws Exception {
    byte[] bytes = audioLike(2 * 1024 * 1024 + 3);
    HttpClient jdk = HttpClient.newHttpClient();
    HttpResponse<String> r =
        jdk.send(
            HttpTransport.request(binary(bytes), Duration.ofSeconds(20)),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(expected(bytes, "multipart/form-data; boundary=x"), r.body());
    String text = "{\"q\":\"café ☕\"}";
    HttpResponse<String> t =
        jdk.send(
            HttpTransport.request(
                new HttpCall("POST", uri, Map.of("content-type", "application/json"), text),
                Duration.ofSeconds(20)),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(expected(text.getBytes(StandardCharsets.UTF_8), "application/json"), t.body());
  }

  @Test
  public void aBinaryCallEqualsByContentAndRefusesATextBodyBeside() {
    byte[] bytes = {1, 2, 3};
    assertEquals(binary(bytes), binary(bytes.clone()));
    assertEquals(binary(bytes).hashCode(), binary(bytes.clone()).hashCode());
    org.junit.Assert.assertThrows(
        IllegalArgumentException.class, () -> new HttpCall("POST", uri, Map.of(), "text", bytes));
  }
}

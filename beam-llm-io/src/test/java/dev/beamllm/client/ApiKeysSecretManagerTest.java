package dev.beamllm.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.After;
import org.junit.Test;

/**
 * Keys read from Secret Manager by reference: parsing, resolution on use through a test double,
 * that only the reference is serialized, and the REST client against a local stand-in for Secret
 * Manager and the metadata server (the real Google endpoints are not reached from here).
 */
public class ApiKeysSecretManagerTest {
  private static final String KEY = "sk-test-not-a-real-key-0123456789";
  private static final String REF = "gcp-secret://projects/demo/secrets/openai-key";

  @After
  public void backToSecretManager() {
    SecretReferences.reset();
  }

  @Test
  public void referencesParseToResourceNamesWithLatestByDefault() {
    assertEquals(
        "projects/demo/secrets/openai-key/versions/latest", SecretReferences.resourceName(REF));
    assertEquals(
        "projects/demo/secrets/k/versions/3",
        SecretReferences.resourceName("gcp-secret://projects/demo/secrets/k/versions/3"));
    for (String bad :
        List.of(
            "gcp-secret://secrets/k",
            "gcp-secret://projects/demo/secrets/",
            "gcp-secret://projects/demo/secrets/k/versions/",
            "gcp-secret://projects/demo/secrets/k/extra",
            "projects/demo/secrets/k")) {
      IllegalArgumentException e =
          assertThrows(
              bad, IllegalArgumentException.class, () -> SecretReferences.resourceName(bad));
      assertThat(e.getMessage(), containsString("gcp-secret://projects/PROJECT/secrets/NAME"));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> ApiKeys.fromEnvironment().withSecret("OPENAI_API_KEY", "gcp-secret://nope"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ApiKeys.fromEnvironment().withSecret("not a variable", REF));
  }

  @Test
  public void aReferenceIsReadOnFirstUseOncePerJvm() {
    List<String> asked = new ArrayList<>();
    SecretReferences.useResolver(
        name -> {
          asked.add(name);
          return KEY + "\n";
        });
    ApiKeys keys = ApiKeys.fromEnvironment().withSecret("OPENAI_API_KEY", REF);
    assertTrue(asked.isEmpty());
    assertTrue(keys.isSet("OPENAI_API_KEY"));
    assertTrue("checking a reference reads no secret", asked.isEmpty());
    assertEquals(KEY, keys.get("OPENAI_API_KEY").orElseThrow());
    assertEquals(KEY, keys.get("OPENAI_API_KEY").orElseThrow());
    assertEquals(List.of("projects/demo/secrets/openai-key/versions/latest"), asked);
    assertThat(keys.toString(), containsString("OPENAI_API_KEY"));
    assertThat(keys.toString(), not(containsString(KEY)));
  }

  @Test
  public void requireSetReadsNoSecretAndCredentialsDo() {
    List<String> asked = new ArrayList<>();
    SecretReferences.useResolver(
        name -> {
          asked.add(name);
          return KEY;
        });
    ModelSpec model = ModelRegistry.defaults().lookup("gpt-4.1-mini");
    String variable = model.apiKeyEnv().orElseThrow();
    ApiKeys keys = ApiKeys.fromEnvironment().withSecret(variable, REF);
    keys.requireSet(model);
    assertTrue(asked.isEmpty());
    keys.credentials(model);
    assertEquals(1, asked.size());
  }

  @Test
  public void onlyTheReferenceIsSerialized() throws IOException {
    SecretReferences.useResolver(name -> KEY);
    ApiKeys keys = ApiKeys.fromEnvironment().withSecret("OPENAI_API_KEY", REF);
    assertEquals(KEY, keys.get("OPENAI_API_KEY").orElseThrow());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(keys);
    }
    String serialized = bytes.toString(StandardCharsets.ISO_8859_1);
    assertThat(serialized, not(containsString(KEY)));
    assertThat(serialized, containsString("projects/demo/secrets/openai-key"));
    ApiKeys copy = SerializableUtils.clone(keys);
    assertEquals(Map.of("OPENAI_API_KEY", REF), copy.secretReferences());
    assertFalse(copy.holdsValues());
  }

  @Test
  public void aSecretThatCannotBeReadNamesTheVariableAndTheSecretOnly() {
    SecretReferences.useResolver(
        name -> {
          throw new IOException("HTTP 403: Permission denied on " + name);
        });
    ApiKeys keys = ApiKeys.fromEnvironment().withSecret("OPENAI_API_KEY", REF);
    // As a missing key: the request fails with an AUTH error, the bundle goes on.
    ApiKeys.MissingKeyException e =
        assertThrows(ApiKeys.MissingKeyException.class, () -> keys.get("OPENAI_API_KEY"));
    assertThat(e.getMessage(), containsString("OPENAI_API_KEY"));
    assertThat(e.getMessage(), containsString("projects/demo/secrets/openai-key/versions/latest"));
    SecretReferences.useResolver(name -> "  \n");
    assertThat(
        assertThrows(IllegalStateException.class, () -> keys.get("OPENAI_API_KEY")).getMessage(),
        containsString("is empty"));
  }

  @Test
  public void restClientTakesATokenFromTheMetadataServerAndChecksTheChecksum() throws Exception {
    byte[] value = KEY.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(value);
    List<String> seen = new ArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/computeMetadata/v1/instance/service-accounts/default/token",
        ex -> {
          seen.add("token " + ex.getRequestHeaders().getFirst("Metadata-Flavor"));
          reply(ex, 200, "{\"access_token\":\"ya29.test\",\"expires_in\":3599}");
        });
    server.createContext(
        "/v1/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          seen.add(path + " " + ex.getRequestHeaders().getFirst("Authorization"));
          if (path.contains("/secrets/missing/")) {
            reply(ex, 404, "{\"error\":{\"code\":404,\"message\":\"Secret [missing] not found\"}}");
          } else if (path.contains("/secrets/corrupt/")) {
            reply(
                ex,
                200,
                "{\"payload\":{\"data\":\""
                    + Base64.getEncoder().encodeToString(value)
                    + "\",\"dataCrc32c\":\"1\"}}");
          } else {
            reply(
                ex,
                200,
                "{\"name\":\"x\",\"payload\":{\"data\":\""
                    + Base64.getEncoder().encodeToString(value)
                    + "\",\"dataCrc32c\":\""
                    + crc.getValue()
                    + "\"}}");
          }
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      SecretManagerRest rest = new SecretManagerRest(base, base, null);
      assertEquals(KEY, rest.access("projects/demo/secrets/openai-key/versions/latest"));
      assertEquals(
          List.of(
              "token Google",
              "/v1/projects/demo/secrets/openai-key/versions/latest:access Bearer ya29.test"),
          seen);
      IOException missing =
          assertThrows(
              IOException.class, () -> rest.access("projects/demo/secrets/missing/versions/1"));
      assertThat(missing.getMessage(), containsString("HTTP 404: Secret [missing] not found"));
      assertThat(missing.getMessage(), containsString("roles/secretmanager.secretAccessor"));
      IOException corrupt =
          assertThrows(
              IOException.class, () -> rest.access("projects/demo/secrets/corrupt/versions/1"));
      assertThat(corrupt.getMessage(), containsString("CRC32C"));
      assertThat(corrupt.getMessage(), not(containsString(KEY)));
      seen.clear();
      new SecretManagerRest(base, base, "given-token")
          .access("projects/demo/secrets/openai-key/versions/2");
      assertEquals(
          List.of("/v1/projects/demo/secrets/openai-key/versions/2:access Bearer given-token"),
          seen);
    } finally {
      server.stop(0);
    }
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }
}

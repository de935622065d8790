package dev.beamllm.mcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The servers' configuration: parsing, validation at once, secrets never shown. */
public class McpServersTest {
  private static final String SECRET = "s3cr3t-value-42";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String CONFIG =
      "{\"mcpServers\": {"
          + " \"files\": {\"command\": \"npx\", \"args\": [\"-y\", \"server-filesystem\", \"/data\"],"
          + "   \"env\": {\"API_KEY\": \""
          + SECRET
          + "\"}},"
          + " \"remote\": {\"type\": \"http\", \"url\": \"https://example.test/mcp\","
          + "   \"headers\": {\"Authorization\": \"Bearer "
          + SECRET
          + "\"}},"
          + " \"off\": {\"command\": \"x\", \"disabled\": true, \"autoApprove\": [\"a\"]}}}";

  @Test
  public void readsAClaudeDesktopConfig() {
    McpServers servers = McpServers.fromJson(CONFIG);
    assertEquals(2, servers.servers().size());
    McpServer files = servers.server("files").orElseThrow();
    assertEquals(McpServer.Transport.STDIO, files.transport());
    assertEquals("npx", files.command().orElseThrow());
    assertEquals(List.of("-y", "server-filesystem", "/data"), files.args());
    assertEquals(Set.of("API_KEY"), files.envNames());
    McpServer remote = servers.server("remote").orElseThrow();
    assertEquals(McpServer.Transport.HTTP, remote.transport());
    assertEquals("https://example.test/mcp", remote.url().orElseThrow());
    assertEquals(Set.of("Authorization"), remote.headerNames());
    assertFalse("disabled entries are left out", servers.server("off").isPresent());
  }

  @Test
  public void readsAFile() throws Exception {
    Path file = tmp.newFile("claude_desktop_config.json").toPath();
    Files.writeString(file, CONFIG);
    assertEquals(McpServers.fromJson(CONFIG), McpServers.fromFile(file));
    Path missing = tmp.getRoot().toPath().resolve("nope.json");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McpServers.fromFile(missing));
    assertEquals("MCP config " + missing + ": no such file", e.getMessage());
    Files.writeString(file, "{\"mcpServers\": {\"a\": {\"comand\": \"x\"}}}");
    e = assertThrows(IllegalArgumentException.class, () -> McpServers.fromFile(file));
    assertThat(e.getMessage(), containsString("MCP config " + file + ": MCP server 'a': unknown"));
  }

  @Test
  public void neverShowsSecrets() {
    McpServers servers = McpServers.fromJson(CONFIG);
    String shown = servers.toString();
    assertThat(shown, not(containsString(SECRET)));
    assertThat(shown, containsString("API_KEY=***"));
    assertThat(shown, containsString("Authorization=***"));
    McpServer withQuery =
        McpServer.http("q", "https://u:" + SECRET + "@example.test/mcp?key=" + SECRET);
    assertThat(withQuery.toString(), not(containsString(SECRET)));
    assertThat(withQuery.toString(), containsString("https://example.test/mcp?***"));
  }

  @Test
  public void badEntriesFailAtOnceNamingServerAndField() {
    assertError(
        "{\"mcpServers\": {\"a\": {\"comand\": \"x\"}}}", "MCP server 'a': unknown field 'comand'");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"url\": \"http://h/mcp\"}}}",
        "MCP server 'a': has both command and url; give one");
    assertError(
        "{\"mcpServers\": {\"a\": {}}}", "MCP server 'a': needs command (stdio) or url (HTTP)");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": [\"ok\", 3]}}}",
        "MCP server 'a': args[1] must be a string");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": \"-y\"}}}",
        "MCP server 'a': args must be an array of strings");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": 5}}}}",
        "MCP server 'a': env 'K' must be a string");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \" \"}}}", "MCP server 'a': command is missing");
    assertError(
        "{\"mcpServers\": {\"a\": {\"url\": \"ftp://h/x\"}}}",
        "MCP server 'a': url must be http or https, not 'ftp'");
    assertError(
        "{\"mcpServers\": {\"a\": {\"type\": \"sse\", \"url\": \"http://h/sse\"}}}",
        "MCP server 'a': type sse (the deprecated HTTP+SSE transport) is not supported; use http");
    assertError(
        "{\"mcpServers\": {\"a\": {\"type\": \"stdio\", \"url\": \"http://h/mcp\"}}}",
        "MCP server 'a': type stdio needs command");
    assertError(
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"headers\": {}}}}",
        "MCP server 'a': headers is for HTTP servers (url)");
    assertError(
        "{\"mcpServers\": {\"a\": {\"url\": \"http://h/mcp\", \"env\": {}}}}",
        "MCP server 'a': env is for stdio servers (command)");
    assertError(
        "{\"mcpServers\": {\"a\": {\"url\": \"http://h/mcp\", \"headers\": {\"Host\": \"x\"}}}}",
        "MCP server 'a': header 'Host' is set by the HTTP client itself");
    assertError(
        "{\"servers\": {}}",
        "MCP config: \"mcpServers\" must be an object mapping names to servers");
    assertError("[1]", "MCP config: expected a JSON object with \"mcpServers\"");
  }

  @Test
  public void invalidJsonDoesNotQuoteTheText() {
    String broken =
        "{\"mcpServers\": {\"a\": {\"url\": \"http://h/mcp\", \"headers\": {\"X\": Bearer "
            + SECRET
            + "}}}}";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McpServers.fromJson(broken));
    assertThat(e.getMessage(), not(containsString(SECRET)));
    assertThat(e.getMessage(), containsString("MCP config: not valid JSON at line 1, column"));
    assertFalse(e.getMessage().contains("\n"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                McpServers.fromJson(
                    "{\"mcpServers\": {\"a\": {\"command\": \"x\"}, \"a\": {\"command\": \"y\"}}}"));
    assertThat(e.getMessage(), containsString("Duplicate field 'a'"));
  }

  @Test
  public void builtInCodeAndCheckedAtOnce() {
    McpServer s =
        McpServer.stdio("fs", "node", "server.js", "/data")
            .withEnv("TOKEN", SECRET)
            .withStartupTimeout(Duration.ofSeconds(5))
            .withRequestTimeout(Duration.ofSeconds(7));
    assertEquals(Duration.ofSeconds(5), s.startupTimeout());
    assertEquals(Duration.ofSeconds(7), s.requestTimeout());
    assertEquals(Map.of("TOKEN", SECRET), s.env());
    assertEquals("McpServer{fs, stdio: node server.js /data, env=[TOKEN=***]}", s.toString());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.withHeader("Authorization", SECRET));
    assertEquals(
        "MCP server 'fs': headers are for HTTP servers; a stdio server takes env", e.getMessage());
    McpServer h = McpServer.http("web", "http://127.0.0.1:1/mcp");
    e = assertThrows(IllegalArgumentException.class, () -> h.withEnv("K", "v"));
    assertEquals(
        "MCP server 'web': env is for stdio servers; an HTTP server takes headers", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> h.withHeader("X-Key", SECRET + "\r\nX: y"));
    assertEquals("MCP server 'web': header 'X-Key' must not hold a line break", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> h.withHeader("Bad Name", "v"));
    assertEquals(
        "MCP server 'web': header name 'Bad Name' is not a valid HTTP header name", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> h.withRequestTimeout(Duration.ZERO));
    assertEquals("MCP server 'web': requestTimeout must be positive, not PT0S", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> McpServer.http(" ", "http://h"));
    assertEquals("MCP server: a server needs a non-empty name", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> McpServer.http("x", "http:///nohost"));
    assertEquals("MCP server 'x': url has no host", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> McpServers.of(McpServer.http("x", "http://h/mcp"), McpServer.stdio("x", "node")));
    assertEquals("MCP server 'x' is configured twice", e.getMessage());
  }

  @Test
  public void referencesAreReplacedWhereTheServerIsConnected() {
    McpServer s =
        McpServer.http("web", "http://${MCP_HOST:-127.0.0.1}:${MCP_PORT}/mcp")
            .withHeader("Authorization", "Bearer ${MCP_TOKEN}");
    Map<String, String> env = Map.of("MCP_PORT", "8123", "MCP_TOKEN", SECRET);
    McpServer r = s.resolved(env::get);
    assertEquals("http://127.0.0.1:8123/mcp", r.url().orElseThrow());
    assertEquals("Bearer " + SECRET, r.headers().get("Authorization"));
    assertThat(
        "the configuration holds the reference only", s.toString(), not(containsString(SECRET)));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.resolved(Map.of("MCP_PORT", "1")::get));
    assertEquals(
        "MCP server 'web': header 'Authorization' refers to ${MCP_TOKEN}, which is not set in this"
            + " environment",
        e.getMessage());
    McpServer stdio = McpServer.stdio("p", "${NODE_BIN}", "--key=${KEY}").withEnv("A", "${KEY}");
    McpServer rs = stdio.resolved(Map.of("NODE_BIN", "/usr/bin/node", "KEY", "k")::get);
    assertEquals("/usr/bin/node", rs.command().orElseThrow());
    assertEquals(List.of("--key=k"), rs.args());
    assertEquals("k", rs.env().get("A"));
  }

  @Test
  public void serializesByValue() throws Exception {
    McpServers servers = McpServers.fromJson(CONFIG).withPrefixedNames(true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(servers);
    }
    Object copy = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
    assertEquals(servers, copy);
    assertEquals(servers.hashCode(), copy.hashCode());
    assertTrue(((McpServers) copy).prefixedNames());
  }

  private static void assertError(String json, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McpServers.fromJson(json));
    assertThat(e.getMessage(), containsString(expected));
    assertFalse("one line: " + e.getMessage(), e.getMessage().contains("\n"));
  }
}

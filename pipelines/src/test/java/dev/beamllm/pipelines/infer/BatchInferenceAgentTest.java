package dev.beamllm.pipelines.infer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Assume;
import org.junit.Test;

/**
 * The main job with tools: {@code --mcpServers}, every row an agent with the tools of a real MCP
 * server from npm (server-everything over stdio), the fake provider calling them (issue 13, point
 * 3); {@code --builtinTools}, the provider's own web search, its calls in the answer lines (point
 * 6).
 */
public class BatchInferenceAgentTest {
  private static Path repo() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("testdata"))) {
        return p;
      }
    }
    throw new IllegalStateException("no testdata/");
  }

  private static Path everything() {
    Assume.assumeTrue(
        "Node.js is not installed: this test runs a real MCP server from npm",
        Files.isExecutable(Path.of("/usr/bin/node"))
            || Files.isExecutable(Path.of("/usr/local/bin/node")));
    Path script =
        repo()
            .resolve(
                "testdata/mcp-servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assertTrue(
        "run npm ci --prefix testdata/mcp-servers (as .ci/run does): " + script,
        Files.isRegularFile(script));
    return script;
  }

  private record Run(
      int code, String out, String err, List<JsonNode> answers, List<JsonNode> failures) {}

  private static Run run(Path dir, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input=" + dir.resolve("rows.jsonl"),
                "--fakeProvider=true",
                "--runner=DirectRunner",
                "--progress=none",
                "--checkpoint=none",
                "--output=" + dir.resolve("answers.jsonl"),
                "--failures=" + dir.resolve("failures.jsonl")));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchInference.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        read(dir.resolve("answers.jsonl")),
        read(dir.resolve("failures.jsonl")));
  }

  private static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(Json.parse(line));
        }
      }
    }
    return out;
  }

  @Test
  public void rowsRunAsAgentsWithTheToolsOfAnMcpServer() throws Exception {
    Path script = everything();
    Path dir = Files.createTempDirectory("infer-agent");
    Files.writeString(
        dir.resolve("mcp.json"),
        "{\"mcpServers\":{\"everything\":{\"command\":\"node\",\"args\":["
            + Json.MAPPER.writeValueAsString(script.toString())
            + ",\"stdio\"]}}}");
    Files.write(
        dir.resolve("rows.jsonl"),
        List.of(
            "{\"id\":\"echo\",\"prompt\":\"Please call echo with {\\\"message\\\":\\\"hello\\\"}\"}",
            "{\"id\":\"sum\",\"prompt\":\"Now call get-sum with {\\\"a\\\":2,\\\"b\\\":40}\"}",
            "{\"id\":\"plain\",\"prompt\":\"No tool is needed here.\"}",
            "{\"id\":\"endless\",\"prompt\":\"Use echo forever. [rounds=9]\"}"));
    Run r = run(dir, "--mcpServers=" + dir.resolve("mcp.json"), "--maxTurns=3");
    assertEquals(r.err(), 0, r.code());
    assertThat(r.out(), containsString("Rows run as agents (at most 3 turns) with "));
    Map<String, JsonNode> answers = new HashMap<>();
    r.answers().forEach(a -> answers.put(a.get("id").asText(), a));
    assertEquals(List.of("echo", "plain", "sum"), answers.keySet().stream().sorted().toList());
    assertEquals("Tool results: Echo: hello", answers.get("echo").get("completion").asText());
    assertEquals(
        "Tool results: The sum of 2 and 40 is 42.", answers.get("sum").get("completion").asText());
    assertEquals(2, answers.get("echo").get("turns").asInt());
    assertEquals(1, answers.get("echo").get("tool_call_count").asInt());
    assertEquals(4, answers.get("echo").get("conversation").get("messages").size());
    assertEquals(1, answers.get("plain").get("turns").asInt());
    assertEquals(1, r.failures().size());
    JsonNode failed = r.failures().get(0);
    assertEquals("endless", failed.get("id").asText());
    assertEquals("max_turns", failed.get("error_kind").asText());
    assertEquals(3, failed.get("turn").asInt());
  }

  @Test
  public void aServerThatCannotStartStopsTheJobBeforeAnythingIsSent() throws Exception {
    Path dir = Files.createTempDirectory("infer-agent-bad");
    Files.writeString(
        dir.resolve("mcp.json"),
        "{\"mcpServers\":{\"ghost\":{\"command\":\"/nonexistent/mcp-server\",\"args\":[]}}}");
    Files.write(dir.resolve("rows.jsonl"), List.of("{\"id\":\"a\",\"prompt\":\"hi\"}"));
    Run r = run(dir, "--mcpServers=" + dir.resolve("mcp.json"));
    assertEquals(2, r.code());
    assertTrue(r.err(), r.err().startsWith("infer: --mcpServers: "));
    assertThat(r.err(), containsString("ghost"));
    assertEquals("one line, no stack trace: " + r.err(), 1, r.err().strip().lines().count());
    assertTrue(r.answers().isEmpty());

    Files.writeString(dir.resolve("broken.json"), "{\"mcpServers\":{\"x\":{\"command\":1}}}");
    Run broken = run(dir, "--mcpServers=" + dir.resolve("broken.json"));
    assertEquals(2, broken.code());
    assertTrue(broken.err(), broken.err().startsWith("infer: --mcpServers: "));
    Run zero = run(dir, "--mcpServers=" + dir.resolve("mcp.json"), "--maxTurns=0");
    assertEquals(2, zero.code());
    assertThat(zero.err(), containsString("maxTurns"));
  }

  @Test
  public void rowsGetTheProvidersWebSearchAndItsCallsAreInTheAnswerLines() throws Exception {
    Path dir = Files.createTempDirectory("infer-builtin");
    Files.write(
        dir.resolve("rows.jsonl"),
        List.of(
            "{\"id\":\"s\",\"prompt\":\"Find @web_search{\\\"query\\\":\\\"beam\\\"} please\"}",
            "{\"id\":\"plain\",\"prompt\":\"No search here.\"}"));
    Run r = run(dir, "--models=claude-4.5-sonnet", "--builtinTools=web_search");
    assertEquals(r.err(), 0, r.code());
    Map<String, JsonNode> answers = new HashMap<>();
    r.answers().forEach(a -> answers.put(a.get("id").asText(), a));
    JsonNode uses = answers.get("s").get("server_tool_uses");
    assertEquals(1, uses.size());
    assertEquals("web_search", uses.get(0).get("kind").asText());
    assertEquals(Json.parse("{\"query\":\"beam\"}"), uses.get(0).get("arguments"));
    assertThat(uses.get(0).get("output").asText(), containsString("https://search.example/beam/1"));
    assertTrue(
        "the search's fee is in the cost",
        answers.get("s").get("cost_usd").asDouble()
            >= 0.01 + answers.get("plain").get("cost_usd").asDouble());
    assertTrue(answers.get("plain").get("server_tool_uses") == null);
    assertTrue(r.failures().isEmpty());

    Run wrong = run(dir, "--models=claude-4.5-sonnet", "--builtinTools=web_serch");
    assertEquals(2, wrong.code());
    assertEquals(
        "infer: --builtinTools: 'web_serch' is not a built-in tool: web_search or code_interpreter",
        wrong.err().strip());
  }
}

package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pinned JSON renderings: each case's JSON compared with {@code <dir>/<case>.json}, all mismatches
 * reported at once; with {@code -Dgolden.update=true} the files are rewritten instead, for a
 * deliberate change whose every diff is then checked against the provider's reference.
 */
final class GoldenFiles {
  private GoldenFiles() {}

  static void assertMatch(Path dir, Map<String, JsonNode> rendered) throws IOException {
    boolean update = Boolean.getBoolean("golden.update");
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : rendered.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".json");
      JsonNode actual = e.getValue();
      if (update) {
        Files.createDirectories(dir);
        Files.writeString(
            file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        continue;
      }
      assertTrue("missing golden file " + file, Files.exists(file));
      JsonNode expected = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (!expected.equals(actual)) {
        mismatches.add(
            file + "\n  expected " + Json.write(expected) + "\n  actual   " + Json.write(actual));
      }
    }
    assertEquals("golden mismatches:\n" + String.join("\n", mismatches), List.of(), mismatches);
  }

  /** A call as pinned: its {@code anthropic-*} headers, sorted, and its body. */
  static JsonNode headersAndBody(HttpCall call) {
    ObjectNode out = Json.object();
    ObjectNode headers = out.putObject("headers");
    call.headers().entrySet().stream()
        .filter(h -> h.getKey().startsWith("anthropic-"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(h -> headers.put(h.getKey(), h.getValue()));
    out.set("body", Json.parse(call.body()));
    return out;
  }
}

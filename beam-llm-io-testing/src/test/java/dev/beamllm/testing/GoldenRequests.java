package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.TestData;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The request bodies the library's own wire formats render for the golden conversations (see {@code
 * WireFormatGoldenTest}), so the fake server can be checked to accept everything the library sends.
 * Conversations a format cannot carry are pinned as errors and left out.
 */
final class GoldenRequests {
  /** Where beam-llm-io's {@code WireFormatGoldenTest} keeps them, from the repository root. */
  private static final Path GOLDEN =
      TestData.dir().resolveSibling("beam-llm-io/src/test/resources/golden");

  private GoldenRequests() {}

  /**
   * Golden request bodies of one format ({@code mistral}, {@code openai-responses}, ...), by
   * conversation name.
   */
  static Map<String, ObjectNode> of(String format) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(GOLDEN)) {
      files
          .filter(p -> p.getFileName().toString().endsWith("." + format + ".json"))
          .sorted()
          .forEach(
              p -> {
                JsonNode body = Json.parse(read(p));
                if (!body.has("error")) {
                  out.put(
                      p.getFileName().toString().replace("." + format + ".json", ""),
                      (ObjectNode) body);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.beamllm.provider;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.GoldenConversations;
import dev.beamllm.prompt.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.Test;

/**
 * The JSON each provider gets for each golden conversation equals the checked-in file in {@code
 * src/test/resources/golden}. A format that cannot carry a part is pinned as {@code {"error":
 * message}}. Run with {@code -Dgolden.update=true} to rewrite the files after a deliberate change,
 * then check every diff against the provider's API reference.
 */
public class WireFormatGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  static Map<String, Function<Conversation, String>> formats() {
    Map<String, Function<Conversation, String>> f = new LinkedHashMap<>();
    f.put("openai-chat", WireFormats::openAi);
    f.put("openai-responses", WireFormats::openAiResponses);
    f.put("anthropic", WireFormats::anthropic);
    f.put("gemini", WireFormats::gemini);
    f.put("mistral", WireFormats::mistral);
    f.put("bedrock-converse", WireFormats::bedrockConverse);
    f.put("cohere", WireFormats::cohere);
    return f;
  }

  @Test
  public void everyFormatMatchesItsGoldenFile() throws Exception {
    boolean update = Boolean.getBoolean("golden.update");
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Map.Entry<String, Conversation> c : GoldenConversations.all().entrySet()) {
      for (Map.Entry<String, Function<Conversation, String>> f : formats().entrySet()) {
        JsonNode actual = render(f.getValue(), c.getValue());
        Path file = GOLDEN.resolve(c.getKey() + "." + f.getKey() + ".json");
        if (update) {
          Files.createDirectories(GOLDEN);
          Files.writeString(
              file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
          continue;
        }
        assertTrue(
            "missing golden file " + file + " (run with -Dgolden.update=true)", Files.exists(file));
        JsonNode expected = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        compared++;
        if (!expected.equals(actual)) {
          mismatches.add(
              file + "\n  expected " + Json.write(expected) + "\n  actual   " + Json.write(actual));
        }
      }
    }
    assertEquals("golden mismatches:\n" + String.join("\n", mismatches), List.of(), mismatches);
    if (!update) {
      assertEquals(GoldenConversations.all().size() * formats().size(), compared);
    }
  }

  private static JsonNode render(Function<Conversation, String> format, Conversation c) {
    try {
      return Json.parse(format.apply(c));
    } catch (UnsupportedPartException e) {
      return Json.object().put("error", e.getMessage());
    }
  }
}

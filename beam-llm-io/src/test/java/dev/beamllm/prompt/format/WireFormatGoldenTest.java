package dev.beamllm.prompt.format;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Json;
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

  static Map<String, Function<Conversation, ObjectNode>> formats() {
    Map<String, Function<Conversation, ObjectNode>> f = new LinkedHashMap<>();
    f.put("openai-chat", OpenAiChatFormat::render);
    f.put("openai-responses", OpenAiResponsesFormat::render);
    f.put("anthropic", AnthropicFormat::render);
    f.put("gemini", GeminiFormat::render);
    f.put("mistral", MistralFormat::render);
    f.put("bedrock-converse", BedrockConverseFormat::render);
    f.put("cohere", CohereFormat::render);
    return f;
  }

  @Test
  public void everyFormatMatchesItsGoldenFile() throws Exception {
    boolean update = Boolean.getBoolean("golden.update");
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Map.Entry<String, Conversation> c : GoldenConversations.all().entrySet()) {
      for (Map.Entry<String, Function<Conversation, ObjectNode>> f : formats().entrySet()) {
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

  private static JsonNode render(Function<Conversation, ObjectNode> format, Conversation c) {
    try {
      return format.apply(c);
    } catch (UnsupportedPartException e) {
      return Json.object().put("error", e.getMessage());
    }
  }
}

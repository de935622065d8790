package dev.beamllm.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.Description;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolMethod;
import dev.beamllm.tool.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/**
 * Tools made from Java methods (enums, optionals, nested records, lists, descriptions, strict and
 * not) as each wire format sends them, pinned in {@code src/test/resources/golden/java-tools}: the
 * request body's tool definitions. Run with {@code -Dgolden.update=true} to rewrite the files after
 * a deliberate change, then check every diff against the provider's API reference.
 */
public class JavaToolGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/java-tools");

  /** How a trip is paid. */
  public enum Payment {
    CARD,
    INVOICE
  }

  /** One stop of a trip. */
  public record Stop(@Description("the city") String city, int nights) {}

  /** The tools. */
  public static final class Travel {
    /** A plain tool: an enum, an optional, a list of records. */
    @ToolMethod(description = "Books a trip.")
    public String book(
        @Description("who travels") String traveller, List<Stop> stops, Optional<Payment> payment) {
      return "booked";
    }

    /** A strict tool. */
    @ToolMethod(description = "Quotes a price.", name = "quote_price", strict = true)
    public double quote(Stop stop, Optional<Boolean> refundable) {
      return 1;
    }
  }

  private static final Map<String, String> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("openai-chat", "gpt-4.1-mini");
    MODELS.put("openai-responses", "gpt-5-mini");
    MODELS.put("anthropic", "claude-4.5-sonnet");
    MODELS.put("bedrock-invoke", "bedrock-claude-4-sonnet");
    MODELS.put("gemini", "gemini-2.5-flash");
    MODELS.put("mistral", "mistral-small");
    MODELS.put("cohere", "command-a");
    MODELS.put("bedrock-converse", "bedrock-nova-lite");
  }

  @Test
  public void everyWireFormatSendsTheJavaToolsAsPinned() throws Exception {
    List<Tool> tools = new ArrayList<>();
    for (ExecutableTool t : Tools.fromMethods(new Travel())) {
      tools.add(t.definition());
    }
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : MODELS.entrySet()) {
      var spec = ModelRegistry.defaults().lookup(e.getValue());
      var format =
          e.getKey().equals("openai-responses")
              ? dev.beamllm.model.WireFormat.OPENAI_RESPONSES
              : spec.wireFormat();
      ProviderRequest request =
          new ProviderRequest(
              spec,
              Conversation.user("Plan my trip."),
              SamplingParams.defaults(),
              tools,
              e.getValue().startsWith("bedrock")
                  ? Credentials.aws("AKIDEXAMPLE", "secret", null)
                  : Credentials.apiKey("k"),
              Map.of(),
              null,
              false);
      JsonNode body = Json.parse(Adapters.forFormat(format).request(request).body());
      rendered.put(e.getKey(), toolsOf(body));
    }
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  /** The part of a body that defines tools, wherever the format keeps it. */
  private static JsonNode toolsOf(JsonNode body) {
    var out = Json.object();
    for (String field : List.of("tools", "toolConfig", "strict_tools")) {
      if (body.has(field)) {
        out.set(field, body.get(field));
      }
    }
    return out;
  }
}

package dev.beamllm.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.model.WireFormat;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.Tool;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.Test;

/**
 * The computer-use tool and one computer turn (the model's call and the screenshot sent back) as
 * each wire format sends them, pinned in {@code src/test/resources/golden/computer-use}: the body
 * and the {@code anthropic-*} headers; a format that cannot carry the turn is pinned as {@code
 * {"error": message}}. Run with {@code -Dgolden.update=true} to rewrite the files after a
 * deliberate change, then check every diff against the provider's API reference.
 */
public class ComputerUseGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/computer-use");

  /** The shapes of one click at (100, 200) on a 640x480 screen, as each API's model calls it. */
  static final String ANTHROPIC_CLICK = "{\"action\":\"left_click\",\"coordinate\":[100,200]}";

  static final String OPENAI_CLICK =
      "{\"action\":{\"type\":\"click\",\"button\":\"left\",\"x\":100,\"y\":200},"
          + "\"pending_safety_checks\":[{\"id\":\"cu_sc_1\",\"code\":\"malicious_instructions\","
          + "\"message\":\"Check the page.\"}]}";

  static final String GEMINI_CLICK = "{\"name\":\"click_at\",\"args\":{\"x\":157,\"y\":417}}";

  private record Case(String model, WireFormat format, ComputerUse computer, String call) {}

  private static Map<String, Case> cases() {
    ComputerUse screen = ComputerUse.of(640, 480);
    Map<String, Case> c = new LinkedHashMap<>();
    c.put(
        "anthropic-computer_20241022",
        new Case("claude-3.5-sonnet", WireFormat.ANTHROPIC, screen, ANTHROPIC_CLICK));
    c.put(
        "anthropic-computer_20250124",
        new Case(
            "claude-4.5-sonnet",
            WireFormat.ANTHROPIC,
            screen.withDisplayNumber(1),
            ANTHROPIC_CLICK));
    c.put(
        "anthropic-computer_20251124",
        new Case("claude-4.5-opus", WireFormat.ANTHROPIC, screen.withZoom(true), ANTHROPIC_CLICK));
    c.put(
        "bedrock-invoke-claude",
        new Case(
            "bedrock-claude-3.5-sonnet", WireFormat.BEDROCK_ANTHROPIC, screen, ANTHROPIC_CLICK));
    c.put(
        "openai-responses-computer_use_preview",
        new Case(
            "computer-use-preview",
            WireFormat.OPENAI_RESPONSES,
            screen.withEnvironment(ComputerUse.Environment.UBUNTU),
            OPENAI_CLICK));
    c.put(
        "openai-responses-computer",
        new Case("gpt-5-mini", WireFormat.OPENAI_RESPONSES, screen, OPENAI_CLICK));
    c.put(
        "gemini",
        new Case(
            "gemini-2.5-flash",
            WireFormat.GEMINI,
            screen
                .withEnvironment(ComputerUse.Environment.BROWSER)
                .withGeminiExcludedFunctions(List.of("drag_and_drop")),
            GEMINI_CLICK));
    c.put(
        "openai-chat-function",
        new Case("gpt-4.1-mini", WireFormat.OPENAI, screen, ANTHROPIC_CLICK));
    c.put(
        "mistral-function", new Case("mistral-small", WireFormat.MISTRAL, screen, ANTHROPIC_CLICK));
    c.put("cohere-function", new Case("command-a", WireFormat.COHERE, screen, ANTHROPIC_CLICK));
    c.put(
        "bedrock-converse-function",
        new Case("bedrock-nova-lite", WireFormat.BEDROCK_CONVERSE, screen, ANTHROPIC_CLICK));
    return c;
  }

  @Test
  public void everyWireFormatSendsTheComputerToolAsPinned() throws Exception {
    Map<String, JsonNode> rendered = new LinkedHashMap<>();
    for (Map.Entry<String, Case> e : cases().entrySet()) {
      rendered.put(e.getKey(), render(e.getValue()));
    }
    GoldenFiles.assertMatch(GOLDEN, rendered);
  }

  private static JsonNode render(Case c) throws Exception {
    ProviderRequest request =
        new ProviderRequest(
            ModelRegistry.defaults().lookup(c.model()),
            conversation(c.call()),
            SamplingParams.defaults(),
            List.of(Tool.computer(c.computer()), Tool.of("note", "Writes a note.", null)),
            c.format() == WireFormat.BEDROCK_ANTHROPIC || c.format() == WireFormat.BEDROCK_CONVERSE
                ? Credentials.aws("AKIDEXAMPLE", "secret", null)
                : Credentials.apiKey("k"),
            Map.of(),
            null,
            false);
    HttpCall call;
    try {
      call = Adapters.forFormat(c.format()).request(request);
    } catch (UnsupportedPartException e) {
      return Json.object().put("error", e.getMessage());
    }
    return GoldenFiles.headersAndBody(call);
  }

  /** A user's request, the model's click and the screenshot sent back. */
  static Conversation conversation(String callArguments) throws Exception {
    ToolCall click = new ToolCall("call_1", ComputerUse.TOOL_NAME, callArguments, "cu_1");
    return Conversation.of(
        List.of(
            Message.user("Click the button."),
            Message.of(dev.beamllm.prompt.Role.ASSISTANT, List.of(click)),
            Message.toolResults(
                List.of(
                    new ToolResult(
                        "call_1",
                        List.of(new Text("https://example.com/form"), pixel()),
                        false)))));
  }

  /** A 1x1 PNG. */
  static Image pixel() throws Exception {
    BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x3366cc);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return Image.fromBytes(png.toByteArray());
  }
}

package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.Point;
import dev.beamllm.tool.computer.ComputerExecutor;
import dev.beamllm.tool.computer.ComputerTool;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.Test;

/**
 * The fake provider plays a computer-use session on the three wire formats that have a computer
 * tool, and on two that get it as a function: each action reaches the computer as the same
 * provider-neutral action, and the screenshots reach the fake as images (issue 13, points 5 and 8).
 */
public class ComputerUseLoopTest {
  private static final String SESSION =
      "Fill in the form. [computer 640x480: click 100 200; type hello; key ctrl+a; screenshot]";

  /** A 640x480 screen that writes down what it is asked to do. */
  static final class RecordingComputer implements ComputerExecutor {
    private static final long serialVersionUID = 1L;
    static final byte[] SCREEN = png(640, 480);
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private int x;
    private int y;

    static byte[] png(int w, int h) {
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setColor(Color.ORANGE);
      g.fillRect(10, 10, 100, 50);
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        ImageIO.write(image, "png", out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    @Override
    public Image screenshot() {
      return Image.fromBytes(SCREEN);
    }

    @Override
    public Point cursorPosition() {
      return new Point(x, y);
    }

    @Override
    public void move(int x, int y) {
      this.x = x;
      this.y = y;
      log.add("move " + x + " " + y);
    }

    @Override
    public void click(int x, int y, MouseButton button, int count) {
      this.x = x;
      this.y = y;
      log.add("click " + x + " " + y + " " + button + " x" + count);
    }

    @Override
    public void mouseDown(MouseButton button) {
      log.add("down " + button);
    }

    @Override
    public void mouseUp(MouseButton button) {
      log.add("up " + button);
    }

    @Override
    public void type(String text) {
      log.add("type " + text);
    }

    @Override
    public void key(String combo) {
      log.add("key " + combo);
    }

    @Override
    public void keyDown(String combo) {
      log.add("keydown " + combo);
    }

    @Override
    public void keyUp(String combo) {
      log.add("keyup " + combo);
    }

    @Override
    public void scroll(int x, int y, int dx, int dy) {
      log.add("scroll " + x + " " + y + " " + dx + " " + dy);
    }

    @Override
    public void waitFor(Duration duration) {
      log.add("wait " + duration.toMillis());
    }
  }

  private static final List<String> EXPECTED =
      List.of("click 100 200 LEFT x1", "type hello", "key ctrl+a");

  /** Gemini types with type_text_at, which clicks where the text goes first. */
  private static final List<String> EXPECTED_GEMINI =
      List.of("click 100 200 LEFT x1", "click 100 200 LEFT x1", "type hello", "key ctrl+a");

  @Test
  public void aScriptedSessionRunsOnEveryWireFormat() {
    String shot = "640x480 " + RecordingComputer.SCREEN.length + " bytes";
    String done =
        "Computer session: 4 actions; screenshots: "
            + String.join(", ", List.of(shot, shot, shot, shot));
    Map<String, List<String>> models =
        Map.of(
            "claude-4.5-sonnet", EXPECTED,
            "claude-3.5-sonnet", EXPECTED,
            "computer-use-preview", EXPECTED,
            "gpt-5-mini", EXPECTED,
            "gemini-2.5-flash", EXPECTED_GEMINI,
            "gpt-4.1-mini", EXPECTED,
            "mistral-small", EXPECTED);
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      for (Map.Entry<String, List<String>> m : models.entrySet()) {
        String model = m.getKey();
        RecordingComputer screen = new RecordingComputer();
        ComputerTool computer =
            ComputerTool.of(ComputerUse.of(640, 480), screen).withScreenshotDelay(Duration.ZERO);
        try (LlmClient client =
            ClientTestSupport.client(fake, model)
                .responsesApi(model.equals("gpt-5-mini"))
                .build()) {
          AgentResult r =
              client.runAgentLoop(Conversation.user(SESSION), ToolSet.of(computer), 6).join();
          assertFalse(model + ": " + r.error(), r.isError());
          assertEquals(model, m.getValue(), screen.log);
          assertEquals(model, done, r.completion());
          assertEquals(model, 5, r.turns());
          assertEquals(model, 4, r.toolCalls());
          List<Message> messages = r.conversation().messages();
          ToolCall first = messages.get(1).partsOf(ToolCall.class).get(0);
          assertEquals(model, "computer", first.name());
        }
      }
    }
  }

  @Test
  public void theRequestsCarryEachProvidersComputerTool() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start()) {
      RecordingComputer screen = new RecordingComputer();
      ComputerTool computer =
          ComputerTool.of(ComputerUse.of(640, 480), screen).withScreenshotDelay(Duration.ZERO);
      for (String model : List.of("claude-4.5-opus", "computer-use-preview", "gemini-2.5-flash")) {
        try (LlmClient client = ClientTestSupport.client(fake, model).build()) {
          AgentResult r =
              client
                  .runAgentLoop(
                      Conversation.user("Look. [computer: screenshot]"), ToolSet.of(computer), 3)
                  .join();
          assertFalse(model + ": " + r.error(), r.isError());
        }
      }
      String requests = fake.requests().toString();
      assertTrue(requests, requests.contains("computer_20251124"));
      assertTrue(requests, requests.contains("computer-use-2025-11-24"));
      assertTrue(requests, requests.contains("computer_use_preview"));
      assertTrue(requests, requests.contains("computer_call_output"));
      assertTrue(requests, requests.contains("computerUse"));
    }
  }
}

package dev.beamllm.tool.computer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.Point;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.Test;

/** The computer tool on a computer that records what it is asked to do. */
public class ComputerToolTest {

  /** A computer of 200x100 pixels that writes each call down. */
  static final class Recorder implements ComputerExecutor {
    private static final long serialVersionUID = 1L;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    int x;
    int y;

    @Override
    public Image screenshot() {
      log.add("screenshot");
      return png(200, 100);
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
      move(x, y);
      log.add("click " + button + " x" + count);
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
    public void waitFor(Duration d) {
      log.add("wait " + d.toMillis());
    }
  }

  static Image png(int w, int h) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
      return Image.fromBytes(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Recorder computer = new Recorder();
  private final ComputerTool tool =
      ComputerTool.of(ComputerUse.of(200, 100), computer).withScreenshotDelay(Duration.ZERO);

  @Test
  public void aCallRunsItsActionsAndAnswersWithAScreenshot() {
    ToolOutput out =
        tool.call("{\"action\":\"left_click\",\"coordinate\":[10,20],\"text\":\"shift\"}").join();
    assertFalse(out.isError());
    assertEquals(List.of(png(200, 100)), out.content());
    assertEquals(
        List.of("keydown shift", "move 10 20", "click LEFT x1", "keyup shift", "screenshot"),
        computer.log);
  }

  @Test
  public void aTurnsCallsRunOneAtATimeInTheModelsOrder() {
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(ToolCall.of("c" + i, "computer", "{\"action\":\"type\",\"text\":\"" + i + "\"}"));
    }
    List<ToolResult> results = ToolSet.of(tool).run(calls).join();
    assertEquals(20, results.size());
    List<String> typed = new ArrayList<>();
    for (String line : computer.log) {
      if (line.startsWith("type ")) {
        typed.add(line.substring(5));
      } else {
        assertEquals("screenshot", line);
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(String.valueOf(i));
    }
    assertEquals(expected, typed);
  }

  @Test
  public void geminiAndOpenAiShapesRunToo() {
    tool.call("{\"name\":\"click_at\",\"args\":{\"x\":500,\"y\":500}}").join();
    tool.call(
            "{\"actions\":[{\"type\":\"keypress\",\"keys\":[\"CTRL\",\"A\"]},"
                + "{\"type\":\"scroll\",\"x\":1,\"y\":2,\"scroll_x\":0,\"scroll_y\":200}],"
                + "\"pending_safety_checks\":[]}")
        .join();
    assertEquals(
        List.of(
            "move 100 50",
            "click LEFT x1",
            "screenshot",
            "key ctrl+a",
            "scroll 1 2 0 2",
            "screenshot"),
        computer.log);
  }

  @Test
  public void aCallThatNeedsConfirmationIsRefusedUnlessAcknowledged() {
    String checked =
        "{\"action\":{\"type\":\"type\",\"text\":\"pay\"},\"pending_safety_checks\":"
            + "[{\"id\":\"sc\",\"code\":\"sensitive_domain\",\"message\":\"A bank.\"}]}";
    ToolOutput refused = tool.call(checked).join();
    assertTrue(refused.isError());
    assertTrue(
        ((Text) refused.content().get(0)).text(),
        ((Text) refused.content().get(0)).text().contains("sensitive_domain: A bank."));
    assertEquals(List.of("screenshot"), computer.log);
    ToolOutput ran = tool.withSafetyChecksAcknowledged(true).call(checked).join();
    assertFalse(ran.isError());
    assertEquals(List.of("screenshot", "type pay", "screenshot"), computer.log);
  }

  @Test
  public void badArgumentsAreAnErrorWithTheScreen() {
    ToolOutput out = tool.call("{\"action\":\"fly\"}").join();
    assertTrue(out.isError());
    assertEquals("computer: unknown computer action 'fly'", ((Text) out.content().get(0)).text());
    assertTrue(out.content().get(1) instanceof Image);
  }

  @Test
  public void zoomAnswersWithTheRegionAndCursorPositionWithText() {
    ToolOutput zoom = tool.call("{\"action\":\"zoom\",\"region\":[10,10,60,30]}").join();
    assertEquals(50, ((Image) zoom.content().get(0)).dimensions().orElseThrow()[0]);
    assertEquals(20, ((Image) zoom.content().get(0)).dimensions().orElseThrow()[1]);
    computer.move(7, 8);
    ToolOutput where = tool.call("{\"action\":\"cursor_position\"}").join();
    assertEquals(new Text("X=7,Y=8"), where.content().get(0));
  }

  @Test
  public void theDefinitionIsTheComputerTool() {
    assertEquals("computer", tool.definition().name());
    assertEquals(ComputerUse.of(200, 100), tool.definition().computerUse());
    assertEquals(
        ComputerUse.of(200, 100).withDisplayNumber(3).withZoom(true),
        ComputerUse.fromJson(
            ComputerUse.of(200, 100).withDisplayNumber(3).withZoom(true).toJson()));
  }
}

package dev.beamllm.tool.computer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.computer.ComputerAction.Click;
import dev.beamllm.tool.computer.ComputerAction.CursorPosition;
import dev.beamllm.tool.computer.ComputerAction.Drag;
import dev.beamllm.tool.computer.ComputerAction.HoldKey;
import dev.beamllm.tool.computer.ComputerAction.Key;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.MouseDown;
import dev.beamllm.tool.computer.ComputerAction.Move;
import dev.beamllm.tool.computer.ComputerAction.Point;
import dev.beamllm.tool.computer.ComputerAction.Screenshot;
import dev.beamllm.tool.computer.ComputerAction.Scroll;
import dev.beamllm.tool.computer.ComputerAction.Type;
import dev.beamllm.tool.computer.ComputerAction.Wait;
import dev.beamllm.tool.computer.ComputerAction.Zoom;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** Each provider's computer actions read into the provider-neutral ones. */
public class ComputerActionsTest {
  private static final ComputerUse SCREEN = ComputerUse.of(1000, 500);

  private static List<ComputerAction> parse(String json) {
    return ComputerActions.parse(json, SCREEN);
  }

  private static Point p(int x, int y) {
    return new Point(x, y);
  }

  @Test
  public void anthropicActionsOfEveryVersion() {
    assertEquals(List.of(new Screenshot()), parse("{\"action\":\"screenshot\"}"));
    assertEquals(List.of(new CursorPosition()), parse("{\"action\":\"cursor_position\"}"));
    assertEquals(
        List.of(new Click(p(10, 20), MouseButton.LEFT, 1, List.of())),
        parse("{\"action\":\"left_click\",\"coordinate\":[10,20]}"));
    assertEquals(
        List.of(new Click(null, MouseButton.RIGHT, 1, List.of())),
        parse("{\"action\":\"right_click\"}"));
    assertEquals(
        List.of(new Click(p(1, 2), MouseButton.MIDDLE, 1, List.of())),
        parse("{\"action\":\"middle_click\",\"coordinate\":[1,2]}"));
    assertEquals(
        List.of(new Click(p(1, 2), MouseButton.LEFT, 2, List.of())),
        parse("{\"action\":\"double_click\",\"coordinate\":[1,2]}"));
    assertEquals(
        List.of(new Click(p(1, 2), MouseButton.LEFT, 3, List.of("shift"))),
        parse("{\"action\":\"triple_click\",\"coordinate\":[1,2],\"text\":\"shift\"}"));
    assertEquals(
        List.of(new Click(p(1, 2), MouseButton.LEFT, 1, List.of("ctrl", "shift"))),
        parse("{\"action\":\"left_click\",\"coordinate\":[1,2],\"key\":\"ctrl+shift\"}"));
    assertEquals(
        List.of(new Move(p(5, 6))), parse("{\"action\":\"mouse_move\",\"coordinate\":[5,6]}"));
    assertEquals(
        List.of(new Drag(List.of(p(1, 1), p(9, 9)), List.of())),
        parse("{\"action\":\"left_click_drag\",\"start_coordinate\":[1,1],\"coordinate\":[9,9]}"));
    assertEquals(
        List.of(new Drag(List.of(p(9, 9)), List.of())),
        parse("{\"action\":\"left_click_drag\",\"coordinate\":[9,9]}"));
    assertEquals(
        List.of(new Move(p(3, 4)), new MouseDown(MouseButton.LEFT)),
        parse("{\"action\":\"left_mouse_down\",\"coordinate\":[3,4]}"));
    assertEquals(
        List.of(new Type("hi there")), parse("{\"action\":\"type\",\"text\":\"hi there\"}"));
    assertEquals(
        List.of(new Key(List.of("ctrl", "a")), new Key(List.of("Return"))),
        parse("{\"action\":\"key\",\"text\":\"ctrl+a Return\"}"));
    assertEquals(
        List.of(new Key(List.of("ctrl", "+"))), parse("{\"action\":\"key\",\"text\":\"ctrl++\"}"));
    assertEquals(
        List.of(new HoldKey(List.of("shift"), Duration.ofMillis(1500))),
        parse("{\"action\":\"hold_key\",\"text\":\"shift\",\"duration\":1.5}"));
    assertEquals(
        List.of(new Scroll(p(50, 60), 0, 3, List.of("ctrl"))),
        parse(
            "{\"action\":\"scroll\",\"coordinate\":[50,60],\"scroll_direction\":\"down\","
                + "\"scroll_amount\":3,\"text\":\"ctrl\"}"));
    assertEquals(
        List.of(new Scroll(null, -2, 0, List.of())),
        parse("{\"action\":\"scroll\",\"scroll_direction\":\"left\",\"scroll_amount\":2}"));
    assertEquals(
        List.of(new Wait(Duration.ofSeconds(2))), parse("{\"action\":\"wait\",\"duration\":2}"));
    assertEquals(
        List.of(new Zoom(p(0, 0), p(100, 50))),
        parse("{\"action\":\"zoom\",\"region\":[0,0,100,50]}"));
  }

  @Test
  public void openAiActionsSingleAndBatched() {
    assertEquals(
        List.of(new Click(p(10, 20), MouseButton.RIGHT, 1, List.of())),
        parse(
            "{\"action\":{\"type\":\"click\",\"button\":\"right\",\"x\":10,\"y\":20},"
                + "\"pending_safety_checks\":[]}"));
    assertEquals(
        List.of(new Click(p(10, 20), MouseButton.MIDDLE, 1, List.of("shift"))),
        parse(
            "{\"action\":{\"type\":\"click\",\"button\":\"wheel\",\"x\":10,\"y\":20,"
                + "\"keys\":[\"SHIFT\"]}}"));
    assertEquals(
        List.of(new Click(p(3, 4), MouseButton.LEFT, 2, List.of())),
        parse("{\"action\":{\"type\":\"double_click\",\"x\":3,\"y\":4}}"));
    assertEquals(
        List.of(new Drag(List.of(p(1, 2), p(3, 4), p(5, 6)), List.of())),
        parse(
            "{\"action\":{\"type\":\"drag\",\"path\":[{\"x\":1,\"y\":2},{\"x\":3,\"y\":4},"
                + "{\"x\":5,\"y\":6}]}}"));
    assertEquals(
        List.of(
            new Key(List.of("ctrl", "a")), new Key(List.of("Return")), new Key(List.of("Down"))),
        parse(
            "{\"actions\":[{\"type\":\"keypress\",\"keys\":[\"CTRL\",\"A\"]},"
                + "{\"type\":\"keypress\",\"keys\":[\"ENTER\"]},"
                + "{\"type\":\"keypress\",\"keys\":[\"ArrowDown\"]}]}"));
    assertEquals(
        List.of(new Scroll(p(7, 8), 0, -3, List.of()), new Scroll(p(7, 8), 1, 0, List.of())),
        parse(
            "{\"actions\":[{\"type\":\"scroll\",\"x\":7,\"y\":8,\"scroll_x\":0,\"scroll_y\":-300},"
                + "{\"type\":\"scroll\",\"x\":7,\"y\":8,\"scroll_x\":40,\"scroll_y\":0}]}"));
    assertEquals(
        List.of(
            new Move(p(1, 1)),
            new Type("hello"),
            new Screenshot(),
            new Wait(Duration.ofSeconds(1))),
        parse(
            "{\"actions\":[{\"type\":\"move\",\"x\":1,\"y\":1},{\"type\":\"type\",\"text\":\"hello\"},"
                + "{\"type\":\"screenshot\"},{\"type\":\"wait\"}]}"));
  }

  @Test
  public void geminiFunctionsOnTheThousandGrid() {
    // 1000x500 screen: x maps one to one, y halves.
    assertEquals(
        List.of(new Click(p(500, 150), MouseButton.LEFT, 1, List.of())),
        parse("{\"name\":\"click_at\",\"args\":{\"x\":500,\"y\":300}}"));
    assertEquals(
        List.of(new Move(p(999, 499))),
        parse("{\"name\":\"hover_at\",\"args\":{\"x\":999,\"y\":999}}"));
    assertEquals(
        List.of(
            new Click(p(100, 100), MouseButton.LEFT, 1, List.of()),
            new Key(List.of("ctrl", "a")),
            new Key(List.of("BackSpace")),
            new Type("cats"),
            new Key(List.of("Return"))),
        parse("{\"name\":\"type_text_at\",\"args\":{\"x\":100,\"y\":200,\"text\":\"cats\"}}"));
    assertEquals(
        List.of(new Click(p(100, 100), MouseButton.LEFT, 1, List.of()), new Type("cats")),
        parse(
            "{\"name\":\"type_text_at\",\"args\":{\"x\":100,\"y\":200,\"text\":\"cats\","
                + "\"press_enter\":false,\"clear_before_typing\":false}}"));
    assertEquals(
        List.of(new Key(List.of("ctrl", "c"))),
        parse("{\"name\":\"key_combination\",\"args\":{\"keys\":\"Control+C\"}}"));
    assertEquals(
        List.of(new Scroll(p(500, 250), 0, 2, List.of())),
        parse(
            "{\"name\":\"scroll_at\",\"args\":{\"x\":500,\"y\":500,\"direction\":\"down\","
                + "\"magnitude\":400}}"));
    assertEquals(
        List.of(new Key(List.of("Page_Down"))),
        parse("{\"name\":\"scroll_document\",\"args\":{\"direction\":\"down\"}}"));
    assertEquals(
        List.of(new Drag(List.of(p(100, 50), p(200, 100)), List.of())),
        parse(
            "{\"name\":\"drag_and_drop\",\"args\":{\"x\":100,\"y\":100,\"destination_x\":200,"
                + "\"destination_y\":200}}"));
    assertEquals(
        List.of(
            new Key(List.of("ctrl", "l")),
            new Type("https://example.com"),
            new Key(List.of("Return"))),
        parse("{\"name\":\"navigate\",\"args\":{\"url\":\"https://example.com\"}}"));
    assertEquals(List.of(new Key(List.of("alt", "Left"))), parse("{\"name\":\"go_back\"}"));
    assertEquals(
        List.of(new Wait(Duration.ofSeconds(5))),
        parse("{\"name\":\"wait_5_seconds\",\"args\":{}}"));
    assertEquals(List.of(new Screenshot()), parse("{\"name\":\"open_web_browser\",\"args\":{}}"));
  }

  @Test
  public void safetyChecksOfOpenAiAndGemini() {
    assertEquals(
        List.of("malicious_instructions: Check the page."),
        ComputerActions.pendingSafetyChecks(
            "{\"action\":{\"type\":\"screenshot\"},\"pending_safety_checks\":[{\"id\":\"sc1\","
                + "\"code\":\"malicious_instructions\",\"message\":\"Check the page.\"}]}"));
    assertEquals(
        List.of("require_confirmation: Cookie banner."),
        ComputerActions.pendingSafetyChecks(
            "{\"name\":\"click_at\",\"args\":{\"x\":1,\"y\":1,\"safety_decision\":"
                + "{\"decision\":\"require_confirmation\",\"explanation\":\"Cookie banner.\"}}}"));
    assertEquals(
        List.of(),
        ComputerActions.pendingSafetyChecks(
            "{\"action\":{\"type\":\"screenshot\"},\"pending_safety_checks\":[]}"));
  }

  @Test
  public void badArgumentsSayWhatIsWrong() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("{\"action\":\"fly\"}"));
    assertTrue(e.getMessage(), e.getMessage().contains("'fly'"));
    e = assertThrows(IllegalArgumentException.class, () -> parse("{\"action\":\"mouse_move\"}"));
    assertTrue(e.getMessage(), e.getMessage().contains("coordinate is required"));
    e = assertThrows(IllegalArgumentException.class, () -> parse("{\"x\":1}"));
    assertTrue(e.getMessage(), e.getMessage().contains("\"action\""));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> parse("{\"name\":\"teleport\",\"args\":{}}"));
    assertTrue(e.getMessage(), e.getMessage().contains("teleport"));
  }
}

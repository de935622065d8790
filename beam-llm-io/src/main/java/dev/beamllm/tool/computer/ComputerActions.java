package dev.beamllm.tool.computer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.computer.ComputerAction.Click;
import dev.beamllm.tool.computer.ComputerAction.CursorPosition;
import dev.beamllm.tool.computer.ComputerAction.Drag;
import dev.beamllm.tool.computer.ComputerAction.HoldKey;
import dev.beamllm.tool.computer.ComputerAction.Key;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.MouseDown;
import dev.beamllm.tool.computer.ComputerAction.MouseUp;
import dev.beamllm.tool.computer.ComputerAction.Move;
import dev.beamllm.tool.computer.ComputerAction.Point;
import dev.beamllm.tool.computer.ComputerAction.Screenshot;
import dev.beamllm.tool.computer.ComputerAction.Scroll;
import dev.beamllm.tool.computer.ComputerAction.Type;
import dev.beamllm.tool.computer.ComputerAction.Wait;
import dev.beamllm.tool.computer.ComputerAction.Zoom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a computer-use call's arguments, as the adapters keep them on the {@link
 * dev.beamllm.prompt.ToolCall} named {@code computer}, into provider-neutral {@link
 * ComputerAction}s. Three shapes, told apart by their fields:
 *
 * <ul>
 *   <li>Anthropic's tool input, {@code {"action": "left_click", "coordinate": [x, y], ...}}, which
 *       is also what the models of the other APIs send to the {@code computer} function;
 *   <li>OpenAI's {@code computer_call} without its ids: {@code {"action": {"type": "click", ...},
 *       "pending_safety_checks": [...]}}, or a batch under {@code "actions"};
 *   <li>Gemini's predefined function call, {@code {"name": "click_at", "args": {"x": 500, "y":
 *       300}}}, its coordinates on a 0-999 grid scaled to the screen.
 * </ul>
 */
public final class ComputerActions {
  /** OpenAI's scroll distances are pixels; a wheel click is taken as this many. */
  static final int PIXELS_PER_WHEEL_CLICK = 100;

  /** The default {@code magnitude} of Gemini's {@code scroll_at}, on its 0-999 grid. */
  private static final int GEMINI_SCROLL_MAGNITUDE = 800;

  private ComputerActions() {}

  /**
   * The actions of one call, in order.
   *
   * @param argumentsJson the call's arguments, in one of the three shapes
   * @param computer the computer, whose screen scales Gemini's grid
   * @throws IllegalArgumentException naming what is wrong with the arguments
   */
  public static List<ComputerAction> parse(String argumentsJson, ComputerUse computer) {
    JsonNode args = object(argumentsJson);
    JsonNode action = args.get("action");
    if (action != null && action.isTextual()) {
      return fromAnthropic(args);
    }
    if ((action != null && action.isObject()) || args.path("actions").isArray()) {
      return fromOpenAi(args);
    }
    if (args.path("name").isTextual()) {
      return fromGemini(
          args.get("name").textValue(),
          args.path("args"),
          computer.displayWidth(),
          computer.displayHeight());
    }
    throw new IllegalArgumentException(
        "computer arguments must hold an \"action\" (Anthropic's or OpenAI's), \"actions\""
            + " (OpenAI's) or a \"name\" (Gemini's), not "
            + Json.write(args));
  }

  /**
   * Anthropic's tool input: {@code key}, {@code type}, {@code mouse_move}, {@code left_click},
   * {@code left_click_drag}, {@code right_click}, {@code middle_click}, {@code double_click},
   * {@code screenshot} and {@code cursor_position} (computer_20241022); {@code triple_click},
   * {@code scroll}, {@code hold_key}, {@code wait}, {@code left_mouse_down} and {@code
   * left_mouse_up} (computer_20250124); {@code zoom} (computer_20251124). Keys are xdotool's, as
   * Anthropic documents; several combinations separated by spaces are pressed one after another.
   */
  public static List<ComputerAction> fromAnthropic(String inputJson) {
    return fromAnthropic(object(inputJson));
  }

  private static List<ComputerAction> fromAnthropic(JsonNode in) {
    String action = in.path("action").asText();
    Point at = point(in.get("coordinate"), "coordinate", false);
    // The reference implementation reads held keys from "key", the docs from "text".
    List<String> held = in.hasNonNull("text") ? Keys.split(in.get("text").asText()) : List.of();
    if (held.isEmpty() && in.hasNonNull("key")) {
      held = Keys.split(in.get("key").asText());
    }
    return switch (action) {
      case "screenshot" -> List.of(new Screenshot());
      case "cursor_position" -> List.of(new CursorPosition());
      case "left_click" -> List.of(new Click(at, MouseButton.LEFT, 1, held));
      case "right_click" -> List.of(new Click(at, MouseButton.RIGHT, 1, held));
      case "middle_click" -> List.of(new Click(at, MouseButton.MIDDLE, 1, held));
      case "double_click" -> List.of(new Click(at, MouseButton.LEFT, 2, held));
      case "triple_click" -> List.of(new Click(at, MouseButton.LEFT, 3, held));
      case "mouse_move" -> List.of(new Move(required(at, "coordinate", action)));
      case "left_click_drag" -> {
        Point end = required(at, "coordinate", action);
        Point start = point(in.get("start_coordinate"), "start_coordinate", false);
        yield List.of(new Drag(start == null ? List.of(end) : List.of(start, end), List.of()));
      }
      case "left_mouse_down", "left_mouse_up" -> {
        List<ComputerAction> out = new ArrayList<>();
        if (at != null) {
          out.add(new Move(at));
        }
        out.add(
            action.equals("left_mouse_down")
                ? new MouseDown(MouseButton.LEFT)
                : new MouseUp(MouseButton.LEFT));
        yield out;
      }
      case "type" -> List.of(new Type(text(in, "text", action)));
      case "key" -> {
        List<ComputerAction> out = new ArrayList<>();
        for (String combo : text(in, "text", action).trim().split("\\s+")) {
          out.add(new Key(Keys.split(combo)));
        }
        yield out;
      }
      case "hold_key" ->
          List.of(new HoldKey(Keys.split(text(in, "text", action)), seconds(in, action)));
      case "scroll" -> {
        int amount = in.path("scroll_amount").asInt(3);
        if (amount < 0) {
          throw new IllegalArgumentException("scroll_amount must not be negative: " + amount);
        }
        String direction = in.path("scroll_direction").asText("");
        yield List.of(scroll(at, direction, amount, held));
      }
      case "wait" -> List.of(new Wait(seconds(in, action)));
      case "zoom" -> {
        JsonNode region = in.get("region");
        if (region == null || !region.isArray() || region.size() != 4) {
          throw new IllegalArgumentException("zoom needs a region [x0, y0, x1, y1]");
        }
        yield List.of(
            new Zoom(
                new Point(region.get(0).asInt(), region.get(1).asInt()),
                new Point(region.get(2).asInt(), region.get(3).asInt())));
      }
      default -> throw new IllegalArgumentException("unknown computer action '" + action + "'");
    };
  }

  /**
   * OpenAI's {@code computer_call}: its {@code action}, or each of its batched {@code actions}
   * ({@code click}, {@code double_click}, {@code drag}, {@code keypress}, {@code move}, {@code
   * screenshot}, {@code scroll}, {@code type}, {@code wait}). Scroll distances are pixels, made
   * wheel clicks of {@value #PIXELS_PER_WHEEL_CLICK} pixels; {@code wait} is one second, as in
   * OpenAI's sample computer.
   */
  public static List<ComputerAction> fromOpenAi(String callJson) {
    return fromOpenAi(object(callJson));
  }

  private static List<ComputerAction> fromOpenAi(JsonNode call) {
    List<ComputerAction> out = new ArrayList<>();
    if (call.path("action").isObject()) {
      out.add(openAi(call.get("action")));
    }
    for (JsonNode a : call.path("actions")) {
      out.add(openAi(a));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a computer_call needs an action");
    }
    return out;
  }

  private static ComputerAction openAi(JsonNode a) {
    String type = a.path("type").asText("");
    List<String> held = new ArrayList<>();
    a.path("keys").forEach(k -> held.add(k.asText()));
    List<String> keys = Keys.keysyms(held);
    return switch (type) {
      case "screenshot" -> new Screenshot();
      case "click" -> new Click(xy(a), button(a.path("button").asText("left")), 1, keys);
      case "double_click" -> new Click(xy(a), MouseButton.LEFT, 2, keys);
      case "move" -> new Move(xy(a));
      case "drag" -> {
        List<Point> path = new ArrayList<>();
        for (JsonNode p : a.path("path")) {
          path.add(xy(p));
        }
        yield new Drag(path, keys);
      }
      case "keypress" -> new Key(keys);
      case "type" -> new Type(text(a, "text", type));
      case "scroll" ->
          new Scroll(
              xy(a),
              wheelClicks(a.path("scroll_x").asInt(0)),
              wheelClicks(a.path("scroll_y").asInt(0)),
              keys);
      case "wait" -> new Wait(Duration.ofSeconds(1));
      default -> throw new IllegalArgumentException("unknown computer action '" + type + "'");
    };
  }

  /**
   * One of Gemini's predefined functions (ai.google.dev/gemini-api/docs/computer-use), its {@code
   * x}, {@code y} and scroll {@code magnitude} on a 0-999 grid scaled to the screen. The browser
   * functions become the keys a browser takes: {@code navigate} is ctrl+l, the URL and Return,
   * {@code go_back} alt+Left, {@code go_forward} alt+Right, {@code search} navigates to Google's
   * home page (as Google's reference computer does); {@code open_web_browser} only takes a
   * screenshot. {@code type_text_at} clicks, clears the field (ctrl+a, BackSpace) and presses
   * Return after the text unless told not to, as Google documents.
   *
   * @param width the screen's width in pixels
   * @param height the screen's height in pixels
   */
  public static List<ComputerAction> fromGemini(
      String function, String argsJson, int width, int height) {
    return fromGemini(
        function,
        argsJson == null || argsJson.isBlank() ? Json.object() : object(argsJson),
        width,
        height);
  }

  private static List<ComputerAction> fromGemini(
      String function, JsonNode args, int width, int height) {
    return switch (function) {
      case "open_web_browser" -> List.of(new Screenshot());
      case "wait_5_seconds" -> List.of(new Wait(Duration.ofSeconds(5)));
      case "go_back" -> List.of(new Key(List.of("alt", "Left")));
      case "go_forward" -> List.of(new Key(List.of("alt", "Right")));
      case "search" -> navigate("https://www.google.com");
      case "navigate" -> navigate(text(args, "url", function));
      case "click_at" ->
          List.of(new Click(grid(args, width, height), MouseButton.LEFT, 1, List.of()));
      case "hover_at" -> List.of(new Move(grid(args, width, height)));
      case "type_text_at" -> {
        List<ComputerAction> out = new ArrayList<>();
        out.add(new Click(grid(args, width, height), MouseButton.LEFT, 1, List.of()));
        if (args.path("clear_before_typing").asBoolean(true)) {
          out.add(new Key(List.of("ctrl", "a")));
          out.add(new Key(List.of("BackSpace")));
        }
        out.add(new Type(text(args, "text", function)));
        if (args.path("press_enter").asBoolean(true)) {
          out.add(new Key(List.of("Return")));
        }
        yield out;
      }
      case "key_combination" ->
          List.of(new Key(Keys.keysyms(Keys.split(text(args, "keys", function)))));
      case "scroll_document" -> {
        String direction = text(args, "direction", function);
        yield switch (direction) {
          case "down" -> List.of(new Key(List.of("Page_Down")));
          case "up" -> List.of(new Key(List.of("Page_Up")));
          default -> List.of(scroll(new Point(width / 2, height / 2), direction, 5, List.of()));
        };
      }
      case "scroll_at" -> {
        String direction = text(args, "direction", function);
        int magnitude = args.path("magnitude").asInt(GEMINI_SCROLL_MAGNITUDE);
        int pixels =
            direction.equals("left") || direction.equals("right")
                ? scale(magnitude, width)
                : scale(magnitude, height);
        yield List.of(
            scroll(
                grid(args, width, height),
                direction,
                Math.max(1, Math.round((float) pixels / PIXELS_PER_WHEEL_CLICK)),
                List.of()));
      }
      case "drag_and_drop" ->
          List.of(
              new Drag(
                  List.of(
                      grid(args, width, height),
                      new Point(
                          scale(number(args, "destination_x", function), width),
                          scale(number(args, "destination_y", function), height))),
                  List.of()));
      default ->
          throw new IllegalArgumentException(
              "'" + function + "' is not one of Gemini's computer-use functions");
    };
  }

  /**
   * What the provider wants confirmed before the call runs: OpenAI's {@code pending_safety_checks}
   * and a Gemini {@code safety_decision} of {@code require_confirmation}, each as its message;
   * empty when nothing needs confirming (always so for Anthropic).
   */
  public static List<String> pendingSafetyChecks(String argumentsJson) {
    JsonNode args = object(argumentsJson);
    List<String> out = new ArrayList<>();
    for (JsonNode check : args.path("pending_safety_checks")) {
      out.add(
          check.path("code").asText("safety check")
              + ": "
              + check.path("message").asText(check.path("id").asText("")));
    }
    JsonNode decision = args.path("args").path("safety_decision");
    if ("require_confirmation".equals(decision.path("decision").asText())) {
      out.add("require_confirmation: " + decision.path("explanation").asText(""));
    }
    return out;
  }

  private static List<ComputerAction> navigate(String url) {
    return List.of(new Key(List.of("ctrl", "l")), new Type(url), new Key(List.of("Return")));
  }

  private static Scroll scroll(Point at, String direction, int amount, List<String> held) {
    return switch (direction) {
      case "up" -> new Scroll(at, 0, -amount, held);
      case "down" -> new Scroll(at, 0, amount, held);
      case "left" -> new Scroll(at, -amount, 0, held);
      case "right" -> new Scroll(at, amount, 0, held);
      default ->
          throw new IllegalArgumentException(
              "scroll direction must be up, down, left or right, not '" + direction + "'");
    };
  }

  private static int wheelClicks(int pixels) {
    if (pixels == 0) {
      return 0;
    }
    int clicks = Math.max(1, Math.round((float) Math.abs(pixels) / PIXELS_PER_WHEEL_CLICK));
    return pixels < 0 ? -clicks : clicks;
  }

  private static MouseButton button(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "left" -> MouseButton.LEFT;
      case "right" -> MouseButton.RIGHT;
      case "wheel", "middle" -> MouseButton.MIDDLE;
      case "back" -> MouseButton.BACK;
      case "forward" -> MouseButton.FORWARD;
      default -> throw new IllegalArgumentException("unknown mouse button '" + name + "'");
    };
  }

  /** A value on Gemini's 0-999 grid as pixels of a side of {@code size} pixels. */
  private static int scale(int grid, int size) {
    int clamped = Math.max(0, Math.min(999, grid));
    return Math.min(size - 1, (int) ((long) clamped * size / 1000));
  }

  private static Point grid(JsonNode args, int width, int height) {
    return new Point(
        scale(number(args, "x", "the call"), width), scale(number(args, "y", "the call"), height));
  }

  private static Point xy(JsonNode a) {
    if (!a.path("x").isNumber() || !a.path("y").isNumber()) {
      throw new IllegalArgumentException("a point needs numbers x and y: " + Json.write(a));
    }
    return new Point(a.get("x").asInt(), a.get("y").asInt());
  }

  private static Point point(JsonNode coordinate, String field, boolean required) {
    if (coordinate == null || coordinate.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + " is required");
      }
      return null;
    }
    if (!coordinate.isArray()
        || coordinate.size() != 2
        || !coordinate.get(0).isNumber()
        || !coordinate.get(1).isNumber()) {
      throw new IllegalArgumentException(field + " must be [x, y], not " + coordinate);
    }
    return new Point(coordinate.get(0).asInt(), coordinate.get(1).asInt());
  }

  private static Point required(Point p, String field, String action) {
    if (p == null) {
      throw new IllegalArgumentException(field + " is required for " + action);
    }
    return p;
  }

  private static String text(JsonNode node, String field, String action) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(action + " needs a string '" + field + "'");
    }
    return v.textValue();
  }

  private static int number(JsonNode node, String field, String action) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(action + " needs a number '" + field + "'");
    }
    return v.asInt();
  }

  private static Duration seconds(JsonNode in, String action) {
    JsonNode d = in.get("duration");
    if (d == null || !d.isNumber() || d.asDouble() < 0 || d.asDouble() > 100) {
      throw new IllegalArgumentException(action + " needs a duration of 0 to 100 seconds");
    }
    return Duration.ofMillis(Math.round(d.asDouble() * 1000));
  }

  private static JsonNode object(String json) {
    JsonNode node;
    try {
      node = Json.parse(json == null || json.isBlank() ? "{}" : json);
    } catch (InvalidPromptException e) {
      throw new IllegalArgumentException("computer arguments are not JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("computer arguments must be a JSON object");
    }
    return node;
  }
}

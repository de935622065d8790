package dev.beamllm.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.prompt.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake model's computer-use sessions: a first user message holding {@code [computer: click 100
 * 200; type hello; key ctrl+a; screenshot]} (optionally {@code [computer 640x480: ...]}, the screen
 * Gemini's 0-999 grid is scaled from) makes a request that offers a computer tool answer with the
 * session's actions, one per turn, each in the wire format's own computer call; once every action
 * has been answered, the text {@code "Computer session: <n> actions; screenshots: <w>x<h> <bytes>
 * bytes, ..."} names every screenshot the conversation sent back (PNG size and byte count, in
 * order, from the tool results and, as chat APIs send them, the user messages after the first;
 * {@code none} when none came), followed by {@code "; errors: <text> | <text>"} when some results
 * were errors.
 *
 * <p>Actions: {@code click X Y}, {@code right_click X Y}, {@code double_click X Y}, {@code move X
 * Y}, {@code drag X1 Y1 X2 Y2}, {@code type TEXT} (the rest of the item), {@code key COMBO}
 * (xdotool's {@code ctrl+a}), {@code scroll X Y up|down|left|right N}, {@code wait} and {@code
 * screenshot}.
 */
final class FakeComputer {
  private static final Pattern DIRECTIVE =
      Pattern.compile(
          "\\[computer(?:\\s+(\\d{1,5})x(\\d{1,5}))?:([^\\]]*)]", Pattern.CASE_INSENSITIVE);

  private FakeComputer() {}

  /**
   * What the request offers: Anthropic's tool type ({@code computer_20250124}), OpenAI's ({@code
   * computer_use_preview}, {@code computer}) or {@code gemini}, with the display size it gave (0
   * when none).
   */
  record Offer(String kind, int width, int height) {
    boolean openAiPreview() {
      return kind.equals("computer_use_preview");
    }
  }

  /** One action of a session, in pixels. */
  record Action(String kind, int[] numbers, String text) {
    int n(int i) {
      return numbers[i];
    }
  }

  /** A session: its actions and the screen Gemini's grid is scaled from (0x0: not scaled). */
  record Session(List<Action> actions, int width, int height) {}

  /** The session the first user text asks for, or null. */
  static Session session(String firstUser) {
    Matcher m = DIRECTIVE.matcher(firstUser);
    if (!m.find()) {
      return null;
    }
    int width = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    int height = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    List<Action> actions = new ArrayList<>();
    for (String item : m.group(3).split(";")) {
      String trimmed = item.strip();
      if (!trimmed.isEmpty()) {
        actions.add(action(trimmed));
      }
    }
    return new Session(actions, width, height);
  }

  private static Action action(String item) {
    String[] words = item.split("\\s+", 2);
    String kind = words[0].toLowerCase(Locale.ROOT);
    String rest = words.length > 1 ? words[1] : "";
    return switch (kind) {
      case "click", "right_click", "double_click", "move" -> numbers(kind, rest, 2, null);
      case "drag" -> numbers(kind, rest, 4, null);
      case "type" -> new Action(kind, new int[0], rest);
      case "key" -> new Action(kind, new int[0], rest.strip());
      case "scroll" -> {
        String[] p = rest.strip().split("\\s+");
        if (p.length != 4) {
          throw ProviderError.badRequest(
              "fake computer: scroll X Y DIRECTION N, not '" + item + "'", null);
        }
        yield new Action(
            kind, new int[] {parse(p[0], item), parse(p[1], item), parse(p[3], item)}, p[2]);
      }
      case "wait", "screenshot" -> new Action(kind, new int[0], null);
      default ->
          throw ProviderError.badRequest("fake computer: unknown action '" + item + "'", null);
    };
  }

  private static Action numbers(String kind, String rest, int count, String text) {
    String[] p = rest.strip().split("\\s+");
    if (p.length != count) {
      throw ProviderError.badRequest(
          "fake computer: " + kind + " takes " + count + " numbers, not '" + rest + "'", null);
    }
    int[] n = new int[count];
    for (int i = 0; i < count; i++) {
      n[i] = parse(p[i], kind + " " + rest);
    }
    return new Action(kind, n, text);
  }

  private static int parse(String s, String item) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ProviderError.badRequest(
          "fake computer: '" + s + "' in '" + item + "' is no number", null);
    }
  }

  /** The computer the request offers, or null: a native tool, else a function named computer. */
  static Offer offer(ParsedRequest request) {
    for (ParsedRequest.ToolDef t : request.tools()) {
      if (t.computer() != null) {
        return t.computer();
      }
    }
    for (ParsedRequest.ToolDef t : request.tools()) {
      if (t.name().equals("computer")) {
        return new Offer("function", 0, 0);
      }
    }
    return null;
  }

  /** Assistant turns that called tools: the session's actions already answered. */
  static int done(List<Message> messages) {
    int n = 0;
    for (Message m : messages) {
      if (m.role() == Role.ASSISTANT && !m.partsOf(ToolCall.class).isEmpty()) {
        n++;
      }
    }
    return n;
  }

  /** The text that ends a session: its screenshots and errors. */
  static String summary(Session session, List<Message> messages) {
    List<String> shots = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    boolean firstUser = true;
    for (Message m : messages) {
      List<Part> parts = new ArrayList<>();
      for (ToolResult r : m.partsOf(ToolResult.class)) {
        if (r.isError()) {
          errors.add(r.text());
        }
        parts.addAll(r.content());
      }
      if (m.role() == Role.USER) {
        // Chat APIs carry a tool's images in a user message after the results.
        if (!firstUser) {
          parts.addAll(m.parts());
        }
        firstUser = false;
      }
      for (Part p : parts) {
        if (p instanceof Image image) {
          int[] size = image.dimensions().orElse(new int[] {0, 0});
          shots.add(
              size[0]
                  + "x"
                  + size[1]
                  + " "
                  + image.bytes().map(b -> b.length).orElse(0)
                  + " bytes");
        }
      }
    }
    return "Computer session: "
        + session.actions().size()
        + " actions; screenshots: "
        + (shots.isEmpty() ? "none" : String.join(", ", shots))
        + (errors.isEmpty() ? "" : "; errors: " + String.join(" | ", errors));
  }

  /** The action as Anthropic's computer tool input, also the arguments of a plain function. */
  static String anthropicInput(Action a) {
    ObjectNode in = Json.object();
    switch (a.kind()) {
      case "click" -> coordinate(in.put("action", "left_click"), "coordinate", a.n(0), a.n(1));
      case "right_click", "double_click" ->
          coordinate(in.put("action", a.kind()), "coordinate", a.n(0), a.n(1));
      case "move" -> coordinate(in.put("action", "mouse_move"), "coordinate", a.n(0), a.n(1));
      case "drag" -> {
        in.put("action", "left_click_drag");
        coordinate(in, "start_coordinate", a.n(0), a.n(1));
        coordinate(in, "coordinate", a.n(2), a.n(3));
      }
      case "type" -> in.put("action", "type").put("text", a.text());
      case "key" -> in.put("action", "key").put("text", a.text());
      case "scroll" -> {
        coordinate(in.put("action", "scroll"), "coordinate", a.n(0), a.n(1));
        in.put("scroll_direction", a.text()).put("scroll_amount", a.n(2));
      }
      case "wait" -> in.put("action", "wait").put("duration", 1);
      default -> in.put("action", "screenshot");
    }
    return Json.write(in);
  }

  /** The action as OpenAI's {@code computer_call} action. */
  static ObjectNode openAiAction(Action a) {
    ObjectNode o = Json.object();
    switch (a.kind()) {
      case "click", "right_click" ->
          o.put("type", "click")
              .put("button", a.kind().equals("click") ? "left" : "right")
              .put("x", a.n(0))
              .put("y", a.n(1));
      case "double_click" -> o.put("type", "double_click").put("x", a.n(0)).put("y", a.n(1));
      case "move" -> o.put("type", "move").put("x", a.n(0)).put("y", a.n(1));
      case "drag" -> {
        ArrayNode path = o.put("type", "drag").putArray("path");
        path.addObject().put("x", a.n(0)).put("y", a.n(1));
        path.addObject().put("x", a.n(2)).put("y", a.n(3));
      }
      case "type" -> o.put("type", "type").put("text", a.text());
      case "key" -> {
        ArrayNode keys = o.put("type", "keypress").putArray("keys");
        for (String k : a.text().split("\\+")) {
          keys.add(k);
        }
      }
      case "scroll" -> {
        int px = a.n(2) * 100;
        o.put("type", "scroll").put("x", a.n(0)).put("y", a.n(1));
        o.put("scroll_x", a.text().equals("left") ? -px : a.text().equals("right") ? px : 0);
        o.put("scroll_y", a.text().equals("up") ? -px : a.text().equals("down") ? px : 0);
      }
      case "wait" -> o.put("type", "wait");
      default -> o.put("type", "screenshot");
    }
    return o;
  }

  /**
   * The action as Gemini's predefined function call, {@code {"name": ..., "args": ...}}, its
   * coordinates on the 0-999 grid of the session's screen; null for an action Gemini has not
   * ({@code right_click}, {@code double_click}). {@code type} is {@code type_text_at} where the
   * pointer last went, without clearing or Enter; {@code screenshot} is {@code open_web_browser},
   * which does nothing but answer with the screen.
   */
  static ObjectNode geminiCall(Session s, int index) {
    Action a = s.actions().get(index);
    ObjectNode call = Json.object();
    ObjectNode args = Json.object();
    switch (a.kind()) {
      case "click" -> grid(s, call.put("name", "click_at"), args, a.n(0), a.n(1));
      case "move" -> grid(s, call.put("name", "hover_at"), args, a.n(0), a.n(1));
      case "drag" -> {
        grid(s, call.put("name", "drag_and_drop"), args, a.n(0), a.n(1));
        args.put("destination_x", scale(a.n(2), s.width()))
            .put("destination_y", scale(a.n(3), s.height()));
      }
      case "type" -> {
        int[] at = lastPoint(s, index);
        grid(s, call.put("name", "type_text_at"), args, at[0], at[1]);
        args.put("text", a.text()).put("press_enter", false).put("clear_before_typing", false);
      }
      case "key" -> {
        call.put("name", "key_combination");
        args.put("keys", a.text());
      }
      case "scroll" -> {
        grid(s, call.put("name", "scroll_at"), args, a.n(0), a.n(1));
        boolean horizontal = a.text().equals("left") || a.text().equals("right");
        args.put("direction", a.text())
            .put("magnitude", scale(a.n(2) * 100, horizontal ? s.width() : s.height()));
      }
      case "wait" -> call.put("name", "wait_5_seconds");
      case "screenshot" -> call.put("name", "open_web_browser");
      default -> {
        return null;
      }
    }
    call.set("args", args);
    return call;
  }

  private static int[] lastPoint(Session s, int before) {
    for (int i = before - 1; i >= 0; i--) {
      Action a = s.actions().get(i);
      switch (a.kind()) {
        case "click", "right_click", "double_click", "move", "scroll" -> {
          return new int[] {a.n(0), a.n(1)};
        }
        case "drag" -> {
          return new int[] {a.n(2), a.n(3)};
        }
        default -> {
          // Keys and text leave the pointer where it is.
        }
      }
    }
    return new int[] {0, 0};
  }

  private static void grid(Session s, ObjectNode call, ObjectNode args, int x, int y) {
    args.put("x", scale(x, s.width())).put("y", scale(y, s.height()));
  }

  /** Pixels as the 0-999 grid of a side of {@code size} pixels; as given when the size is 0. */
  private static int scale(int pixels, int size) {
    if (size <= 0) {
      return pixels;
    }
    return Math.min(999, (int) Math.ceil(pixels * 1000.0 / size));
  }

  private static void coordinate(ObjectNode in, String field, int x, int y) {
    in.putArray(field).add(x).add(y);
  }
}

package dev.beamllm.tool.computer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One thing a model asks a computer to do, whichever provider asked: {@link ComputerActions} reads
 * Anthropic's, OpenAI's and Gemini's actions into these, and a {@link ComputerTool} runs them on a
 * {@link ComputerExecutor}. Coordinates are pixels of the screen from its top-left corner; key
 * names are xdotool's keysyms ({@code Return}, {@code ctrl}, {@code a}).
 */
public sealed interface ComputerAction {

  /** A point on the screen, in pixels from the top-left corner. */
  record Point(int x, int y) {
    /** Checks that the point is not left of or above the screen. */
    public Point {
      if (x < 0 || y < 0) {
        throw new IllegalArgumentException("a point must not be negative: (" + x + ", " + y + ")");
      }
    }
  }

  /** A mouse button, with its X11 button number. */
  enum MouseButton {
    /** The left button. */
    LEFT(1),
    /** The middle button (the wheel). */
    MIDDLE(2),
    /** The right button. */
    RIGHT(3),
    /** The side button that goes back. */
    BACK(8),
    /** The side button that goes forward. */
    FORWARD(9);

    private final int x11;

    MouseButton(int x11) {
      this.x11 = x11;
    }

    /** The X11 button number (xdotool's {@code click N}). */
    public int x11Number() {
      return x11;
    }
  }

  /** Takes a screenshot (every action returns one; this one does nothing else). */
  record Screenshot() implements ComputerAction {}

  /** Reports where the pointer is. */
  record CursorPosition() implements ComputerAction {}

  /**
   * Clicks a button once or several times.
   *
   * @param at where, or null for where the pointer is
   * @param button the button
   * @param count 1 for a click, 2 for a double click, 3 for a triple click
   * @param heldKeys keys held down during the click ({@code shift}, {@code ctrl})
   */
  record Click(Point at, MouseButton button, int count, List<String> heldKeys)
      implements ComputerAction {
    /** Checks the count and copies the keys. */
    public Click {
      Objects.requireNonNull(button, "button");
      if (count < 1 || count > 3) {
        throw new IllegalArgumentException("a click is 1 to 3 presses, not " + count);
      }
      heldKeys = List.copyOf(heldKeys);
    }
  }

  /**
   * Moves the pointer.
   *
   * @param to where
   */
  record Move(Point to) implements ComputerAction {
    /** Checks the point. */
    public Move {
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * Presses the left button, moves along a path and releases it.
   *
   * @param path the points: from the first (or from the pointer, when there is one point) to the
   *     last
   * @param heldKeys keys held down during the drag
   */
  record Drag(List<Point> path, List<String> heldKeys) implements ComputerAction {
    /** Checks that there is a point to go to. */
    public Drag {
      path = List.copyOf(path);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("a drag needs at least one point");
      }
      heldKeys = List.copyOf(heldKeys);
    }
  }

  /**
   * Presses a button and keeps it down.
   *
   * @param button the button
   */
  record MouseDown(MouseButton button) implements ComputerAction {}

  /**
   * Releases a button.
   *
   * @param button the button
   */
  record MouseUp(MouseButton button) implements ComputerAction {}

  /**
   * Types text, as the keyboard would.
   *
   * @param text the text
   */
  record Type(String text) implements ComputerAction {
    /** Checks the text. */
    public Type {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * Presses keys together and releases them: one key ({@code Return}) or a combination ({@code
   * ctrl}, {@code a}).
   *
   * @param keys xdotool keysyms, modifiers first
   */
  record Key(List<String> keys) implements ComputerAction {
    /** Checks that there is a key. */
    public Key {
      keys = List.copyOf(keys);
      if (keys.isEmpty() || keys.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("a key press needs key names, not " + keys);
      }
    }

    /** The combination as xdotool writes it: {@code ctrl+a}. */
    public String combo() {
      return String.join("+", keys);
    }
  }

  /**
   * Holds keys down for a while.
   *
   * @param keys xdotool keysyms
   * @param duration how long
   */
  record HoldKey(List<String> keys, Duration duration) implements ComputerAction {
    /** Checks the keys and the duration. */
    public HoldKey {
      keys = List.copyOf(keys);
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("hold_key needs a key");
      }
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Turns the scroll wheel.
   *
   * @param at where, or null for where the pointer is
   * @param dx clicks to the right (negative: to the left)
   * @param dy clicks down (negative: up)
   * @param heldKeys keys held down while scrolling
   */
  record Scroll(Point at, int dx, int dy, List<String> heldKeys) implements ComputerAction {
    /** Copies the keys. */
    public Scroll {
      heldKeys = List.copyOf(heldKeys);
    }
  }

  /**
   * Waits.
   *
   * @param duration how long
   */
  record Wait(Duration duration) implements ComputerAction {
    /** Checks the duration. */
    public Wait {
      if (duration.isNegative()) {
        throw new IllegalArgumentException("cannot wait " + duration);
      }
    }
  }

  /**
   * Takes a screenshot of a region, at the region's size (Anthropic's {@code zoom}).
   *
   * @param from the top-left corner
   * @param to the bottom-right corner, exclusive
   */
  record Zoom(Point from, Point to) implements ComputerAction {
    /** Checks that the region has an area. */
    public Zoom {
      if (to.x() <= from.x() || to.y() <= from.y()) {
        throw new IllegalArgumentException("the region " + from + " to " + to + " is empty");
      }
    }
  }
}

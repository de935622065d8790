package dev.beamllm.tool.computer;

import dev.beamllm.prompt.Image;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.Point;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A computer a model operates: a screen to capture, a mouse and a keyboard. {@link ComputerTool}
 * calls it one action at a time, never from two threads at once. Coordinates are pixels from the
 * top-left corner of the screen; key names are xdotool's keysyms ({@code Return}, {@code ctrl},
 * {@code a}). Serializable so that a Beam transform can carry it to its workers: an implementation
 * that holds processes or connections keeps them transient and opens them on first use.
 *
 * <p>{@link X11Computer} runs the actions on an X display with xdotool.
 */
public interface ComputerExecutor extends Serializable, AutoCloseable {

  /** The screen, as a PNG image of the screen's size in pixels. */
  Image screenshot() throws IOException;

  /** Where the pointer is. */
  Point cursorPosition() throws IOException;

  /** Moves the pointer. */
  void move(int x, int y) throws IOException;

  /**
   * Clicks a button {@code count} times at a point (1 to 3: a click, a double or a triple click).
   */
  void click(int x, int y, MouseButton button, int count) throws IOException;

  /** A double click of the left button. */
  default void doubleClick(int x, int y) throws IOException {
    click(x, y, MouseButton.LEFT, 2);
  }

  /** Presses a button where the pointer is and keeps it down. */
  void mouseDown(MouseButton button) throws IOException;

  /** Releases a button where the pointer is. */
  void mouseUp(MouseButton button) throws IOException;

  /**
   * Drags with the left button along a path: presses at the first point, moves through the others
   * and releases at the last. By default built of {@link #move}, {@link #mouseDown} and {@link
   * #mouseUp}.
   */
  default void drag(List<Point> path) throws IOException {
    move(path.get(0).x(), path.get(0).y());
    mouseDown(MouseButton.LEFT);
    for (Point p : path.subList(1, path.size())) {
      move(p.x(), p.y());
    }
    mouseUp(MouseButton.LEFT);
  }

  /** Types text as the keyboard would. */
  void type(String text) throws IOException;

  /** Presses keys together and releases them: {@code ctrl+a}, {@code Return}. */
  void key(String combo) throws IOException;

  /** Presses keys ({@code shift}, {@code ctrl+shift}) and keeps them down. */
  void keyDown(String combo) throws IOException;

  /** Releases keys pressed by {@link #keyDown}. */
  void keyUp(String combo) throws IOException;

  /**
   * Turns the scroll wheel at a point: {@code dx} clicks to the right (negative: left), {@code dy}
   * clicks down (negative: up).
   */
  void scroll(int x, int y, int dx, int dy) throws IOException;

  /** Waits; by default the calling thread sleeps. */
  default void waitFor(Duration duration) throws IOException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting", e);
    }
  }

  /**
   * The address shown, for a computer that is a browser (Gemini's function responses carry it);
   * empty by default.
   */
  default Optional<String> currentUrl() {
    return Optional.empty();
  }

  /** Ends what the executor started; by default nothing. */
  @Override
  default void close() {}
}

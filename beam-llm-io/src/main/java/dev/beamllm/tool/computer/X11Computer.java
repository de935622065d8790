package dev.beamllm.tool.computer;

import dev.beamllm.prompt.Image;
import dev.beamllm.tool.computer.ComputerAction.MouseButton;
import dev.beamllm.tool.computer.ComputerAction.Point;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux desktop on an X display: actions through {@code xdotool} (XTEST), screenshots through
 * {@code xwd} read into PNG here. {@link #startXvfb} starts a virtual screen of its own ({@code
 * Xvfb}, on the first free display number, which the server picks itself through {@code
 * -displayfd}); {@link #attach} uses a display that is already there.
 *
 * <p>The programs are Debian packages: {@code xvfb}, {@code xdotool} and {@code x11-apps} (for
 * {@code xwd}). {@code xwd} is the smallest reliable screenshot program there: {@code x11-apps}
 * adds three packages to a machine with X libraries, where {@code scrot} brings imlib2 with
 * Ghostscript and ImageMagick's {@code import} thirty-odd packages; its dump is converted to PNG in
 * Java, so no converter is needed either.
 *
 * <p>Serializable: a copy carries the display it attaches to, or the size of the virtual screen it
 * starts on first use where it lands.
 */
public final class X11Computer implements ComputerExecutor {
  private static final long serialVersionUID = 1L;

  /** The programs this executor runs. */
  public static final List<String> PROGRAMS = List.of("Xvfb", "xdotool", "xwd");

  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  private static final long START_TIMEOUT_SECONDS = 20;
  private static final int TYPE_CHUNK = 50;
  private static final Pattern LOCATION = Pattern.compile("X=(\\d+)\\s+Y=(\\d+)");
  private static final Pattern DISPLAY = Pattern.compile(":\\d+(\\.\\d+)?");

  /** The virtual screens this JVM started and has not stopped, stopped when it exits. */
  private static final java.util.Set<Process> STARTED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroy), "x11-computer-stop"));
  }

  private final String attachTo;
  private final int width;
  private final int height;
  private transient String display;
  private transient Process server;

  private X11Computer(String attachTo, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "the screen must be at least 1x1, not " + width + "x" + height);
    }
    this.attachTo = attachTo;
    this.width = width;
    this.height = height;
  }

  /**
   * Starts a virtual screen of this size (24-bit color) on a free display, which {@link #close}
   * stops.
   *
   * @throws IOException when Xvfb cannot be started
   */
  public static X11Computer startXvfb(int width, int height) throws IOException {
    X11Computer computer = new X11Computer(null, width, height);
    computer.display();
    return computer;
  }

  /**
   * A computer on a display that is already there ({@code :0}), whose screen is this size; {@link
   * #close} leaves it running.
   */
  public static X11Computer attach(String display, int width, int height) {
    Objects.requireNonNull(display, "display");
    if (!DISPLAY.matcher(display).matches()) {
      throw new IllegalArgumentException("an X display is written :N, not '" + display + "'");
    }
    return new X11Computer(display, width, height);
  }

  /** The programs of {@link #PROGRAMS} not found on the {@code PATH}; empty when all are there. */
  public static List<String> missingPrograms() {
    List<String> missing = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String program : PROGRAMS) {
      boolean found = false;
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
          found = true;
          break;
        }
      }
      if (!found) {
        missing.add(program);
      }
    }
    return missing;
  }

  /**
   * The display, {@code :N}; a computer that starts its own screen starts it now if it has not.
   *
   * @throws UncheckedIOException when Xvfb cannot be started
   */
  public synchronized String display() {
    if (display == null) {
      if (attachTo != null) {
        display = attachTo;
      } else {
        try {
          startServer();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return display;
  }

  /** The screen's width in pixels. */
  public int width() {
    return width;
  }

  /** The screen's height in pixels. */
  public int height() {
    return height;
  }

  private void startServer() throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "Xvfb",
                "-displayfd",
                "1",
                "-screen",
                "0",
                width + "x" + height + "x24",
                "-nolisten",
                "tcp")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    String number;
    try {
      number = line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting Xvfb", e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroy();
      throw new IOException("Xvfb did not start: " + e, e);
    }
    if (number == null || !number.trim().matches("\\d+")) {
      p.destroy();
      throw new IOException(
          "Xvfb did not name its display (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
    }
    server = p;
    STARTED.add(p);
    display = ":" + number.trim();
  }

  @Override
  public Image screenshot() throws IOException {
    return Image.fromBytes(Xwd.toPng(run("xwd", "-root", "-silent")));
  }

  @Override
  public Point cursorPosition() throws IOException {
    String out = new String(xdotool("getmouselocation", "--shell"), StandardCharsets.UTF_8);
    Matcher m = LOCATION.matcher(out);
    if (!m.find()) {
      throw new IOException("xdotool getmouselocation said: " + out.trim());
    }
    return new Point(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  @Override
  public void move(int x, int y) throws IOException {
    xdotool("mousemove", String.valueOf(x), String.valueOf(y));
  }

  @Override
  public void click(int x, int y, MouseButton button, int count) throws IOException {
    xdotool(
        "mousemove",
        String.valueOf(x),
        String.valueOf(y),
        "click",
        "--repeat",
        String.valueOf(count),
        "--delay",
        "80",
        String.valueOf(button.x11Number()));
  }

  @Override
  public void mouseDown(MouseButton button) throws IOException {
    xdotool("mousedown", String.valueOf(button.x11Number()));
  }

  @Override
  public void mouseUp(MouseButton button) throws IOException {
    xdotool("mouseup", String.valueOf(button.x11Number()));
  }

  /** One xdotool command: press at the first point, move through the others, release. */
  @Override
  public void drag(List<Point> path) throws IOException {
    List<String> args = new ArrayList<>();
    Point first = path.get(0);
    args.addAll(List.of("mousemove", String.valueOf(first.x()), String.valueOf(first.y())));
    args.addAll(List.of("mousedown", "1"));
    for (Point p : path.subList(1, path.size())) {
      args.addAll(List.of("mousemove", String.valueOf(p.x()), String.valueOf(p.y())));
    }
    args.addAll(List.of("mouseup", "1"));
    xdotool(args.toArray(String[]::new));
  }

  /** Types in chunks of 50 characters, 12 ms apart, as Anthropic's reference computer does. */
  @Override
  public void type(String text) throws IOException {
    for (int i = 0; i < text.length(); i += TYPE_CHUNK) {
      xdotool(
          "type",
          "--delay",
          "12",
          "--",
          text.substring(i, Math.min(text.length(), i + TYPE_CHUNK)));
    }
  }

  @Override
  public void key(String combo) throws IOException {
    xdotool("key", "--", combo);
  }

  @Override
  public void keyDown(String combo) throws IOException {
    xdotool("keydown", "--", combo);
  }

  @Override
  public void keyUp(String combo) throws IOException {
    xdotool("keyup", "--", combo);
  }

  /** Wheel clicks are X buttons 4 (up), 5 (down), 6 (left) and 7 (right). */
  @Override
  public void scroll(int x, int y, int dx, int dy) throws IOException {
    List<String> args = new ArrayList<>(List.of("mousemove", String.valueOf(x), String.valueOf(y)));
    if (dy != 0) {
      args.addAll(List.of("click", "--repeat", String.valueOf(Math.abs(dy)), dy < 0 ? "4" : "5"));
    }
    if (dx != 0) {
      args.addAll(List.of("click", "--repeat", String.valueOf(Math.abs(dx)), dx < 0 ? "6" : "7"));
    }
    xdotool(args.toArray(String[]::new));
  }

  /** Stops the virtual screen this computer started; a display it attached to is left alone. */
  @Override
  public synchronized void close() {
    Process p = server;
    server = null;
    display = null;
    if (p != null) {
      STARTED.remove(p);
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "X11Computer{"
        + (display != null ? display : attachTo)
        + ", "
        + width
        + "x"
        + height
        + "}";
  }

  private byte[] xdotool(String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = "xdotool";
    System.arraycopy(args, 0, command, 1, args.length);
    return run(command);
  }

  /** Runs a program against the display; its standard output, or an error with its stderr. */
  private byte[] run(String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("DISPLAY", display());
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = readAll(p.getInputStream());
    try {
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command[0] + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command[0], e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command[0], command.length > 1 ? command[1] : "")
              + " failed (exit "
              + p.exitValue()
              + "): "
              + new String(err.join(), StandardCharsets.UTF_8).trim());
    }
    return out;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

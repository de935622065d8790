package dev.beamllm.tool.computer;

import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.internal.Json;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.computer.ComputerAction.Click;
import dev.beamllm.tool.computer.ComputerAction.CursorPosition;
import dev.beamllm.tool.computer.ComputerAction.Drag;
import dev.beamllm.tool.computer.ComputerAction.HoldKey;
import dev.beamllm.tool.computer.ComputerAction.Key;
import dev.beamllm.tool.computer.ComputerAction.MouseDown;
import dev.beamllm.tool.computer.ComputerAction.MouseUp;
import dev.beamllm.tool.computer.ComputerAction.Move;
import dev.beamllm.tool.computer.ComputerAction.Point;
import dev.beamllm.tool.computer.ComputerAction.Screenshot;
import dev.beamllm.tool.computer.ComputerAction.Scroll;
import dev.beamllm.tool.computer.ComputerAction.Type;
import dev.beamllm.tool.computer.ComputerAction.Wait;
import dev.beamllm.tool.computer.ComputerAction.Zoom;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;

/**
 * The computer-use tool with the computer it operates: offered to the model as the provider's own
 * computer tool ({@link ComputerUse}), it reads each call's actions whatever the provider ({@link
 * ComputerActions}), runs them on a {@link ComputerExecutor} and answers with a screenshot of the
 * screen after them, which the adapters send back in the provider's shape: Anthropic's {@code
 * tool_result} with the image, OpenAI's {@code computer_call_output} with a {@code
 * computer_screenshot}, Gemini's {@code functionResponse} with the image among its {@code parts}.
 *
 * <pre>{@code
 * try (X11Computer screen = X11Computer.startXvfb(1024, 768)) {
 *   ComputerTool computer = ComputerTool.of(ComputerUse.of(1024, 768), screen);
 *   AgentResult r = client.runAgentLoop(conversation, ToolSet.of(computer), 20).join();
 * }
 * }</pre>
 *
 * <p>Computer use fits {@link ExecutableTool}: a call is the model's arguments in and text and
 * images out, so the agent loop, the tool set's timeouts and Beam's {@code LlmIO.agent()} need no
 * path of their own. What differs is kept here: calls run one at a time in the order the model made
 * them (a screen has one pointer), whereas a tool set runs a turn's calls in parallel; a call's
 * {@link dev.beamllm.tool.ToolSet#callTimeout() timeout} therefore counts the time it waits behind
 * the calls before it.
 *
 * <p>A call the provider wants confirmed (OpenAI's {@code pending_safety_checks}, Gemini's {@code
 * safety_decision} of {@code require_confirmation}) is not run, and the model is told why, unless
 * {@link #withSafetyChecksAcknowledged} says the caller accepts them; a call that ran is then sent
 * back with the checks acknowledged. (OpenAI does not go on past checks left unacknowledged, so
 * there a refused call ends the loop with OpenAI's error; Gemini and Anthropic read the refusal.)
 *
 * <p>Immutable and serializable (with a serializable executor); each instance runs its calls on a
 * thread of its own, and every instance on the same executor takes turns.
 */
public final class ComputerTool implements ExecutableTool {
  private static final long serialVersionUID = 1L;

  /** How long the screen may settle after the actions before the screenshot, unless set. */
  public static final Duration DEFAULT_SCREENSHOT_DELAY = Duration.ofMillis(300);

  private final ComputerUse computer;
  private final ComputerExecutor executor;
  private final Duration screenshotDelay;
  private final boolean acknowledgeSafetyChecks;
  private transient ExecutorService thread;

  private ComputerTool(
      ComputerUse computer,
      ComputerExecutor executor,
      Duration screenshotDelay,
      boolean acknowledgeSafetyChecks) {
    this.computer = Objects.requireNonNull(computer, "computer");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.screenshotDelay = screenshotDelay;
    this.acknowledgeSafetyChecks = acknowledgeSafetyChecks;
  }

  /** The tool for this computer, run on this executor, whose screen should be the computer's. */
  public static ComputerTool of(ComputerUse computer, ComputerExecutor executor) {
    return new ComputerTool(computer, executor, DEFAULT_SCREENSHOT_DELAY, false);
  }

  /** How long the screen may settle after a call's actions before the screenshot (≥ 0). */
  public ComputerTool withScreenshotDelay(Duration delay) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("screenshotDelay must be ≥ 0, not " + delay);
    }
    return new ComputerTool(computer, executor, delay, acknowledgeSafetyChecks);
  }

  /**
   * Whether calls the provider wants confirmed run anyway, their safety checks acknowledged; by
   * default they are refused.
   */
  public ComputerTool withSafetyChecksAcknowledged(boolean acknowledge) {
    return new ComputerTool(computer, executor, screenshotDelay, acknowledge);
  }

  /** The computer the model is told of. */
  public ComputerUse computer() {
    return computer;
  }

  /** The computer the actions run on. */
  public ComputerExecutor executor() {
    return executor;
  }

  @Override
  public Tool definition() {
    return computer.toTool();
  }

  /**
   * Runs one call's actions after the calls before it, and answers with a screenshot; an error
   * (with a screenshot when one can be taken) for arguments that cannot be read, a check not
   * acknowledged, or a failing computer.
   */
  @Override
  public CompletableFuture<ToolOutput> call(String argumentsJson) {
    return CompletableFuture.supplyAsync(() -> runCall(argumentsJson), thread());
  }

  /**
   * Runs actions at once on the calling thread (taking turns with the tool's calls) and answers as
   * {@link #call} does.
   */
  public ToolOutput run(List<ComputerAction> actions) {
    synchronized (executor) {
      return runActions(actions, Optional.empty());
    }
  }

  private synchronized ExecutorService thread() {
    if (thread == null) {
      thread =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "computer-tool");
                t.setDaemon(true);
                return t;
              });
    }
    return thread;
  }

  private ToolOutput runCall(String argumentsJson) {
    synchronized (executor) {
      List<ComputerAction> actions;
      List<String> checks;
      try {
        actions = ComputerActions.parse(argumentsJson, computer);
        checks = ComputerActions.pendingSafetyChecks(argumentsJson);
      } catch (IllegalArgumentException e) {
        return failure("computer: " + e.getMessage());
      }
      if (!checks.isEmpty() && !acknowledgeSafetyChecks) {
        return failure(
            "computer: not run, the provider asks for confirmation first ("
                + String.join("; ", checks)
                + ") and this tool does not acknowledge safety checks");
      }
      boolean gemini = Json.parse(argumentsJson).path("name").isTextual();
      return runActions(actions, gemini ? executor.currentUrl() : Optional.empty());
    }
  }

  private ToolOutput runActions(List<ComputerAction> actions, Optional<String> url) {
    List<Part> content = new ArrayList<>();
    try {
      Image zoomed = null;
      for (ComputerAction action : actions) {
        if (action instanceof CursorPosition) {
          Point p = executor.cursorPosition();
          content.add(new Text("X=" + p.x() + ",Y=" + p.y()));
        } else if (action instanceof Zoom z) {
          zoomed = crop(executor.screenshot(), z);
        } else {
          perform(action);
        }
      }
      if (zoomed != null) {
        content.add(zoomed);
        return ToolOutput.of(content);
      }
      if (!screenshotDelay.isZero()) {
        executor.waitFor(screenshotDelay);
      }
      url.ifPresent(u -> content.add(new Text(u)));
      content.add(executor.screenshot());
      return ToolOutput.of(content);
    } catch (IOException | RuntimeException e) {
      return failure("computer: " + e.getMessage());
    }
  }

  private void perform(ComputerAction action) throws IOException {
    if (action instanceof Screenshot) {
      return;
    }
    if (action instanceof Click c) {
      Point at = c.at() != null ? c.at() : executor.cursorPosition();
      held(c.heldKeys(), () -> executor.click(at.x(), at.y(), c.button(), c.count()));
    } else if (action instanceof Move m) {
      executor.move(m.to().x(), m.to().y());
    } else if (action instanceof Drag d) {
      List<Point> path = new ArrayList<>(d.path());
      if (path.size() == 1) {
        path.add(0, executor.cursorPosition());
      }
      held(d.heldKeys(), () -> executor.drag(path));
    } else if (action instanceof MouseDown d) {
      executor.mouseDown(d.button());
    } else if (action instanceof MouseUp u) {
      executor.mouseUp(u.button());
    } else if (action instanceof Type t) {
      executor.type(t.text());
    } else if (action instanceof Key k) {
      executor.key(k.combo());
    } else if (action instanceof HoldKey h) {
      String combo = String.join("+", h.keys());
      executor.keyDown(combo);
      try {
        executor.waitFor(h.duration());
      } finally {
        executor.keyUp(combo);
      }
    } else if (action instanceof Scroll s) {
      Point at = s.at() != null ? s.at() : executor.cursorPosition();
      held(s.heldKeys(), () -> executor.scroll(at.x(), at.y(), s.dx(), s.dy()));
    } else if (action instanceof Wait w) {
      executor.waitFor(w.duration());
    }
  }

  /** Something the computer does. */
  private interface Step {
    void run() throws IOException;
  }

  private void held(List<String> keys, Step step) throws IOException {
    if (keys.isEmpty()) {
      step.run();
      return;
    }
    String combo = String.join("+", keys);
    executor.keyDown(combo);
    try {
      step.run();
    } finally {
      executor.keyUp(combo);
    }
  }

  /** An error the model reads, with the screen as it is when it can be taken. */
  private ToolOutput failure(String message) {
    List<Part> content = new ArrayList<>();
    content.add(new Text(message));
    try {
      content.add(executor.screenshot());
    } catch (IOException | RuntimeException e) {
      // The error alone, then.
    }
    return new ToolOutput(content, true);
  }

  /** The region of a screenshot, as a PNG of the region's size. */
  private static Image crop(Image screenshot, Zoom z) throws IOException {
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(screenshot.bytes().orElseThrow()));
    if (full == null) {
      throw new IOException("the screenshot cannot be decoded");
    }
    int x0 = Math.min(z.from().x(), full.getWidth() - 1);
    int y0 = Math.min(z.from().y(), full.getHeight() - 1);
    int x1 = Math.min(z.to().x(), full.getWidth());
    int y1 = Math.min(z.to().y(), full.getHeight());
    BufferedImage region = full.getSubimage(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(region, "png", png);
    return Image.fromBytes(png.toByteArray());
  }
}

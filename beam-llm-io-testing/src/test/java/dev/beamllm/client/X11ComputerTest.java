package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.tool.ComputerUse;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.computer.ComputerTool;
import dev.beamllm.tool.computer.X11Computer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.Test;

/**
 * A real X server: Xvfb on a free display, with xev's window over the whole screen reporting the
 * input it receives. The fake provider plays a computer-use session on Anthropic's, OpenAI's and
 * Gemini's wire formats; the clicks and the typed text land in the window, and the screenshots,
 * taken with xwd, reach the fake as 640x480 PNGs that show the window. Skipped only when Xvfb,
 * xdotool, xwd or xev is not installed ({@code .ci/run} installs them).
 */
public class X11ComputerTest {
  private static final Pattern PRINTABLE =
      Pattern.compile("XLookupString gives 1 bytes: \\(([0-9a-f]{2})\\)");

  @Test
  public void clicksAndTypingLandInARealWindowAndTheScreenshotsReachTheModel() throws Exception {
    List<String> missing = new ArrayList<>(X11Computer.missingPrograms());
    if (!onPath("xev")) {
      missing.add("xev");
    }
    assumeTrue(
        "computer-use test skipped: not installed: "
            + missing
            + " (Debian packages xvfb, xdotool, x11-apps, x11-utils)",
        missing.isEmpty());
    Path log = Files.createTempFile("xev", ".log");
    try (X11Computer screen = X11Computer.startXvfb(640, 480);
        FakeProviderServer fake = FakeProviderServer.builder().start()) {
      ProcessBuilder pb =
          new ProcessBuilder("xev", "-geometry", "640x480+0+0", "-name", "beam-llm-io-xev")
              .redirectOutput(log.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("DISPLAY", screen.display());
      Process xev = pb.start();
      try {
        waitFor(log, "MapNotify", xev);
        ComputerTool computer =
            ComputerTool.of(ComputerUse.of(640, 480), screen)
                .withScreenshotDelay(java.time.Duration.ofMillis(100));
        String[][] sessions = {
          {"claude-4.5-sonnet", "[computer: click 100 120; type hello; key ctrl+a; screenshot]"},
          {"computer-use-preview", "[computer: double_click 200 150; type xyz]"},
          {"gemini-2.5-flash", "[computer 640x480: click 300 200; type abc]"},
        };
        List<Image> screenshots = new ArrayList<>();
        for (String[] s : sessions) {
          try (LlmClient client = ClientTestSupport.client(fake, s[0]).build()) {
            AgentResult r =
                client
                    .runAgentLoop(
                        Conversation.user("Use the window. " + s[1]), ToolSet.of(computer), 6)
                    .join();
            assertFalse(s[0] + ": " + r.error(), r.isError());
            int actions = s[1].split(";").length;
            assertTrue(
                s[0] + ": " + r.completion(),
                r.completion()
                    .startsWith(
                        "Computer session: " + actions + " actions; screenshots: 640x480 "));
            assertEquals(
                s[0] + ": " + r.completion(), actions, r.completion().split("640x480 ").length - 1);
            for (Message m : r.conversation().messages()) {
              for (ToolResult t : m.partsOf(ToolResult.class)) {
                assertFalse(s[0] + ": " + t.text(), t.isError());
                t.content().stream()
                    .filter(Image.class::isInstance)
                    .forEach(p -> screenshots.add((Image) p));
              }
            }
          }
        }
        Thread.sleep(200);
        String events = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(events, events.contains("root:(100,120)"));
        assertTrue(events, events.contains("root:(200,150)"));
        assertTrue(events, events.contains("root:(300,200)"));
        assertEquals("the window's typed text", "helloxyzabc", typed(events));
        assertTrue(
            "ctrl+a pressed: " + events,
            Pattern.compile("state 0x4, keycode \\d+ \\(keysym 0x61, a\\)").matcher(events).find());
        assertEquals(8, screenshots.size());
        for (Image shot : screenshots) {
          BufferedImage png = ImageIO.read(new ByteArrayInputStream(shot.bytes().orElseThrow()));
          assertEquals(640, png.getWidth());
          assertEquals(480, png.getHeight());
          // xev's window is white where Xvfb's bare root would be its black and white weave.
          assertEquals(0xffffff, png.getRGB(320, 240) & 0xffffff);
          assertEquals(0xffffff, png.getRGB(321, 240) & 0xffffff);
        }
      } finally {
        xev.destroy();
        xev.waitFor(5, TimeUnit.SECONDS);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The printable characters of the KeyPress events, in order. */
  private static String typed(String events) {
    StringBuilder out = new StringBuilder();
    for (String block : events.split("\n\n")) {
      if (!block.startsWith("KeyPress")) {
        continue;
      }
      Matcher m = PRINTABLE.matcher(block);
      if (m.find()) {
        int c = Integer.parseInt(m.group(1), 16);
        if (c >= 0x20 && c < 0x7f) {
          out.append((char) c);
        }
      }
    }
    return out.toString();
  }

  private static void waitFor(Path log, String text, Process xev)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      assertTrue("xev exited with " + (xev.isAlive() ? "" : xev.exitValue()), xev.isAlive());
      Thread.sleep(50);
    }
    throw new AssertionError("xev's window never showed: " + Files.readString(log));
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}

package dev.beamllm.tool.prefab;

import dev.beamllm.model.Description;
import dev.beamllm.tool.AnthropicDefinedTool;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A shell for the agent, confined to one directory: each call runs {@code bash -c} in a bubblewrap
 * sandbox ({@code bwrap}, Debian's {@code bubblewrap}) whose only writable place is the directory
 * (seen as {@code /work}, the working directory), with the system's programs read-only, a private
 * {@code /tmp}, no network (unless allowed), no other process visible, an empty environment but
 * {@code PATH} and {@code HOME}, and a time limit after which the command and everything it started
 * are killed. Commands do not share a session: each starts in {@code /work} afresh (files persist,
 * shell variables do not). Immutable and serializable; the root must exist where the tool runs.
 */
public final class BashTool implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The sandbox program. */
  static final String BWRAP = "bwrap";

  private final String root;
  private final String name;
  private final Duration timeout;
  private final int maxOutputChars;
  private final boolean network;

  private BashTool(
      String root, String name, Duration timeout, int maxOutputChars, boolean network) {
    this.root = root;
    this.name = name;
    this.timeout = timeout;
    this.maxOutputChars = maxOutputChars;
    this.network = network;
  }

  static BashTool at(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("bash: the root directory must not be blank");
    }
    return new BashTool(
        Path.of(root).toAbsolutePath().normalize().toString(),
        "bash",
        Duration.ofSeconds(30),
        30_000,
        false);
  }

  /** The tool's name ({@code bash} by default). */
  public BashTool withName(String name) {
    return new BashTool(root, PrefabNames.checkPrefix(name), timeout, maxOutputChars, network);
  }

  /** How long a command may run before it and all it started are killed (positive). */
  public BashTool withTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("bash: the timeout must be positive, not " + timeout);
    }
    return new BashTool(root, name, timeout, maxOutputChars, network);
  }

  /** The most characters of output the model gets (the rest is cut, saying so); at least 100. */
  public BashTool withMaxOutputChars(int chars) {
    if (chars < 100) {
      throw new IllegalArgumentException("bash: maxOutputChars must be at least 100, not " + chars);
    }
    return new BashTool(root, name, timeout, chars, network);
  }

  /** Whether commands may reach the network (no by default). */
  public BashTool withNetwork(boolean network) {
    return new BashTool(root, name, timeout, maxOutputChars, network);
  }

  /** The directory commands run in. */
  public String root() {
    return root;
  }

  /**
   * The tool, to put in a {@link dev.beamllm.tool.ToolSet}: offered to Claude as Anthropic's bash
   * tool when named {@code bash} ({@link AnthropicDefinedTool#BASH}), as a function elsewhere.
   */
  public ExecutableTool tool() {
    BashTool config = this;
    ExecutableTool function =
        Tools.function(
            name,
            "Run a bash command in the workspace (the current directory, /work; its files are all you"
                + " can change). Each call is a fresh shell: cd and variables do not carry over. The"
                + " output (stdout and stderr) and the exit code come back; commands longer than "
                + timeout.toSeconds()
                + " s are killed."
                + (network ? "" : " There is no network."),
            Command.class,
            c -> config.run(c));
    return Tools.offeredAs(function, function.definition().withBuiltin(AnthropicDefinedTool.BASH));
  }

  /** The arguments, as Anthropic's bash tool takes them: a command, or a restart. */
  record Command(
      @Description("The bash command to run.") Optional<String> command,
      @Description("Restart the shell instead (each command starts afresh anyway).")
          Optional<Boolean> restart) {}

  private ToolOutput run(Command c) throws IOException, InterruptedException {
    if (c.restart().orElse(false)) {
      return ToolOutput.text("the shell was restarted; each command runs in a fresh shell");
    }
    if (c.command().isEmpty() || c.command().get().isBlank()) {
      return ToolOutput.error("give a command to run");
    }
    return run(c.command().get());
  }

  /** Runs one command in the sandbox. */
  ToolOutput run(String command) throws IOException, InterruptedException {
    Path dir = Path.of(root);
    if (!Files.isDirectory(dir)) {
      return ToolOutput.error("the workspace " + root + " does not exist here");
    }
    List<String> argv = sandbox(dir);
    argv.addAll(List.of("bash", "-c", command));
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      return ToolOutput.error(
          "the shell is sandboxed with bubblewrap (bwrap), which cannot be run here: install it"
              + " (apt-get install -y bubblewrap); "
              + e.getMessage());
    }
    p.getOutputStream().close();
    Output out = new Output(p.getInputStream(), maxOutputChars);
    Thread reader = new Thread(out, "beamllm-bash-output");
    reader.setDaemon(true);
    reader.start();
    boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(2_000);
    String text = out.text();
    String lead = text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    if (!done) {
      return ToolOutput.error(lead + "killed after " + timeout.toSeconds() + " s");
    }
    int code = p.exitValue();
    String result = lead + "exit code " + code;
    return code == 0 ? ToolOutput.text(result) : ToolOutput.error(result);
  }

  /** bwrap's arguments: what the command sees. */
  private List<String> sandbox(Path dir) {
    List<String> a = new ArrayList<>();
    a.add(BWRAP);
    for (String system : List.of("/usr", "/bin", "/lib", "/lib64", "/sbin")) {
      a.addAll(List.of("--ro-bind-try", system, system));
    }
    a.addAll(List.of("--bind", dir.toString(), "/work", "--chdir", "/work"));
    a.addAll(List.of("--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"));
    a.addAll(List.of("--unshare-all", "--die-with-parent", "--new-session"));
    if (network) {
      a.add("--share-net");
      a.addAll(List.of("--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf"));
    }
    a.addAll(
        List.of("--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work"));
    return a;
  }

  /** Reads a process's output, keeping at most a limit and saying how much was cut. */
  private static final class Output implements Runnable {
    private final InputStream in;
    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    Output(InputStream in, int max) {
      this.in = in;
      this.max = max;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (this) {
            int room = (int) Math.max(0, max * 4L - kept.size());
            kept.write(buf, 0, Math.min(n, room));
            total += n;
          }
        }
      } catch (IOException ignored) {
        // the process was killed: what was read is kept
      }
    }

    synchronized String text() {
      String s = kept.toString(StandardCharsets.UTF_8);
      if (s.length() > max) {
        return s.substring(0, max) + "\n[output cut: " + total + " bytes in all]";
      }
      return total > kept.size() ? s + "\n[output cut: " + total + " bytes in all]" : s;
    }
  }

  @Override
  public String toString() {
    return "BashTool{"
        + name
        + " in "
        + root
        + ", timeout "
        + timeout
        + (network ? ", network" : "")
        + "}";
  }
}

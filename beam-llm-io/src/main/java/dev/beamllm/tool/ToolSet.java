package dev.beamllm.tool;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tools an agent may use, and how their calls run: the calls of one turn in parallel, at most
 * {@link #maxParallel()} at a time, each within {@link #callTimeout()}. Every call ends as a {@link
 * ToolResult} in the provider-neutral shape the adapters send back: a result, or an error the model
 * reads (an unknown tool, arguments that do not fit, a failure, a timeout). Immutable and
 * serializable.
 */
public final class ToolSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Calls of one turn running at once, unless set. */
  public static final int DEFAULT_MAX_PARALLEL = 8;

  /** How long one call may take, unless set. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  private final Map<String, ExecutableTool> tools;
  private final int maxParallel;
  private final Duration callTimeout;

  private ToolSet(Map<String, ExecutableTool> tools, int maxParallel, Duration callTimeout) {
    this.tools = tools;
    this.maxParallel = maxParallel;
    this.callTimeout = callTimeout;
  }

  /**
   * A set of tools.
   *
   * @throws IllegalArgumentException when two have the same name
   */
  public static ToolSet of(ExecutableTool... tools) {
    return of(Arrays.asList(tools));
  }

  /** A set of tools; see {@link #of(ExecutableTool...)}. */
  public static ToolSet of(List<? extends ExecutableTool> tools) {
    return new ToolSet(index(List.of(), tools), DEFAULT_MAX_PARALLEL, DEFAULT_CALL_TIMEOUT);
  }

  /** This set and more tools; names must stay unique. */
  public ToolSet plus(List<? extends ExecutableTool> more) {
    return new ToolSet(index(List.copyOf(tools.values()), more), maxParallel, callTimeout);
  }

  /** This set and another's tools (this set's settings); names must stay unique. */
  public ToolSet plus(ToolSet other) {
    return plus(List.copyOf(other.tools.values()));
  }

  /** At most {@code n} calls of one turn at once (≥ 1). */
  public ToolSet withMaxParallel(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxParallel must be at least 1, not " + n);
    }
    return new ToolSet(tools, n, callTimeout);
  }

  /** How long one call may take before it ends as an error result (positive). */
  public ToolSet withCallTimeout(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("callTimeout must be positive, not " + timeout);
    }
    return new ToolSet(tools, maxParallel, timeout);
  }

  /** Calls of one turn running at once. */
  public int maxParallel() {
    return maxParallel;
  }

  /** How long one call may take. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** The definitions sent to the model, in the order the tools were given. */
  public List<Tool> definitions() {
    List<Tool> out = new ArrayList<>();
    for (ExecutableTool t : tools.values()) {
      out.add(t.definition());
    }
    return List.copyOf(out);
  }

  /** The tool of that name. */
  public Optional<ExecutableTool> get(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** Lets go of what every tool holds in this JVM ({@link ExecutableTool#release()}). */
  public void release() {
    tools.values().forEach(ExecutableTool::release);
  }

  /** Whether the set has no tool. */
  public boolean isEmpty() {
    return tools.isEmpty();
  }

  /**
   * Runs one turn's calls, at most {@link #maxParallel()} at once; the results come in the calls'
   * order. Never completes exceptionally.
   */
  public CompletableFuture<List<ToolResult>> run(List<ToolCall> calls) {
    ToolResult[] results = new ToolResult[calls.size()];
    CompletableFuture<List<ToolResult>> done = new CompletableFuture<>();
    if (calls.isEmpty()) {
      done.complete(List.of());
      return done;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(calls.size());
    Runnable[] startNext = new Runnable[1];
    startNext[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= calls.size()) {
            return;
          }
          run(calls.get(i))
              .thenAccept(
                  r -> {
                    results[i] = r;
                    if (left.decrementAndGet() == 0) {
                      done.complete(List.of(results));
                    } else {
                      startNext[0].run();
                    }
                  });
        };
    for (int k = 0; k < Math.min(maxParallel, calls.size()); k++) {
      startNext[0].run();
    }
    return done;
  }

  /** Runs one call. Never completes exceptionally. */
  public CompletableFuture<ToolResult> run(ToolCall call) {
    ExecutableTool tool = tools.get(call.name());
    if (tool == null) {
      return CompletableFuture.completedFuture(
          ToolOutput.error(
                  "there is no tool named '" + call.name() + "'; the tools are " + tools.keySet())
              .toResult(call));
    }
    CompletableFuture<ToolOutput> running;
    try {
      running = Objects.requireNonNull(tool.call(call.arguments()), "the tool returned null");
    } catch (RuntimeException e) {
      running = CompletableFuture.failedFuture(e);
    }
    return running
        .orTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (output, error) -> {
              if (error == null) {
                return output.toResult(call);
              }
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              if (cause instanceof TimeoutException) {
                return ToolOutput.error(
                        "tool '"
                            + call.name()
                            + "' timed out after "
                            + callTimeout.toMillis()
                            + " ms")
                    .toResult(call);
              }
              return ToolArguments.failure(call.name(), cause).toResult(call);
            });
  }

  private static Map<String, ExecutableTool> index(
      List<ExecutableTool> first, List<? extends ExecutableTool> more) {
    Map<String, ExecutableTool> byName = new LinkedHashMap<>();
    List<ExecutableTool> all = new ArrayList<>(first);
    all.addAll(more);
    for (ExecutableTool t : all) {
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
      }
    }
    return java.util.Collections.unmodifiableMap(byName);
  }
}

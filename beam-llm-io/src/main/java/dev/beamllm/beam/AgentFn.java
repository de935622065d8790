package dev.beamllm.beam;

import dev.beamllm.client.AgentLoop;
import dev.beamllm.client.AgentResult;
import dev.beamllm.client.ClientConfig;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.ToolSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Runs each element's agent loop through the JVM's shared client, many loops in flight per thread:
 * no thread waits while a model or a tool works (see {@link BundleInFlight}). A loop that ends with
 * an answer is a result; one that fails is a failure naming its turn.
 */
final class AgentFn extends SharedClientFn<LlmRequest, LlmRequest, AgentResult, AgentResult> {
  private static final long serialVersionUID = 1L;

  private final ToolSet tools;
  private final SerializableFunction<LlmRequest, ToolSet> toolsPerRow;
  private final int maxTurns;
  private final TupleTag<AgentResult> results;
  private final TupleTag<LlmFailure> failures;

  AgentFn(
      String transformId,
      ClientConfig config,
      SerializableFunction<ClientConfig, LlmService> clientFactory,
      ToolSet tools,
      SerializableFunction<LlmRequest, ToolSet> toolsPerRow,
      int maxTurns,
      TupleTag<AgentResult> results,
      TupleTag<LlmFailure> failures) {
    super(transformId, config, clientFactory);
    this.tools = tools;
    this.toolsPerRow = toolsPerRow;
    this.maxTurns = maxTurns;
    this.results = results;
    this.failures = failures;
  }

  /** Starts one loop; emits the loops finished for this element's window and timestamp. */
  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window) throws InterruptedException {
    LlmRequest request = c.element();
    metrics.requests.inc();
    for (var d : work.started(request, loop(request), c.timestamp(), window)) {
      if (emitsResult(d)) {
        c.output(d.result());
      } else {
        c.output(failures, failure(d));
      }
    }
    reportClient();
  }

  /** Lets go of what the tools hold (MCP clients), then of the shared client. */
  @Override
  public void teardown() {
    tools.release();
    super.teardown();
  }

  /** Waits for the bundle's last loops and emits them with their own windows and timestamps. */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    for (var d : work.finish()) {
      if (emitsResult(d)) {
        c.output(results, d.result(), d.timestamp(), d.window());
      } else {
        c.output(failures, failure(d), d.timestamp(), d.window());
      }
    }
    reportClient();
  }

  /** Starts a row's loop, with its own tools when the transform makes them per row. */
  private CompletableFuture<AgentResult> loop(LlmRequest request) {
    if (toolsPerRow == null) {
      return AgentLoop.run(r -> client.start(r, Set.of()), request, tools, maxTurns);
    }
    ToolSet mine;
    ToolSet all;
    try {
      mine = toolsPerRow.apply(request);
      all = tools.plus(mine);
    } catch (RuntimeException e) {
      ApiResponse refused =
          ApiResponse.failure(
              "",
              ApiError.of(ErrorKind.INVALID_INPUT, "the row's tools could not be made: " + e),
              0);
      return CompletableFuture.completedFuture(
          new AgentResult(request.conversation(), refused, 1, 0, 0, Usage.ZERO, 0, Usage.ZERO, 0));
    }
    // Only the row's own tools are released: the shared ones live as long as this instance.
    return AgentLoop.run(r -> client.start(r, Set.of()), request, all, maxTurns)
        .whenComplete((r, e) -> mine.release());
  }

  /** Counts a row's loop in the metrics; whether it ended with an answer. */
  private boolean emitsResult(BundleInFlight.Done<LlmRequest, AgentResult> d) {
    AgentResult r = d.result();
    metrics.attempts.inc(r.attempts());
    if (r.isError()) {
      metrics.failed();
      return false;
    }
    // What this run paid for the row: every turn the provider answered, not only the last.
    metrics.answered(r.last().toBuilder().setUsage(r.paidUsage()).setCost(r.paidCost()).build());
    return true;
  }

  private static LlmFailure failure(BundleInFlight.Done<LlmRequest, AgentResult> d) {
    AgentResult r = d.result();
    return LlmFailure.of(d.input(), r.error().orElseThrow(), r.last().attempts(), r.last().model())
        .withTurn(r.failedTurn());
  }
}

package dev.beamllm.client;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.SamplingParams;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.Tool;
import java.util.List;
import java.util.Map;

/**
 * The second step of each attempt: estimates the tokens a request reserves on its model and queues
 * it with the {@link Scheduler}, which starts it when the limits allow. A request that needs more
 * tokens than the client may spend in a minute is refused here, as no wait would ever admit it.
 */
final class Admit {
  private final Scheduler scheduler;
  private final long tokensPerMinute;
  private final List<Tool> tools;
  private final TokenCalibration calibration = new TokenCalibration();

  /** A learnt ratio that grows by more than this re-prices the reservations in flight. */
  private static final double RESCALE_STEP = 0.02;

  /**
   * @param tokensPerMinute the client's token limit, or 0 for none
   * @param tools the tools sent with every request, whose definitions count as input
   */
  Admit(Scheduler scheduler, long tokensPerMinute, List<Tool> tools) {
    this.scheduler = scheduler;
    this.tokensPerMinute = tokensPerMinute;
    this.tools = tools;
  }

  /** The error of a request that the client's closing stopped before it was sent. */
  static ApiError closed() {
    return ApiError.of(
        ErrorKind.CANCELLED, "the client was closed before the request could be sent");
  }

  /**
   * The tokens to reserve for a request on a model: its input, estimated once per model and scaled
   * by what the model's provider has been charging against such estimates ({@link
   * TokenCalibration}), and its output limit there.
   *
   * @param inputTokens the request's input estimates by model (before scaling); a new estimate is
   *     added
   */
  long tokens(
      LlmRequest request,
      String model,
      ModelSpec spec,
      SamplingParams params,
      Map<String, Long> inputTokens) {
    long estimate = inputTokens.computeIfAbsent(model, k -> estimateInput(request, spec));
    return calibration.reserve(model, estimate) + maxOutput(spec, params);
  }

  /** The output limit of a request on a model: its own, capped at the model's maximum. */
  static int maxOutput(ModelSpec spec, SamplingParams params) {
    return spec.maxOutputTokens() > 0
        ? Math.min(params.maxNewTokens(), spec.maxOutputTokens())
        : params.maxNewTokens();
  }

  /** The tools a request offers: its own, or the client's. */
  List<Tool> toolsOf(LlmRequest request) {
    return request.toolsOr(tools);
  }

  private long estimateInput(LlmRequest request, ModelSpec spec) {
    long n = TokenCounter.estimate(request.conversation(), spec.wireFormat().imageRule());
    for (Tool t : toolsOf(request)) {
      n += TokenCounter.count(t.name()) + TokenCounter.count(t.parametersJson());
    }
    return n;
  }

  /**
   * Learns from an answer how the model's provider counts a prompt estimated at {@code estimate}.
   */
  void answered(String model, ModelSpec spec, long estimate, Usage usage) {
    double before = calibration.ratio(model);
    calibration.learn(model, spec, estimate, usage);
    double after = calibration.ratio(model);
    if (after > before * (1 + RESCALE_STEP)) {
      scheduler.rescale(model, after / before);
    }
  }

  /** The ratio of what a model's provider charges to the client's estimates, 1 until it answers. */
  double calibration(String model) {
    return calibration.ratio(model);
  }

  /**
   * Queues a job whose tokens and submission time are set; returns null, or the error that ends its
   * request: too large to ever be admitted, or the client closed.
   */
  ApiError submit(Scheduler.Job job) {
    if (tokensPerMinute > 0 && job.tokens() > tokensPerMinute) {
      return ApiError.of(
          ErrorKind.TOO_LARGE,
          "the request needs "
              + job.tokens()
              + " tokens (input + max_new_tokens) but the limit is "
              + tokensPerMinute
              + " tokens per minute: it can never be sent");
    }
    try {
      scheduler.submit(job);
      return null;
    } catch (IllegalStateException closed) {
      return closed();
    }
  }
}

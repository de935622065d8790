package dev.beamllm.client;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.ToolCall;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import dev.beamllm.response.Usage;
import dev.beamllm.tool.ToolSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One agent loop: ask the model, run the tools it calls, send their results back, until it answers
 * without calling a tool or the turns run out (a turn the provider paused, Anthropic's {@code
 * pause_turn}, is sent back to go on). Every turn is an ordinary request of the client (scheduler,
 * limits, retries, cache: a replayed loop pays nothing for the turns already cached). The turns
 * after the first prefer the model that answered the first, so its thinking signatures stay valid.
 * No thread waits: each step runs when the previous one completes. {@link LlmClient#runAgentLoop}
 * runs one on a client; {@link #run} on any way of sending a request (a Beam worker's shared
 * client).
 */
public final class AgentLoop {
  /**
   * Anthropic's stop reason for a turn it paused while running its server tools (web search): the
   * answer so far must be sent back for the model to go on.
   */
  static final String PAUSE_TURN = "pause_turn";

  private final Function<LlmRequest, CompletableFuture<ApiResponse>> send;
  private final LlmRequest request;
  private final ToolSet tools;
  private final int maxTurns;
  private final CompletableFuture<AgentResult> result = new CompletableFuture<>();
  private Usage usage = Usage.ZERO;
  private double cost;
  private int toolCalls;
  private int attempts;
  private Usage paidUsage = Usage.ZERO;
  private double paidCost;

  /**
   * Runs an agent loop whose turns {@code send} starts (its futures complete with an answer or an
   * error, never exceptionally); see {@link LlmClient#runAgentLoop}.
   *
   * @param maxTurns the most model turns, at least 1
   */
  public static CompletableFuture<AgentResult> run(
      Function<LlmRequest, CompletableFuture<ApiResponse>> send,
      LlmRequest request,
      ToolSet tools,
      int maxTurns) {
    return new AgentLoop(send, request, tools, maxTurns).start();
  }

  private AgentLoop(
      Function<LlmRequest, CompletableFuture<ApiResponse>> send,
      LlmRequest request,
      ToolSet tools,
      int maxTurns) {
    if (maxTurns < 1) {
      throw new IllegalArgumentException("maxTurns must be at least 1, not " + maxTurns);
    }
    this.send = send;
    this.request = request.withTools(tools.definitions());
    this.tools = tools;
    this.maxTurns = maxTurns;
  }

  private CompletableFuture<AgentResult> start() {
    turn(1, request);
    return result;
  }

  private void turn(int turn, LlmRequest r) {
    CompletableFuture<ApiResponse> answer;
    try {
      answer = send.apply(r);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, error) -> {
          try {
            if (error != null) {
              end(
                  r.conversation(),
                  ApiResponse.failure(
                      r.model().orElse(""),
                      ApiError.of(ErrorKind.INVALID_RESPONSE, "the turn failed: " + error),
                      0),
                  turn);
              return;
            }
            answered(turn, r, response);
          } catch (RuntimeException e) {
            if (!result.isDone()) {
              result.completeExceptionally(e);
            }
          }
        });
  }

  private void answered(int turn, LlmRequest r, ApiResponse response) {
    usage = usage.plus(response.usage());
    cost += response.cost();
    if (!response.cacheHit()) {
      attempts += response.attempts();
      paidUsage = paidUsage.plus(response.usage());
      paidCost += response.cost();
    }
    if (response.isError()) {
      end(r.conversation(), response, turn);
      return;
    }
    Conversation so = r.conversation().add(response.message());
    List<ToolCall> calls = response.toolCalls();
    boolean paused = calls.isEmpty() && PAUSE_TURN.equals(response.finishReason().orElse(null));
    if (calls.isEmpty() && !paused) {
      end(so, response, turn);
      return;
    }
    if (turn >= maxTurns) {
      ApiError tooMany =
          ApiError.of(
              ErrorKind.MAX_TURNS,
              (paused
                      ? "the provider still paused the turn after "
                      : "the model still called tools after ")
                  + maxTurns
                  + " turn"
                  + (maxTurns == 1 ? "" : "s")
                  + " (max turns)");
      end(so, response.toBuilder().setError(tooMany).build(), turn);
      return;
    }
    toolCalls += calls.size();
    LlmRequest next =
        r.model().isPresent() || r.preferredModel().isPresent()
            ? r
            : r.withPreferredModel(response.model());
    if (paused) {
      // The provider paused a long turn of its own tools: the answer so far goes back as it is,
      // and the model carries on from it.
      turn(turn + 1, next.withConversation(so));
      return;
    }
    tools
        .run(calls)
        .whenComplete(
            (results, error) -> {
              LlmRequest following;
              try {
                if (error != null) {
                  throw new IllegalStateException(error);
                }
                following = next.withConversation(so.add(Message.toolResults(results)));
              } catch (RuntimeException e) {
                // A tool set that broke its promise never to fail must not leave the loop open.
                ApiError broken =
                    ApiError.of(ErrorKind.TOOL, "the tools of turn " + turn + " failed: " + e);
                end(so, response.toBuilder().setError(broken).build(), turn);
                return;
              }
              turn(turn + 1, following);
            });
  }

  private void end(Conversation conversation, ApiResponse last, int turn) {
    result.complete(
        new AgentResult(
            conversation, last, turn, toolCalls, attempts, usage, cost, paidUsage, paidCost));
  }
}

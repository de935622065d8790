package dev.beamllm.beam;

import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import java.util.Optional;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * A judgement's answer as its {@link Score} ({@link YesNo} reads it), or, when the answer is
 * neither yes nor no, an {@code INVALID_OUTPUT} failure of the request that was sent, with the
 * answer.
 */
final class ReadScoreFn extends DoFn<ApiResponse, Score> {
  private static final long serialVersionUID = 1L;

  private final Counter unreadable = LlmMetrics.unreadableAnswers();

  private final ScorePrompt prompt;
  private final TupleTag<Score> scores;
  private final TupleTag<LlmFailure> failures;

  ReadScoreFn(ScorePrompt prompt, TupleTag<Score> scores, TupleTag<LlmFailure> failures) {
    this.prompt = prompt;
    this.scores = scores;
    this.failures = failures;
  }

  @ProcessElement
  public void process(@Element ApiResponse answer, MultiOutputReceiver out) {
    String id = answer.conversationId().orElse(null);
    Optional<Boolean> yes = YesNo.answer(answer.completion());
    if (yes.isEmpty()) {
      unreadable.inc();
      LlmMetrics.localAnswerFailed();
      out.get(failures)
          .output(
              LlmFailure.of(
                      prompt.request(id, HelperCarry.text(answer)),
                      ApiError.of(ErrorKind.INVALID_OUTPUT, "the answer is neither yes nor no"),
                      answer.attempts(),
                      answer.model())
                  .withAnswer(answer.completion()));
      return;
    }
    Optional<Double> p = YesNo.probability(answer.logprobs());
    out.get(scores)
        .output(
            Score.of(
                id,
                yes.get(),
                p.orElse(yes.get() ? 1.0 : 0.0),
                p.isPresent(),
                answer.model(),
                answer.cost()));
  }
}

package dev.beamllm.beam;

import dev.beamllm.client.LlmRequest;
import dev.beamllm.extract.CheckedAnswer;
import dev.beamllm.extract.JsonBinding;
import dev.beamllm.extract.RepairTurn;
import dev.beamllm.extract.SchemaValidator;
import dev.beamllm.response.ApiError;
import dev.beamllm.response.ApiResponse;
import dev.beamllm.response.ErrorKind;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Checks an extraction's answers against the schema: a valid one becomes its row (keyed by the
 * conversation's id); an invalid one becomes the repair turn's request after the first turn, or an
 * {@code INVALID_OUTPUT} failure holding the answer and its errors after the repair turn. Each
 * output keeps its answer's window and timestamp.
 *
 * @param <T> the row type: the class read into, or String for the JSON itself
 */
final class CheckAnswerFn<T> extends DoFn<ApiResponse, KV<String, T>> {
  private static final long serialVersionUID = 1L;

  private final SchemaValidator validator;
  private final @Nullable JsonBinding<T> binding;
  private final int turn;
  private final boolean lastTurn;
  private final TupleTag<KV<String, T>> rows;
  private final TupleTag<LlmRequest> repairs;
  private final TupleTag<LlmFailure> failures;
  private final Counter checks = Metrics.counter(LlmMetrics.NAMESPACE, "extract_checks");
  private final Counter extracted = Metrics.counter(LlmMetrics.NAMESPACE, "extracted");
  private final Counter repairTurns = Metrics.counter(LlmMetrics.NAMESPACE, "repair_turns");
  private final Counter invalid = Metrics.counter(LlmMetrics.NAMESPACE, "invalid_outputs");

  /**
   * @param binding reads valid JSON into a {@code T}; null when {@code T} is String (the JSON)
   * @param turn the model turn checked: 1, or 2 for the repair turn
   * @param lastTurn whether an invalid answer fails (else it goes to {@code repairs})
   */
  CheckAnswerFn(
      SchemaValidator validator,
      @Nullable JsonBinding<T> binding,
      int turn,
      boolean lastTurn,
      TupleTag<KV<String, T>> rows,
      TupleTag<LlmRequest> repairs,
      TupleTag<LlmFailure> failures) {
    this.validator = validator;
    this.binding = binding;
    this.turn = turn;
    this.lastTurn = lastTurn;
    this.rows = rows;
    this.repairs = repairs;
    this.failures = failures;
  }

  @ProcessElement
  public void process(@Element ApiResponse answer, MultiOutputReceiver out) {
    ExtractCarry.Row row = ExtractCarry.of(answer);
    LlmRequest original = row.original();
    int attempts = row.priorAttempts() + answer.attempts();
    CheckedAnswer checked = validator.check(answer.completion());
    checks.inc();
    if (checked.isValid()) {
      String json = checked.validJson().get();
      T value;
      try {
        value = binding == null ? cast(json) : binding.read(json);
      } catch (IllegalArgumentException e) {
        // Valid for the schema yet not for the class (a schema string that does not match it):
        // the model cannot repair that, so it fails at once.
        invalid.inc();
        LlmMetrics.localAnswerFailed();
        out.get(failures)
            .output(
                failure(original, answer, attempts, e.getMessage())
                    .withAnswer(answer.completion()));
        return;
      }
      extracted.inc();
      out.get(rows).output(KV.of(original.id().orElse(null), value));
      return;
    }
    if (!lastTurn) {
      repairTurns.inc();
      LlmMetrics.localAnswerReopened();
      out.get(repairs)
          .output(
              ExtractCarry.attach(
                  original,
                  RepairTurn.of(original.conversation(), checked),
                  validator.schemaJson(),
                  attempts));
      return;
    }
    invalid.inc();
    LlmMetrics.localAnswerFailed();
    out.get(failures)
        .output(
            failure(
                    original,
                    answer,
                    attempts,
                    (turn > 1 ? "still invalid after the repair turn: " : "invalid answer: ")
                        + String.join("; ", checked.errors()))
                .withAnswer(answer.completion()));
  }

  private LlmFailure failure(LlmRequest original, ApiResponse answer, int attempts, String why) {
    return LlmFailure.of(
            original, ApiError.of(ErrorKind.INVALID_OUTPUT, why), attempts, answer.model())
        .withTurn(turn);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(String json) {
    return (T) json;
  }
}

package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.beam.Classification;
import dev.beamllm.beam.ClassifyResult;
import dev.beamllm.beam.LlmFailure;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.Score;
import dev.beamllm.beam.ScoreResult;
import dev.beamllm.beam.TextInputCoder;
import dev.beamllm.beam.TranslateResult;
import dev.beamllm.beam.Translation;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import dev.beamllm.prompt.internal.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The job's ready helpers on each row's text (its user messages): {@code --task=translate
 * --targetLanguage=fr} ({@link LlmIO#translate}: a row already in the language is kept unsent),
 * {@code --task=classify --classLabels=a,b,c} ({@link LlmIO#classify}) and {@code --task=score
 * --question=...} ({@link LlmIO#score}), each through the job's client (models, limits, retries,
 * checkpoint); a line per row, the failures beside the unreadable rows.
 */
final class HelperTask {
  private HelperTask() {}

  /** What the job asks for. */
  enum Kind {
    TRANSLATE,
    CLASSIFY,
    SCORE
  }

  /** The helper the options ask for, or null for another task. */
  static Kind wanted(BatchInferenceOptions o) {
    return switch (o.getTask().trim().toLowerCase(Locale.ROOT)) {
      case "translate" -> Kind.TRANSLATE;
      case "classify" -> Kind.CLASSIFY;
      case "score" -> Kind.SCORE;
      default -> null;
    };
  }

  /** Checks the helpers' flags against the task, before anything is read or sent. */
  static void check(BatchInferenceOptions o) {
    Kind kind = wanted(o);
    refuseUnless(kind == Kind.TRANSLATE, "targetLanguage", o.getTargetLanguage(), "translate");
    refuseUnless(kind == Kind.CLASSIFY, "classLabels", o.getClassLabels(), "classify");
    refuseUnless(kind == Kind.SCORE, "question", o.getQuestion(), "score");
    if (kind == null) {
      return;
    }
    if (o.getMcpServers() != null || o.getBuiltinTools() != null) {
      throw new JobSettings.BadSetting(
          o.getMcpServers() != null ? "mcpServers" : "builtinTools",
          "does not apply to --task=" + o.getTask().trim());
    }
    switch (kind) {
      case TRANSLATE -> translate(o);
      case CLASSIFY -> classify(o);
      case SCORE -> score(o);
    }
  }

  private static void refuseUnless(boolean applies, String option, String value, String task) {
    if (!applies && value != null) {
      throw new JobSettings.BadSetting(option, "applies to --task=" + task + " only");
    }
  }

  private static dev.beamllm.beam.TranslateTexts translate(BatchInferenceOptions o) {
    if (o.getTargetLanguage() == null) {
      throw new JobSettings.BadSetting(
          "targetLanguage", "--task=translate needs --targetLanguage=CODE (ISO 639-1, e.g. fr)");
    }
    try {
      return LlmIO.translate(o.getTargetLanguage());
    } catch (IllegalArgumentException e) {
      throw new JobSettings.BadSetting("targetLanguage", message(e));
    }
  }

  private static dev.beamllm.beam.ClassifyTexts classify(BatchInferenceOptions o) {
    if (o.getClassLabels() == null) {
      throw new JobSettings.BadSetting(
          "classLabels", "--task=classify needs --classLabels=A,B,C, the labels to choose from");
    }
    List<String> labels =
        Arrays.stream(o.getClassLabels().split(",", -1)).map(String::strip).toList();
    try {
      return LlmIO.classify(labels);
    } catch (IllegalArgumentException e) {
      throw new JobSettings.BadSetting("classLabels", message(e));
    }
  }

  private static dev.beamllm.beam.ScoreTexts score(BatchInferenceOptions o) {
    if (o.getQuestion() == null) {
      throw new JobSettings.BadSetting(
          "question", "--task=score needs --question=TEXT, a yes/no question about each row");
    }
    try {
      return LlmIO.score(o.getQuestion());
    } catch (IllegalArgumentException e) {
      throw new JobSettings.BadSetting("question", message(e));
    }
  }

  /** The message without the library's own option name before the colon. */
  private static String message(IllegalArgumentException e) {
    String m = e.getMessage();
    int colon = m.indexOf(": ");
    return colon < 0 ? m : m.substring(colon + 2);
  }

  /** What a helper puts out: a line per row that got a result, and the failures. */
  record Output(PCollection<String> lines, PCollection<LlmFailure> failures) {}

  /** Runs the helper of the options over the rows' texts with the job's client. */
  static Output apply(
      PCollection<LlmRequest> rows, LlmIO.Complete client, BatchInferenceOptions o) {
    PCollection<TextInput> texts =
        rows.apply(
                "Texts", MapElements.into(TypeDescriptor.of(TextInput.class)).via(EmbedTask::text))
            .setCoder(TextInputCoder.of());
    switch (wanted(o)) {
      case TRANSLATE -> {
        TranslateResult r = texts.apply("LlmIO", translate(o).withClient(client));
        return new Output(
            r.translations()
                .apply(
                    "Translation lines",
                    MapElements.into(TypeDescriptors.strings()).via(HelperTask::line)),
            r.failures());
      }
      case CLASSIFY -> {
        ClassifyResult r = texts.apply("LlmIO", classify(o).withClient(client));
        return new Output(
            r.classifications()
                .apply(
                    "Label lines",
                    MapElements.into(TypeDescriptors.strings()).via(HelperTask::line)),
            r.failures());
      }
      default -> {
        ScoreResult r = texts.apply("LlmIO", score(o).withClient(client));
        return new Output(
            r.scores()
                .apply(
                    "Score lines",
                    MapElements.into(TypeDescriptors.strings()).via(HelperTask::line)),
            r.failures());
      }
    }
  }

  /** id, text, source and target language, whether sent, model, cost. */
  static String line(Translation t) {
    ObjectNode o = Json.object();
    o.put("id", t.getId());
    o.put("text", t.getText());
    o.put("source_language", t.getSourceLanguage());
    o.put("target_language", t.getTargetLanguage());
    o.put("sent", t.isSent());
    o.put("model", t.getModel());
    o.put("cost_usd", t.getCost());
    return Json.write(o);
  }

  /** id and label. */
  static String line(Classification c) {
    return Json.write(Json.object().put("id", c.getId()).put("label", c.getLabel()));
  }

  /** id, yes or no, P(yes), whether from log-probabilities, model, cost. */
  static String line(Score s) {
    ObjectNode o = Json.object();
    o.put("id", s.getId());
    o.put("answer", s.isYes() ? "yes" : "no");
    o.put("probability_yes", s.getProbabilityYes());
    o.put("from_logprobs", s.isFromLogprobs());
    o.put("model", s.getModel());
    o.put("cost_usd", s.getCost());
    return Json.write(o);
  }
}

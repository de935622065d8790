package dev.beamllm.pipelines.infer;

import dev.beamllm.beam.EmbedResult;
import dev.beamllm.beam.EmbedTexts;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.beam.TextInputCoder;
import dev.beamllm.client.Limits;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.client.TextInput;
import dev.beamllm.model.ModelKind;
import dev.beamllm.model.ModelRegistry;
import dev.beamllm.model.ModelSpec;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Role;
import dev.beamllm.provider.EmbeddingRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * The job's {@code --task=embed} ({@code ./run.sh embed}): each row's text (its user messages) is
 * embedded with the one embedding model of {@code --models}, under the job's limits, retries and
 * checkpoint; a line per vector, the failures beside the unreadable rows.
 */
final class EmbedTask {
  private EmbedTask() {}

  /** Whether the options ask for embeddings; refuses a task the job does not know. */
  static boolean wanted(BatchInferenceOptions o) {
    String task = o.getTask().trim().toLowerCase(Locale.ROOT);
    if (!List.of("complete", "embed", "extract", "translate", "classify", "score").contains(task)) {
      throw new JobSettings.BadSetting(
          "task",
          "must be complete, embed, extract, translate, classify or score, got '"
              + o.getTask()
              + "'");
    }
    return task.equals("embed");
  }

  /** Checks what embedding needs of the flags, before anything is read or sent. */
  static void check(BatchInferenceOptions o) {
    boolean embed = wanted(o);
    if (!embed) {
      if (o.getDimensions() != null || o.getInputType() != null) {
        throw new JobSettings.BadSetting(
            o.getDimensions() != null ? "dimensions" : "inputType", "applies to --task=embed only");
      }
      return;
    }
    if (JobSettings.models(o).size() != 1) {
      throw new JobSettings.BadSetting("models", "--task=embed takes one embedding model");
    }
    if (o.getDimensions() != null && o.getDimensions() < 1) {
      throw new JobSettings.BadSetting(
          "dimensions", "must be at least 1, got " + o.getDimensions());
    }
    inputType(o);
    if (o.getMcpServers() != null || o.getBuiltinTools() != null) {
      throw new JobSettings.BadSetting(
          o.getMcpServers() != null ? "mcpServers" : "builtinTools",
          "does not apply to --task=embed");
    }
    if (!o.getMode().trim().equalsIgnoreCase("online")) {
      throw new JobSettings.BadSetting("mode", "--task=embed runs online");
    }
  }

  /** Refuses a model of --models that is not an embedding model. */
  static void checkModel(ModelRegistry registry, String model) {
    ModelSpec spec = registry.lookup(model);
    if (spec.kind() != ModelKind.EMBEDDING) {
      String known =
          registry.models().stream()
              .filter(m -> m.kind() == ModelKind.EMBEDDING)
              .map(ModelSpec::id)
              .sorted()
              .collect(Collectors.joining(", "));
      throw new JobSettings.BadSetting(
          "models", "'" + model + "' is not an embedding model; embedding models: " + known);
    }
  }

  private static EmbeddingRequest.InputType inputType(BatchInferenceOptions o) {
    if (o.getInputType() == null) {
      return null;
    }
    return switch (o.getInputType().trim().toLowerCase(Locale.ROOT)) {
      case "query" -> EmbeddingRequest.InputType.QUERY;
      case "document" -> EmbeddingRequest.InputType.DOCUMENT;
      default ->
          throw new JobSettings.BadSetting(
              "inputType", "must be query or document, got '" + o.getInputType() + "'");
    };
  }

  /** The text of a row: its user messages' text, one after the other. */
  static TextInput text(LlmRequest row) {
    String text =
        row.conversation().messages().stream()
            .filter(m -> m.role() == Role.USER)
            .map(Message::text)
            .collect(Collectors.joining("\n"));
    return new TextInput(row.id().orElse(null), text);
  }

  /** The embedding transform of the job's flags. */
  static EmbedTexts transform(BatchInferenceOptions o, ModelRegistry registry, String store) {
    EmbedTexts io =
        LlmIO.embed(JobSettings.models(o).get(0))
            .withRegistry(registry)
            .withLimits(new Limits(o.getRpm(), o.getTpm(), o.getMaxConcurrent()))
            .withNumWorkers(o.getLimitShares())
            .withMaxAttempts(o.getMaxAttempts())
            .withRequestTimeout(Duration.ofMillis((long) (o.getRequestTimeout() * 1000)));
    if (o.getDimensions() != null) {
      io = io.withDimensions(o.getDimensions());
    }
    EmbeddingRequest.InputType type = inputType(o);
    if (type != null) {
      io = io.withInputType(type);
    }
    if (o.getSharedLimits() != null) {
      io = io.withSharedLimits(o.getSharedLimits());
    }
    if (store != null) {
      io = io.withCache(dev.beamllm.cache.ResponseCache.at(store));
    }
    return io;
  }

  /** Embeds the rows; returns the embedding lines and the failure lines. */
  static List<PCollection<String>> apply(PCollection<LlmRequest> rows, EmbedTexts io) {
    EmbedResult result =
        rows.apply(
                "Texts", MapElements.into(TypeDescriptor.of(TextInput.class)).via(EmbedTask::text))
            .setCoder(TextInputCoder.of())
            .apply("LlmIO", io);
    return List.of(
        result
            .embeddings()
            .apply(
                "Embedding lines",
                MapElements.into(org.apache.beam.sdk.values.TypeDescriptors.strings())
                    .via(OutputRows::embedding)),
        result
            .failures()
            .apply(
                "Embedding failure lines",
                MapElements.into(org.apache.beam.sdk.values.TypeDescriptors.strings())
                    .via(OutputRows::embeddingFailure)));
  }
}

package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.beam.ExtractResult;
import dev.beamllm.beam.LlmIO;
import dev.beamllm.client.LlmRequest;
import dev.beamllm.extract.SchemaValidator;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The job's {@code --task=extract} ({@code ./run.sh extract --schema schema.json}): each row is
 * answered as JSON that satisfies the schema of {@code --schema}, asked of the models natively and
 * checked, an invalid answer getting one repair turn ({@link LlmIO#extract(String)}); a line per
 * row with its id and the validated object, the rows that stayed invalid among the failures with
 * their last answer.
 */
final class ExtractTask {
  private ExtractTask() {}

  /** Whether the options ask for extraction. */
  static boolean wanted(BatchInferenceOptions o) {
    return o.getTask().trim().toLowerCase(Locale.ROOT).equals("extract");
  }

  /** Checks --schema against the task, before anything is read or sent. */
  static void check(BatchInferenceOptions o) {
    if (!wanted(o)) {
      if (o.getSchema() != null) {
        throw new JobSettings.BadSetting("schema", "applies to --task=extract only");
      }
      return;
    }
    schema(o);
    if (o.getMcpServers() != null || o.getBuiltinTools() != null) {
      throw new JobSettings.BadSetting(
          o.getMcpServers() != null ? "mcpServers" : "builtinTools",
          "does not apply to --task=extract");
    }
  }

  /** The JSON schema of --schema, read and checked: a file holding a JSON schema object. */
  static String schema(BatchInferenceOptions o) {
    if (o.getSchema() == null || o.getSchema().isBlank()) {
      throw new JobSettings.BadSetting(
          "schema", "--task=extract needs --schema=FILE, a JSON schema of each row's answer");
    }
    String text;
    try {
      text = Files.readString(Path.of(o.getSchema()), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new JobSettings.BadSetting(
          "schema", "cannot read '" + o.getSchema() + "' (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return SchemaValidator.of(text).schemaJson();
    } catch (IllegalArgumentException e) {
      // One line: the validator's message may span several.
      throw new JobSettings.BadSetting(
          "schema", "'" + o.getSchema() + "': " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Extracts the rows with the job's client; returns the row lines and the failures. */
  static ExtractResult<String> apply(
      PCollection<LlmRequest> rows, LlmIO.Complete client, String schema) {
    return rows.apply("LlmIO", LlmIO.extract(schema).withClient(client).forRequests());
  }

  /** The lines of the rows: their ids with the validated JSON. */
  static PCollection<String> lines(ExtractResult<String> result) {
    return result
        .rowsWithIds()
        .apply("Row lines", MapElements.into(TypeDescriptors.strings()).via(ExtractTask::line));
  }

  /**
   * A row's line: the validated object with {@code id} first; an answer that is not an object, or
   * that has an {@code id} of its own, goes under {@code value} instead, so nothing is overwritten.
   */
  static String line(KV<String, String> row) {
    JsonNode value = Json.parse(row.getValue());
    ObjectNode o = Json.object();
    o.put("id", row.getKey());
    if (value.isObject() && !value.has("id")) {
      value.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
    } else {
      o.set("value", value);
    }
    return Json.write(o);
  }
}

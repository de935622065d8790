package dev.beamllm.pipelines.dataflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beamllm.pipelines.infer.DryRunTranslator.Translation;
import dev.beamllm.prompt.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.runners.dataflow.options.DataflowPipelineDebugOptions;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.DataflowTemplateJob;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;
import org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Translates a pipeline to the Dataflow job the runner would submit, without contacting Google: the
 * real {@code DataflowRunner} validates the options and translates, with three swaps that Beam's
 * own options allow: no credentials ({@code NoopCredentialFactory}), no bucket checks ({@code
 * NoopPathValidator}), no upload ({@link OfflineStager}); and {@code --templateLocation} a local
 * file, after which the runner writes the job's JSON there and returns instead of calling the
 * Dataflow API.
 */
final class DataflowJobTranslation {
  private DataflowJobTranslation() {}

  /**
   * Makes the options safe offline, before the pipeline (and with it the runner) is created: the
   * runner checks the temporary location's bucket and asks for credentials as it is built.
   */
  static void prepare(PipelineOptions options) {
    DataflowPipelineOptions d = options.as(DataflowPipelineOptions.class);
    // First: every later default (credentials, the GCS client) must see these.
    d.as(GcpOptions.class).setCredentialFactoryClass(NoopCredentialFactory.class);
    d.setPathValidatorClass(NoopPathValidator.class);
    d.as(DataflowPipelineDebugOptions.class).setStagerClass(OfflineStager.class);
    requireOfflineSafe(d);
    // Given, so Beam's default (which asks the bucket for its soft-delete policy) is not computed.
    d.setGcpTempLocation(d.getTempLocation());
    String jobFile = d.getDataflowJobFile();
    Path file;
    try {
      file =
          jobFile != null && !jobFile.isBlank()
              ? Path.of(jobFile).toAbsolutePath()
              : Files.createTempFile("dataflow-job-", ".json");
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--dataflowJobFile: cannot write " + jobFile + ": " + e.getMessage());
    }
    // The runner writes the job's JSON to a template location and stops there.
    d.setDataflowJobFile(null);
    d.setTemplateLocation(file.toString());
    FileSystems.setDefaultPipelineOptions(d);
  }

  static Translation translate(Pipeline pipeline) throws IOException {
    DataflowPipelineOptions d = pipeline.getOptions().as(DataflowPipelineOptions.class);
    Path file = Path.of(d.getTemplateLocation());

    PipelineResult result;
    try {
      result = pipeline.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("DataflowRunner: " + e.getMessage(), e);
    }
    if (!(result instanceof DataflowTemplateJob)) {
      throw new IllegalStateException("the runner did not stop at the job file");
    }
    String json = Files.readString(file, StandardCharsets.UTF_8);
    Map<String, byte[]> generated =
        d.as(DataflowPipelineDebugOptions.class).getStager() instanceof OfflineStager s
            ? s.generated()
            : Map.of();
    return new Translation(summary(d, Json.parse(json), file), json, generated);
  }

  /**
   * The options without which the runner would reach out: a default bucket is created through the
   * API when {@code --tempLocation} is missing, a project looked up when none is given.
   */
  private static void requireOfflineSafe(DataflowPipelineOptions d) {
    if (d.getProject() == null || d.getProject().isBlank()) {
      throw new IllegalArgumentException(
          "--project: required with --runner=DataflowRunner (the Google Cloud project id)");
    }
    if (d.getRegion() == null || d.getRegion().isBlank()) {
      throw new IllegalArgumentException(
          "--region: required with --runner=DataflowRunner (e.g. us-central1, where the workers"
              + " and Memorystore run)");
    }
    String temp = d.getTempLocation();
    if (temp == null || !temp.startsWith("gs://")) {
      throw new IllegalArgumentException(
          "--tempLocation: required with --runner=DataflowRunner, a Cloud Storage path"
              + " (gs://bucket/tmp), got "
              + (temp == null ? "none" : "'" + temp + "'"));
    }
  }

  private static List<String> summary(DataflowPipelineOptions d, JsonNode job, Path file) {
    List<String> lines = new ArrayList<>();
    JsonNode steps = job.path("steps");
    lines.add(
        "Dataflow job: "
            + job.path("name").asText()
            + " in project "
            + d.getProject()
            + ", region "
            + d.getRegion()
            + ", "
            + (steps.size() > 0
                ? steps.size() + " steps after the runner's translation"
                : "its graph in the staged pipeline proto (Runner v2)"));
    lines.add("Job JSON (what would be submitted): " + file);
    DataflowPipelineDebugOptions debug = d.as(DataflowPipelineDebugOptions.class);
    lines.add(
        "Workers: "
            + (d.getWorkerMachineType() == null
                ? "Dataflow's default machine type"
                : d.getWorkerMachineType())
            + ", "
            + (d.getMaxNumWorkers() > 0
                ? "at most " + d.getMaxNumWorkers() + " workers"
                : "as many workers as the autoscaler chooses")
            + ", "
            + (debug.getNumberOfWorkerHarnessThreads() > 0
                ? debug.getNumberOfWorkerHarnessThreads() + " harness threads each"
                : "Dataflow's harness thread count")
            + (d.getNetwork() != null || d.getSubnetwork() != null
                ? ", network " + (d.getSubnetwork() != null ? d.getSubnetwork() : d.getNetwork())
                : ", the project's default network")
            + (d.getUsePublicIps() != null && !d.getUsePublicIps() ? ", no public IPs" : ""));
    List<String> experiments = new ArrayList<>();
    job.path("environment").path("experiments").forEach(e -> experiments.add(e.asText()));
    if (!experiments.isEmpty()) {
      lines.add("Experiments: " + String.join(", ", experiments));
    }
    if (d.as(DataflowPipelineDebugOptions.class).getStager() instanceof OfflineStager s) {
      lines.add(
          String.format(
              Locale.ROOT,
              "Staging: %d files (%.1f MB) would be uploaded to %s",
              s.files(),
              s.bytes() / 1e6,
              s.location()));
    }
    return lines;
  }
}

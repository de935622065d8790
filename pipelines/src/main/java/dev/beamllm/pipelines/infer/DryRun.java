package dev.beamllm.pipelines.infer;

import dev.beamllm.client.ApiKeys;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;

/**
 * {@code --dryRun=true}: the job built and checked as for a run, translated by its runner's {@link
 * DryRunTranslator} when one is on the classpath (Dataflow's), searched for secrets, and summed up;
 * nothing runs and nothing is sent.
 */
final class DryRun {
  private final BatchInference.Job job;
  private final PrintStream out;
  private final PrintStream err;

  DryRun(BatchInference.Job job, PrintStream out, PrintStream err) {
    this.job = job;
    this.out = out;
    this.err = err;
  }

  /** 0 when the job translates, 2 when the runner's options cannot work (one line). */
  int execute() {
    BatchInferenceOptions o = job.options;
    String runner = o.getRunner().getSimpleName();
    DryRunTranslator translator = translatorFor(o);
    DryRunTranslator.Translation translation = null;
    List<String> steps;
    try {
      if (translator != null) {
        translator.prepare(o);
      }
      Pipeline pipeline = job.build();
      steps = topLevelSteps(pipeline);
      if (translator != null) {
        translation = translator.translate(pipeline);
      }
    } catch (IllegalArgumentException e) {
      err.println("infer: " + ConsoleLogging.oneLine(e));
      return 2;
    } catch (Exception e) {
      err.println("infer: the " + runner + " translation failed: " + ConsoleLogging.oneLine(e));
      return 1;
    }
    out.println(
        "Dry run on "
            + runner
            + ": the job was built and checked"
            + (translation != null ? " and translated" : "")
            + "; nothing was run, nothing was sent.");
    out.println("Rows: " + job.totalRows + " in " + o.getInput());
    out.println("Models: " + String.join(", ", job.models));
    out.println("Steps: " + String.join(", ", steps));
    if (translation != null) {
      translation.lines().forEach(out::println);
      secrets(translation).forEach(out::println);
    } else {
      out.println(
          "No translator for "
              + runner
              + " here: the pipeline was built and its transforms checked, not translated.");
    }
    if (translation != null && runner.equals("DataflowRunner")) {
      localPaths().forEach(out::println);
    }
    ApiKeys keys = JobSettings.apiKeys(o);
    List<String> where = new ArrayList<>();
    for (String variable : job.keyVariables) {
      String ref = keys.secretReferences().get(variable);
      where.add(
          variable
              + (ref != null
                  ? " from Secret Manager (" + ref + ")"
                  : translation != null
                      ? " from their environment (on Dataflow: a custom container's; or give"
                          + " --apiKeySecrets)"
                      : " from their environment"));
    }
    out.println(
        "Keys: "
            + (job.keyVariables.isEmpty()
                ? "none needed"
                : "the workers read " + String.join(", ", where)));
    if (!JobSettings.reachesRedisFromHere(o)) {
      List<String> redis = new ArrayList<>();
      redisOptions()
          .forEach((option, uri) -> redis.add("--" + option + " " + JobSettings.shown(uri)));
      if (!redis.isEmpty()) {
        out.println(
            "Not contacted: "
                + String.join(", ", redis)
                + (translation != null
                    ? " (the workers reach it over the VPC)"
                    : " (a dry run contacts no server)"));
      }
    }
    return 0;
  }

  /**
   * Lines saying whether the launcher's keys and the Redis passwords are in the translated job:
   * where each was found, or that none was.
   */
  private List<String> secrets(DryRunTranslator.Translation translation) {
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String variable : job.keyVariables) {
      // The launcher's own key, when its environment has one: read as written, since a dry run
      // reads no secret (a Secret Manager reference is none).
      String value = System.getenv(variable);
      if (value != null && !value.isBlank() && !value.strip().startsWith("gcp-secret://")) {
        secrets.put(variable, value.strip());
      }
    }
    redisOptions()
        .forEach(
            (option, uri) -> {
              String pw = SecretScan.redisPassword(uri);
              if (pw != null) {
                secrets.put("the --" + option + " password", pw);
              }
            });
    Map<String, List<String>> found =
        SecretScan.find(translation.serializedJob(), translation.generatedFiles(), secrets);
    List<String> lines = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    List<String> tooShort = new ArrayList<>();
    secrets.forEach(
        (label, value) -> {
          if (!SecretScan.searchable(value)) {
            tooShort.add(label);
          } else if (!found.containsKey(label)) {
            absent.add(label);
          }
        });
    if (!tooShort.isEmpty()) {
      lines.add(
          "Secrets: not searched for, too short to tell from chance matches: "
              + String.join(", ", tooShort));
    }
    if (secrets.isEmpty()) {
      lines.add(
          "Secrets: none known here to look for (no key in this environment, no Redis password)");
    } else if (!absent.isEmpty()) {
      lines.add(
          "Secrets: not in the translated job (searched its text and what it encodes): "
              + String.join(", ", absent));
    }
    found.forEach(
        (label, places) ->
            lines.add(
                "Secrets: "
                    + label
                    + " IS in the translated job, in "
                    + String.join(", ", new LinkedHashSet<>(places))
                    + (label.startsWith("the --")
                        ? ": the workers need it to connect, and whoever may view the job can"
                            + " decode it (README, Running on Dataflow)"
                        : "")));
    return lines;
  }

  /**
   * Warnings for the files a Dataflow job would look for on its workers' own disks: its input, its
   * outputs and a SQLite checkpoint name paths on this machine.
   */
  private List<String> localPaths() {
    BatchInferenceOptions o = job.options;
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("input", o.getInput());
    paths.put("output", o.getOutput());
    paths.put("failures", o.getFailures());
    String store = JobSettings.checkpoint(o);
    if (store != null && !store.contains("://") && !store.equals("memory")) {
      paths.put(o.getCache() != null ? "cache" : "checkpoint", store);
    }
    List<String> lines = new ArrayList<>();
    paths.forEach(
        (option, path) -> {
          if (path != null && !path.startsWith("gs://")) {
            lines.add(
                "Warning: --"
                    + option
                    + " "
                    + path
                    + " is on this machine, which Dataflow workers cannot see"
                    + (option.equals("cache") || option.equals("checkpoint")
                        ? ": give a Memorystore redis:// URI, or none"
                        : ": the job reads and writes local files only so far (README, Running on"
                            + " Dataflow)"));
          }
        });
    return lines;
  }

  private Map<String, String> redisOptions() {
    BatchInferenceOptions o = job.options;
    Map<String, String> uris = new LinkedHashMap<>();
    String store = JobSettings.checkpoint(o);
    if (store != null && store.contains("://")) {
      uris.put(o.getCache() != null ? "cache" : "checkpoint", store);
    }
    if (o.getSharedLimits() != null) {
      uris.put("sharedLimits", o.getSharedLimits());
    }
    return uris;
  }

  private static DryRunTranslator translatorFor(BatchInferenceOptions o) {
    for (DryRunTranslator t : ServiceLoader.load(DryRunTranslator.class)) {
      if (t.handles(o)) {
        return t;
      }
    }
    return null;
  }

  /** The names of the pipeline's top-level transforms, in order. */
  static List<String> topLevelSteps(Pipeline p) {
    List<String> names = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.isRootNode()) {
              return CompositeBehavior.ENTER_TRANSFORM;
            }
            names.add(node.getFullName());
            return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
          }
        });
    return names;
  }
}

package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beamllm.cache.ResponseCache;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;

/**
 * What a job submitted to a Flink cluster ({@code --runner=FlinkRunner --flinkMaster=host:port},
 * e.g. the one {@code ./run.sh flink-cluster start} runs) needs beyond the embedded runner. Its
 * tasks run in the TaskManagers' JVMs, not in this one: they read the input, write the outputs and
 * open the checkpoint there, and report their rows only when the job ends.
 */
final class RemoteFlink {
  private RemoteFlink() {}

  /** Whether the job runs on a Flink cluster rather than in this JVM. */
  static boolean isRemote(BatchInferenceOptions o) {
    if (!FlinkRunner.class.equals(o.getRunner())) {
      return false;
    }
    String master = o.as(FlinkPipelineOptions.class).getFlinkMaster();
    // [local], [auto] (local outside Flink's own CLI) and [collection] run in this JVM.
    return master != null && !master.isBlank() && !master.startsWith("[");
  }

  /**
   * Prepares a remote job: local paths become absolute (a TaskManager's working directory need not
   * be ours); the parallelism, when not given, is the cluster's task slots (Beam's default is 1,
   * one slot of one TaskManager); and the checkpoint file is created here, once, because
   * TaskManagers opening a new SQLite file at the same moment race to switch it to WAL mode.
   *
   * @param flags the command line, to tell a given option from a default
   * @param say where to tell the user what was chosen
   */
  static void prepare(BatchInferenceOptions o, String[] flags, Consumer<String> say) {
    o.setInput(absolute(o.getInput()));
    o.setOutput(absolute(o.getOutput()));
    o.setFailures(absolute(o.getFailures()));
    if (o.getCheckpoint() != null && !o.getCheckpoint().equalsIgnoreCase("none")) {
      o.setCheckpoint(absolute(o.getCheckpoint()));
    }
    if (o.getCache() != null) {
      o.setCache(absolute(o.getCache()));
    }
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    if (Arrays.stream(flags).noneMatch(a -> a.startsWith("--parallelism"))) {
      int slots = slots(flink.getFlinkMaster());
      if (slots > 0) {
        flink.setParallelism(slots);
      }
    }
    String store = JobSettings.checkpoint(o);
    if (store != null && !store.equals("memory")) {
      ResponseCache.sqlite(Path.of(store)).get("");
    }
    say.accept(
        "Submitting to the Flink cluster at "
            + flink.getFlinkMaster()
            + (flink.getParallelism() > 0 ? " (parallelism " + flink.getParallelism() + ")" : "")
            + "; the rows are counted when it ends.");
  }

  /**
   * A local path made absolute; a URL-like path ({@code gs://...}) or one already absolute as it
   * is.
   */
  static String absolute(String path) {
    if (path == null || path.contains("://")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /**
   * The cluster's task slots from its REST API ({@code GET /overview}), 0 when it does not answer;
   * then Flink's own error on submission says why better than we could.
   */
  static int slots(String master) {
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + master + "/overview"))
                      .timeout(Duration.ofSeconds(5))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return 0;
      }
      JsonNode overview = new ObjectMapper().readTree(r.body());
      return overview.path("slots-total").asInt(0);
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
